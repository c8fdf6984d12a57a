"""Execute the book's pages before Sphinx reads them: in parallel, from warm kernels, and honestly.

MyST-NB's ``cache`` mode executes a page when Sphinx reads it, one page at a time, each in a kernel
that starts Python and imports the scientific stack from scratch. This extension runs first (on
``env-get-outdated``) and fills the same jupyter-cache that MyST-NB then reads, so MyST-NB finds
every page cached and executes nothing itself. What it adds:

* **Speed.** Pages run two at a time (one per core), each in a kernel forked from a server that has
  already imported NumPy, pandas, SciPy, Matplotlib, scikit-learn and ``m4ml``
  (``kernel_zygote.py``). A forked kernel is a new process with an empty namespace; only imports
  are shared. Every page still runs alone in a kernel started from scratch in the test suite.
* **A failed page stays failed.** A page is executed whenever the cache has no successful run of
  its current code, so a page that failed runs again, and fails again, on every build until it is
  fixed. Any failure stops the build before Sphinx reads a page, with the page, the cell (and its
  line in the Markdown source) and the traceback, so no HTML is ever written with missing outputs.
* **Outputs that match the package.** A cached run is valid only for the ``m4ml`` source it ran
  with: each record stores a hash of the installed package's files, and a page that imports
  ``m4ml`` runs again when that hash changes.
* **Sphinx re-reads what changed.** A page whose cached outputs changed since Sphinx last read it
  is re-read even when its source did not change.
* **Progress and timings.** Each finished page prints ``[done/total]``, its time and the slowest
  page so far. The time of each page is split into kernel start-up, set-up imports and the page's
  own code, stored in ``<cache>/m4ml-timings.json`` for the execution-status page and the benchmark.
"""

from __future__ import annotations

import ast
import asyncio
import hashlib
import json
import os
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from m4ml_book import names, patches
from m4ml_book.zygote_client import (  # noqa: F401 - re-exported for the tests
    BLAS_THREAD_VARS,
    Zygote,
    blas_environment,
    code_digest,
    discard_prestarted,
    take_prestarted,
    workers,
)

logger = logging.getLogger(__name__)

TIMINGS = names.TIMINGS_FILE
STATE = names.EXEC_STATE_FILE  # per page: source size/mtime, notebook hash, uses m4ml
WORKERS_ENV = names.EXEC_WORKERS_ENV


# --------------------------------------------------------------------------------------------
# Kernels forked from the zygote


class _ForkedProcess:
    """The part of ``subprocess.Popen`` that LocalProvisioner uses, for a kernel we did not spawn."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("kernel", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """Launch the kernel by asking the zygote to fork, instead of starting a new Python."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        socket_path = self.parent.zygote_socket
        env = {**(kwargs.get("env") or os.environ), **(self.parent.blas_env or {})}
        request = {"argv": cmd, "cwd": str(kwargs.get("cwd") or os.getcwd()), "env": env}
        reader, writer = await asyncio.open_unix_connection(socket_path)
        writer.write(json.dumps(request).encode() + b"\n")
        await writer.drain()
        answer = json.loads(await reader.readline())
        writer.close()
        if "pid" not in answer:
            raise RuntimeError(f"the kernel server could not start a kernel: {answer}")
        self.process = _ForkedProcess(answer["pid"])
        self.pid = self.pgid = answer["pid"]
        self.cwd = request["cwd"]
        return self.connection_info


class ForkKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernels come from the zygote at ``zygote_socket``."""

    zygote_socket: str = ""
    blas_env: dict[str, str] | None = None  # the zygote's BLAS thread counts, set with the socket

    async def _async_pre_start_kernel(self, **kw: Any):
        self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
        if self.provisioner is None:
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                               parent=self)
        return await super()._async_pre_start_kernel(**kw)


# --------------------------------------------------------------------------------------------
# Running one page


def is_setup_cell(source: str) -> bool:
    """A set-up cell only imports, or calls a style set-up: its time counts as 'imports'."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    if not tree.body:
        return True
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            continue
        if (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
                and isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr == "use_style"):
            continue
        return False
    return True


