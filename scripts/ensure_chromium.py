"""Make sure Debian's Chromium is present for the browser tests.

Playwright is told to use the system browser (`executable_path`), never to
download its own. When `chromium` is missing and we are root on a Debian-like
system, install it with apt; otherwise say clearly why the browser tests will
be skipped. Always exits 0: the tests themselves report the skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CANDIDATES = ("chromium", "chromium-browser")


def find_chromium() -> str | None:
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def main() -> int:
    if find_chromium():
        return 0
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("ensure_chromium: chromium is not installed and cannot be installed here "
              "(needs root and apt-get); the browser tests will be skipped.", file=sys.stderr)
        return 0
    print("ensure_chromium: installing Debian's chromium with apt-get ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        result = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            print(f"ensure_chromium: {' '.join(cmd)} failed; browser tests will be skipped:\n"
                  f"{result.stderr[-2000:]}", file=sys.stderr)
            return 0
    print(f"ensure_chromium: installed {find_chromium()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
