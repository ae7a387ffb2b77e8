"""`python -m demo_tool.healthcheck http://127.0.0.1:8001 [--timeout 20]`: waits until the demo
tool answers /health (exit 0), or gives up (exit 1). What `make run` waits with."""

from __future__ import annotations

import argparse
import sys
import time
import urllib.request


def healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url.rstrip("/") + "/health", timeout=2) as response:  # noqa: S310 - ours
            return bool(response.status == 200)
    except OSError:
        return False


def wait_healthy(base_url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if healthy(base_url):
            return True
        time.sleep(0.2)
    return healthy(base_url)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m demo_tool.healthcheck")
    parser.add_argument("base_url")
    parser.add_argument("--timeout", type=float, default=20)
    args = parser.parse_args()
    if not wait_healthy(args.base_url, args.timeout):
        sys.stderr.write(f"the demo tool did not answer {args.base_url}/health within {args.timeout:g} s\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