@dataclass
class PageResult:
    docname: str
    ok: bool
    notebook: nbformat.NotebookNode | None = None
    startup: float = 0.0
    imports: float = 0.0
    code: float = 0.0
    error: str = ""
    cell_timings: list[float] = field(default_factory=list)

    @property
    def total(self) -> float:
        return self.startup + self.imports + self.code


async def run_page(docname: str, nb: nbformat.NotebookNode, cwd: Path, *, zygote: Zygote | None,
                   timeout: int, source_lines: list[int] | None) -> PageResult:
    """Execute ``nb`` in a fresh kernel (forked from ``zygote`` if given) and time its parts."""
    from jupyter_core.utils import ensure_async
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.from_dict(nb)
    if zygote is not None:
        # IPC sockets in the server's private folder: nothing listens on a network port.
        km = ForkKernelManager(kernel_name="python3", transport="ipc",
                               ip=os.path.join(zygote.dir.name, uuid.uuid4().hex[:12]))
        km.zygote_socket = zygote.socket
        km.blas_env = zygote.blas_env
    else:
        km = AsyncKernelManager(kernel_name="python3")
    client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=False, record_timing=False,
                            resources={"metadata": {"path": str(cwd)}}, kernel_name="python3")
    result = PageResult(docname, ok=False)
    started = time.perf_counter()
    setup_phase = True
    index = -1
    try:
        async with client.async_setup_kernel(cwd=str(cwd)):
            msg_id = await ensure_async(client.kc.kernel_info())
            info = await client.async_wait_for_reply(msg_id)
            if info is not None and "language_info" in info["content"]:
                nb.metadata["language_info"] = info["content"]["language_info"]
            result.startup = time.perf_counter() - started
            for index, cell in enumerate(nb.cells):
                t0 = time.perf_counter()
                await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                spent = time.perf_counter() - t0
                if cell.cell_type != "code":
                    continue
                result.cell_timings.append(round(spent, 4))
                if setup_phase and is_setup_cell(cell.source):
                    result.imports += spent
                else:
                    setup_phase = False
                    result.code += spent
            client.set_widgets_metadata()
        stderr = [out.get("text", "") for cell in nb.cells for out in cell.get("outputs", [])
                  if out.get("output_type") == "stream" and out.get("name") == "stderr"]
        if stderr:
            raise RuntimeError("a cell wrote to stderr (warnings are errors):\n" + "".join(stderr)[:2000])
        result.ok = True
        result.notebook = nb
    except (CellExecutionError, RuntimeError, TimeoutError) as exc:
        where = ""
        if 0 <= index < len(nb.cells):
            code_index = sum(1 for c in nb.cells[: index + 1] if c.cell_type == "code")
            line = source_lines[index] if source_lines and index < len(source_lines) else None
            where = f"code cell {code_index}" + (f" (line {line + 1} of the source)" if line is not None else "")
        result.error = (f"{where}: " if where else "") + str(exc)
    except Exception as exc:  # a kernel that died, a bad connection: report it the same way
        import traceback

        result.error = "".join(traceback.format_exception(exc))[-3000:]
    finally:
        # We own the kernel manager (nbclient only shuts down kernels it started itself).
        if client.kc is not None:
            client.kc.stop_channels()
        try:
            if await ensure_async(km.is_alive()):
                await km.shutdown_kernel(now=not result.ok)
        except Exception:  # already gone
            pass
    return result


# --------------------------------------------------------------------------------------------
# The cache: which pages need to run


def package_hash() -> str:
    """A hash of every file of the installed ``m4ml`` package (code and data)."""
    import importlib.util

    spec = importlib.util.find_spec("m4ml")
    if spec is None or not spec.submodule_search_locations:
        return "m4ml-not-installed"
    root = Path(list(spec.submodule_search_locations)[0])
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in {".pyc", ".pyo"}:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def uses_package(nb: nbformat.NotebookNode) -> bool:
    return any("m4ml" in cell.source for cell in nb.cells if cell.cell_type == "code")


