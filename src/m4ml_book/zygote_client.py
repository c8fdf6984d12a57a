"""The kernel server (``kernel_zygote.py``) as the build uses it: start, share out the cores, stop.

Kept apart from ``page_exec`` and free of heavy imports so that ``scripts/build_book.py`` can start
the server first thing, while Sphinx is still importing itself (:func:`prestart`): the server's own
imports (NumPy, pandas, SciPy, Matplotlib, scikit-learn, ``m4ml``) then cost a code edit's rebuild
nothing. It is started only when some page changed since the last execution, and stopped unused
when no page needs to run.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from m4ml_book import names

BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def blas_environment(workers: int) -> dict[str, str]:
    """The environment of the kernels when `workers` pages run at once: the cores shared out, so
    that two pages' BLAS threads do not fight over two cores (OpenBLAS threads spin while they
    wait, and a page of matrix products ran ten times slower so). A value the user set wins."""
    threads = str(max(1, (os.cpu_count() or 1) // max(1, workers)))
    return {var: os.environ.get(var, threads) for var in BLAS_THREAD_VARS}


def workers() -> int:
    """Pages run at once: ``M4ML_EXEC_WORKERS``, else one per core, at most two."""
    return max(1, int(os.environ.get(names.EXEC_WORKERS_ENV, "0") or 0) or min(2, os.cpu_count() or 1))


class Zygote:
    """The fork server process, started once per build and stopped at its end. NumPy's BLAS
    reads its thread count when the server imports it, so the count is set here."""

    def __init__(self, workers: int = 1, *, wait: bool = True) -> None:
        self.dir = tempfile.TemporaryDirectory(prefix=names.KERNEL_DIR_PREFIX)
        self.socket = os.path.join(self.dir.name, "zygote.sock")
        self.blas_env = blas_environment(workers)
        # The server asks to be stopped when the thread that started it ends (PR_SET_PDEATHSIG):
        # start it from a thread that lives as long as it is needed.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "m4ml_book.kernel_zygote", self.socket],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
            env={**os.environ, **self.blas_env})
        self.preload_seconds, self.missing = 0.0, []
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        """Block until the server has imported its modules and listens."""
        line = self.process.stdout.readline()
        try:
            info = json.loads(line)
        except ValueError:
            self.close()
            raise RuntimeError(f"the kernel server did not start (it printed {line!r})") from None
        self.preload_seconds = float(info.get("seconds", 0.0))
        self.missing = list(info.get("missing") or [])

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.dir.cleanup()


_prestarted: list = []   # [thread, holder]: the server started by prestart(), until taken


CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.S | re.M)


def code_digest(text: str) -> str:
    """A digest of the code cells of a MyST page: equal before and after an edit of its prose."""
    return hashlib.sha256("\0".join(CODE_CELL.findall(text)).encode()).hexdigest()[:16]


def pages_changed_since_last_run(book: Path) -> bool:
    """Has the code of some page of `book` changed since pages were last executed (or were they
    never executed)? A page whose size and date are those recorded at the last execution is not
    read; one that changed is compared by the digest of its code cells, so a prose edit is not a
    change here."""
    try:
        state = json.loads((book / names.BUILD_DIR / names.CACHE_DIR / names.EXEC_STATE_FILE).read_text())
    except (OSError, ValueError):
        return True
    for page in book.rglob("*.md"):
        relative = page.relative_to(book)
        if names.BUILD_DIR in relative.parts:
            continue
        stat = page.stat()
        entry = state.get(relative.with_suffix("").as_posix())
        if entry and entry.get("file") == [stat.st_mtime_ns, stat.st_size]:
            continue
        text = page.read_text(encoding="utf-8")
        if entry is None or not entry.get("notebook"):
            if CODE_CELL.search(text):
                return True
        elif entry.get("code") != code_digest(text):
            return True
    return False


def prestart(book: Path) -> bool:
    """Start the kernel server in the background if some page changed; True if started."""
    if _prestarted or not pages_changed_since_last_run(book):
        return False
    zygote = Zygote(workers(), wait=False)  # from the main thread, which lives to the end
    holder: list = []

    def wait() -> None:
        try:
            zygote.wait_ready()
            holder.append(zygote)
        except Exception as err:  # noqa: BLE001 - the build starts its own server instead
            holder.append(err)

    thread = threading.Thread(target=wait, name="m4ml-zygote-prestart", daemon=True)
    thread.start()
    _prestarted[:] = [thread, holder]
    atexit.register(discard_prestarted)
    return True


def take_prestarted(n_workers: int) -> Zygote | None:
    """The server prestart() started, ready, if it runs with `n_workers`' thread counts; else None."""
    if not _prestarted:
        return None
    thread, holder = _prestarted
    _prestarted.clear()
    thread.join()
    zygote = holder[0] if holder else None
    if not isinstance(zygote, Zygote):
        return None
    if zygote.blas_env != blas_environment(n_workers):
        zygote.close()
        return None
    return zygote


def discard_prestarted() -> None:
    """Stop a prestarted server that no page needed."""
    zygote = take_prestarted(workers())
    if zygote is not None:
        zygote.close()
