"""`python -m demo_tool --host 127.0.0.1 --port 8001 --data-dir var/demo_tool [--base-url URL] [--log-level L]`:
serves the demo tool with a threaded wsgiref server until interrupted (SIGINT or SIGTERM)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from .app import ToolSettings, make_app
from .web import serve

log = logging.getLogger("demo_tool")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m demo_tool", description="배움 데모 콘텐츠: a demo LTI 1.3 tool")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--data-dir", type=Path, default=Path("var/demo_tool"), help="key and registrations")
    parser.add_argument("--base-url", default="", help="public address (default http://HOST:PORT)")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=args.log_level, format="demo_tool %(levelname)s %(message)s")
    host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host  # noqa: S104 - a public address to print
    base_url = (args.base_url or f"http://{host}:{args.port}").rstrip("/")
    app = make_app(ToolSettings(base_url, args.data_dir))
    server = serve(app, args.host, args.port)

    def stop(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    log.info("serving %s (data in %s)", base_url, args.data_dir)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