def read_notebook(app: Sphinx, docname: str) -> nbformat.NotebookNode | None:
    """The notebook MyST-NB will build for ``docname`` (None for a plain Markdown page)."""
    from myst_nb.core.read import create_nb_reader

    env = app.env
    path = env.doc2path(docname)
    text = Path(path).read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), env.myst_config, env.mystnb_config, text)
    if reader is None:
        return None
    nb = reader.read(text)
    if not any(cell.cell_type == "code" for cell in nb.cells):
        return None
    return nb


def _record_id(record) -> str:
    """A cached run is identified by its notebook hash and the id of the run that made it
    (primary keys restart in a new cache, and jupyter-cache stamps every record of one process
    with the same creation time)."""
    return f"{record.hashkey}:{record.data.get('run_id')}"


def _load_state(cache_path: Path) -> dict:
    try:
        return json.loads((cache_path / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def _timings_path(cache_path: Path) -> Path:
    return cache_path / TIMINGS


def load_timings(cache_path: Path) -> dict:
    path = _timings_path(cache_path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


async def _run_all(jobs, *, workers: int, timeout: int, total: int) -> list[PageResult]:
    zygote = take_prestarted(workers) or await asyncio.to_thread(Zygote, workers)
    if zygote.missing:
        logger.info(f"[exec] not preloaded (not installed): {', '.join(zygote.missing)}")
    semaphore = asyncio.Semaphore(workers)
    done: list[PageResult] = []
    slowest: list[PageResult] = []

    async def one(job):
        docname, nb, cwd, lines = job
        async with semaphore:
            result = await run_page(docname, nb, cwd, zygote=zygote, timeout=timeout, source_lines=lines)
        done.append(result)
        if result.ok and (not slowest or result.total > slowest[0].total):
            slowest[:] = [result]
        mark = "ran" if result.ok else "FAILED"
        slow = f"; slowest so far {slowest[0].docname} {slowest[0].total:.1f} s" if slowest else ""
        logger.info(f"[exec {len(done)}/{total}] {docname}: {mark} in {result.total:.1f} s "
                    f"(start {result.startup:.2f} + imports {result.imports:.2f} + code {result.code:.2f}){slow}")
        return result

    try:
        return list(await asyncio.gather(*(one(job) for job in jobs)))
    finally:
        zygote.close()


def execute_outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """``env-get-outdated``: run every page without a valid cached run; return pages to re-read."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    nb_config = env.mystnb_config
    if nb_config.execution_mode != "cache":
        return []
    cache_path = Path(nb_config.execution_cache_path or Path(app.outdir).parent / names.CACHE_DIR)
    cache = get_cache(str(cache_path))
    pkg = package_hash()
    timings = load_timings(cache_path)
    read_records: dict[str, str] = getattr(env, "m4ml_exec_records", {})

    # A page whose source file is unchanged since the last build (same size and modification
    # time) and whose cached run is still valid is not parsed again: that keeps a build with
    # nothing to execute fast. Every other page is parsed exactly as MyST-NB will parse it.
    started = time.perf_counter()
    state = _load_state(cache_path)
    records = {r.hashkey: r for r in cache.list_cache_records()}
    notebooks, jobs, current, new_state = {}, [], {}, {}
    for docname in sorted(env.found_docs):
        path = Path(env.doc2path(docname))
        try:
            stat = path.stat()
        except OSError:
            continue
        key = [stat.st_mtime_ns, stat.st_size]
        known = state.get(docname)
        if known and known["file"] == key:
            if not known["notebook"]:
                new_state[docname] = known
                continue
            record = records.get(known["hashkey"])
            if record is not None and (not known["uses_m4ml"] or record.data.get("m4ml_source") == pkg):
                current[docname] = _record_id(record)
                new_state[docname] = known
                continue
        nb = read_notebook(app, docname)
        if nb is None:
            new_state[docname] = {"file": key, "notebook": False}
            continue
        notebooks[docname] = nb
        _, hashkey = cache.create_hashed_notebook(nb)
        needs_pkg = uses_package(nb)
        new_state[docname] = {"file": key, "notebook": True, "hashkey": hashkey, "uses_m4ml": needs_pkg,
                              "code": code_digest(path.read_text(encoding="utf-8"))}
        record = records.get(hashkey)
        if record is None or (needs_pkg and record.data.get("m4ml_source") != pkg):
            jobs.append((docname, nb, path.parent, nb.metadata.get("source_map")))
        else:
            current[docname] = _record_id(record)
    scan = time.perf_counter() - started
    n_notebooks = sum(1 for entry in new_state.values() if entry["notebook"])

    failures: list[PageResult] = []
    if not jobs:
        discard_prestarted()  # scripts/build_book.py started a kernel server no page needs
    if jobs:
        n_workers = workers()
        logger.info(f"[exec] {len(jobs)} of {n_notebooks} pages to execute, {n_workers} at a time "
                    f"(m4ml source {pkg}; checked the cache in {scan:.1f} s)")
        t0 = time.perf_counter()
        results = asyncio.run(_run_all(jobs, workers=n_workers, timeout=nb_config.execution_timeout,
                                       total=len(jobs)))
        wall = time.perf_counter() - t0
        for result in results:
            if not result.ok:
                failures.append(result)
                timings.pop(result.docname, None)
                continue
            nb = notebooks[result.docname]
            uri = str(env.doc2path(result.docname))
            data = {"execution_seconds": round(result.total, 3),
                    "m4ml_source": pkg if uses_package(nb) else None, "run_id": uuid.uuid4().hex}
            merged = nbformat.from_dict(nb)
            for cell, executed in zip(merged.cells, result.notebook.cells):
                if cell.cell_type == "code":
                    cell.outputs = executed.get("outputs", [])
                    cell.execution_count = executed.get("execution_count")
            merged.metadata["language_info"] = result.notebook.metadata.get("language_info", {})
            if "widgets" in result.notebook.metadata:
                merged.metadata["widgets"] = result.notebook.metadata["widgets"]
            record = cache.cache_notebook_bundle(CacheBundleIn(merged, uri, data=data),
                                                 check_validity=False, overwrite=True)
            current[result.docname] = _record_id(record)
            timings[result.docname] = {
                "total": round(result.total, 3), "startup": round(result.startup, 3),
                "imports": round(result.imports, 3), "code": round(result.code, 3),
                "cells": result.cell_timings, "when": time.time(), "m4ml_source": pkg,
            }
        ok = [r for r in results if r.ok]
        if ok:
            parts = {k: sum(getattr(r, k) for r in ok) for k in ("startup", "imports", "code")}
            logger.info(f"[exec] {len(ok)} pages in {wall:.1f} s wall; summed page time "
                        f"{sum(parts.values()):.1f} s = start-up {parts['startup']:.1f} + imports "
                        f"{parts['imports']:.1f} + own code {parts['code']:.1f} s")
        timings["_last_run"] = {"pages": len(jobs), "wall": round(wall, 3), "workers": n_workers,
                                "scan": round(scan, 3)}
        _save_json(_timings_path(cache_path), timings)
    for result in failures:  # never remembered as known: parsed and run again next time
        new_state.pop(result.docname, None)
    _save_json(cache_path / STATE, new_state)
    if failures:
        report = "\n\n".join(f"{r.docname}: {r.error}" for r in failures)
        raise ExtensionError(f"{len(failures)} page(s) failed to execute; the build stops before "
                             f"writing any page.\n\n{report}")

    # Pages whose cached outputs differ from those Sphinx last read are read again.
    reread = [doc for doc, pk in current.items() if read_records.get(doc) != pk
              and doc not in added and doc not in changed]
    env.m4ml_exec_records = current
    return reread


def merge_info(app, env, docnames, other) -> None:
    env.m4ml_exec_records = {**getattr(env, "m4ml_exec_records", {}),
                             **getattr(other, "m4ml_exec_records", {})}


def setup(app: Sphinx) -> dict:
    patches.cache_pybtex_plugins()  # over a second of every rebuild (see patches.py)
    patches.number_figures_from_outlines(app)  # a sixth of a rebuild after a prose edit
    patches.slim_exercise_registry(app)  # the environment's pickle: 12 MB, most of it pages again
    app.connect("env-get-outdated", execute_outdated)
    app.connect("env-merge-info", merge_info)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 5}
