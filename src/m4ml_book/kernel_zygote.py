"""A fork server that hands out fresh IPython kernels with the book's libraries already imported.

Every page of the book runs in a kernel of its own, as a reader's notebook does. Starting a Python
kernel and importing NumPy, pandas, SciPy, Matplotlib and scikit-learn costs 2-3 s on the build
machine, more than most pages' own code. This server pays that once per build: it imports the
common libraries, then waits on a Unix socket; for each request it forks, and the child becomes an
ordinary ipykernel that reads the connection file the build wrote for it. The child is a new process
with an empty user namespace, the default Matplotlib settings and freshly seeded random generators:
only the module imports are shared, as if they had been read from a warm disk cache. Nothing the
pages compute depends on it: `scripts/run_page.py` and the test suite run every page (and every
exported notebook) in a plain kernel started from scratch.

Protocol: one JSON line per connection, ``{"argv": [...], "cwd": "...", "env": {...}}``, answered
with ``{"pid": N}`` (or ``{"error": "..."}``). ``argv`` is the kernel command jupyter_client would
have run; only its ``-f CONNECTION_FILE`` is used.

Run as ``python -m m4ml_book.kernel_zygote SOCKET_PATH``; it prints ``ready`` once the imports are done and
exits when its parent dies or when it receives SIGTERM.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import sys
import time

# The libraries that almost every page imports. Each is imported exactly as a page would, so a
# page that needs none of them is not changed by their presence (their import has no side effect
# on a user namespace).
PRELOAD = (
    "numpy", "pandas", "scipy", "scipy.linalg", "scipy.special", "scipy.optimize", "scipy.stats",
    "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline",
    "sklearn", "sklearn.datasets", "sklearn.linear_model", "sklearn.model_selection",
    "sklearn.preprocessing", "sklearn.metrics", "sklearn.decomposition",
    "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger",
    "myst_nb", "myst_nb.ext.glue",
    "nbformat", "jsonschema", "plotly.graph_objects", "plotly.io",
    "m4ml",
)


def _die_with_parent() -> None:
    """Ask Linux to send SIGTERM to this process when the build that started it exits."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:  # not Linux: the build kills the server itself
        pass


def _reap(signum, frame) -> None:
    """Collect finished kernels so that they do not linger as zombies."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _preload() -> list[str]:
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    missing = []
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:
            missing.append(name)
    # Import every m4ml module too (the package imports little by itself).
    import pkgutil

    import m4ml

    for info in pkgutil.walk_packages(m4ml.__path__, "m4ml."):
        try:
            __import__(info.name)
        except ImportError:
            missing.append(info.name)
    return missing


def _become_kernel(request: dict) -> None:
    """In the forked child: turn into an ipykernel for the given connection file. Never returns."""
    code = 1
    try:
        os.setpgid(0, 0)  # own process group: the build interrupts or kills the kernel, not us
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        argv = list(request["argv"])
        connection_file = argv[argv.index("-f") + 1]
        cwd = request.get("cwd") or os.getcwd()
        os.chdir(cwd)
        env = request.get("env")
        if env:
            os.environ.clear()
            os.environ.update(env)
        sys.path[0] = cwd  # as `python -m ipykernel_launcher` started in cwd would have it
        sys.argv = [sys.executable, "-f", connection_file]
        # A fresh kernel gets fresh random state; a seeded page sets its own.
        import random

        import numpy as np

        random.seed()
        np.random.seed()
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        # parent_handle: the kernel exits if this server dies, and prints no connection banner.
        app.initialize(["-f", connection_file, f"--IPKernelApp.parent_handle={os.getppid()}"])
        if "matplotlib_inline.backend_inline" in sys.modules:
            # A fresh kernel hooks the inline backend into IPython when the backend module is first
            # imported; here it was imported before the shell existed, so hook it in now.
            from matplotlib_inline.backend_inline import _enable_matplotlib_integration

            _enable_matplotlib_integration()
        app.start()
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 0
    except BaseException:  # report anything else on the build's stderr, then leave
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve(path: str) -> None:
    _die_with_parent()
    started = time.perf_counter()
    missing = _preload()
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the build is handled by the build
    if os.path.exists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    os.chmod(path, 0o600)
    server.listen(8)
    print(json.dumps({"ready": True, "seconds": round(time.perf_counter() - started, 3),
                      "missing": missing}), flush=True)
    # From now on nothing reads our stdout pipe: send it, and the kernels' stdout, to stderr.
    os.dup2(2, 1)
    while True:
        try:
            conn, _ = server.accept()
        except InterruptedError:
            continue
        with conn:
            data = b""
            while not data.endswith(b"\n"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            try:
                request = json.loads(data)
            except ValueError as exc:
                conn.sendall(json.dumps({"error": f"bad request: {exc}"}).encode() + b"\n")
                continue
            pid = os.fork()
            if pid == 0:
                server.close()
                conn.close()
                _become_kernel(request)
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")


if __name__ == "__main__":
    serve(sys.argv[1])
