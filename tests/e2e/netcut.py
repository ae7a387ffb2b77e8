"""A TCP relay in front of the test server that can drop off the network like a school tablet's
Wi-Fi: every open connection is reset at once, and new ones are refused until it comes back."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading

from tests.servers import free_port


def _reset(sock: socket.socket) -> None:
    """Drop a connection: shutdown wakes the relay thread blocked on it, and with SO_LINGER 0 its
    close sends a TCP RST, as a connection that vanished with the Wi-Fi does for the peer."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class NetworkCut:
    """Listens on 127.0.0.1:<port> and relays each connection to `target_port`."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self._down = threading.Event()
        self._deaf = threading.Event()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cut(self) -> None:
        """The Wi-Fi drops: reset every relayed connection, refuse new ones."""
        with self._lock:
            self._down.set()
            doomed, self._open = self._open, set()
        for sock in doomed:
            _reset(sock)

    def lose_replies(self) -> None:
        """From now on the server's bytes never reach the browser (what the browser sends still
        reaches the server): an answer arrives, its acknowledgement is lost with the Wi-Fi."""
        self._deaf.set()

    def restore(self) -> None:
        """The Wi-Fi is back: new connections go through again."""
        self._deaf.clear()
        self._down.clear()

    def close(self) -> None:
        self._stopped = True
        self.cut()
        _reset(self._listener)

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            if self._down.is_set():
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                if self._down.is_set():  # cut while this one was connecting
                    _reset(client)
                    _reset(upstream)
                    continue
                self._open.update((client, upstream))
            for source, sink, reply in ((client, upstream, False), (upstream, client, True)):
                threading.Thread(target=self._pump, args=(source, sink, reply), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, reply: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if not (reply and self._deaf.is_set()):
                    sink.sendall(chunk)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)  # wakes the other direction's thread
                sock.close()
