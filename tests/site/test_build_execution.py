"""The build's page execution (m4ml_book.page_exec) on a small book of its own.

A page whose execution failed must fail every build until it is fixed; a change to ``m4ml`` must
re-run the pages that use it and show their new outputs; a forked kernel must give the same outputs
as a kernel started from scratch.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import jupytext
import pytest

from m4ml_book import page_exec

from conftest import ROOT

HEADER = textwrap.dedent("""\
    ---
    jupytext:
      text_representation:
        extension: .md
        format_name: myst
    kernelspec:
      display_name: Python 3
      language: python
      name: python3
    ---
    """)


def page(title: str, *cells: str) -> str:
    body = "".join(f"\n```{{code-cell}} ipython3\n{cell}\n```\n" for cell in cells)
    return f"{HEADER}\n# {title}\n\nSome prose.\n{body}"


def write_book(root: Path, bad_cell: str) -> None:
    (root / "_config.yml").write_text(textwrap.dedent("""\
        title: Small book
        only_build_toc_files: true
        execute:
          execute_notebooks: cache
          timeout: 60
        sphinx:
          extra_extensions:
            - m4ml_book.page_exec
        """))
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: uses_m4ml\n  - file: second\n")
    (root / "intro.md").write_text("# Small book\n\nA book of two executed pages.\n")
    (root / "uses_m4ml.md").write_text(page("Uses m4ml", "import m4ml\nprint('answer', 6 * 7)"))
    (root / "second.md").write_text(page("Second", "x = 1", bad_cell))


def build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_book.py"), "build", str(root),
         "--builder", "html", "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=600)


@pytest.mark.book
def test_a_failed_page_fails_every_build_until_fixed_and_package_changes_rerun_pages(tmp_path):
    write_book(tmp_path, "raise ValueError('broken on purpose')")
    for attempt in (1, 2):
        result = build(tmp_path)
        log = result.stdout + result.stderr
        assert result.returncode != 0, f"build {attempt} with a broken page succeeded:\n{log[-3000:]}"
        assert "second: code cell 2" in log and "broken on purpose" in log, log[-3000:]
        assert "[exec" in log and "second: FAILED" in log, f"build {attempt} did not run the page again"
        assert not (tmp_path / "_build" / "html" / "second.html").exists(), "HTML written for a failed page"

    (tmp_path / "second.md").write_text(page("Second", "x = 1", "print('fixed', x + 1)"))
    result = build(tmp_path)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert "fixed 2" in (tmp_path / "_build" / "html" / "second.html").read_text()
    assert "answer 42" in (tmp_path / "_build" / "html" / "uses_m4ml.html").read_text()

    # Nothing changed: nothing runs.
    log = (lambda r: r.stdout + r.stderr)(build(tmp_path))
    assert "pages to execute" not in log, log[-2000:]

    # The cached run of the page that imports m4ml was made with another m4ml: it runs again and
    # is read again; the page that does not import m4ml is left alone.
    from jupyter_cache import get_cache

    cache = get_cache(str(tmp_path / "_build" / ".jupyter_cache"))
    record = cache.match_cache_notebook(jupytext.read(tmp_path / "uses_m4ml.md"))
    assert record.data["m4ml_source"] == page_exec.package_hash()
    bundle = cache.get_cache_bundle(record.pk)
    bundle.nb.cells[0].outputs[0]["text"] = "answer from an old m4ml\n"
    from jupyter_cache.base import CacheBundleIn

    cache.cache_notebook_bundle(CacheBundleIn(bundle.nb, record.uri,
                                              data={**record.data, "m4ml_source": "an-older-m4ml"}),
                                check_validity=False, overwrite=True)
    result = build(tmp_path)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert "1 of 2 pages to execute" in log and "uses_m4ml: ran" in log, log[-3000:]
    html = (tmp_path / "_build" / "html" / "uses_m4ml.html").read_text()
    assert "answer 42" in html and "old m4ml" not in html


def test_package_hash_follows_the_installed_source():
    first = page_exec.package_hash()
    assert first == page_exec.package_hash() and len(first) == 16


def test_setup_cells_are_recognised():
    assert page_exec.is_setup_cell(
        "import numpy as np\nfrom m4ml import data\nfrom m4ml.viz import style\nstyle.use_style()")
    assert not page_exec.is_setup_cell("import numpy as np\nx = np.ones(3)")
    assert not page_exec.is_setup_cell("def f(:")


def test_a_forked_kernel_gives_the_outputs_of_a_fresh_kernel(tmp_path):
    """A notebook like the book's pages (set-up imports, the figure style, a figure, a glued
    number, printed text, a table), run in a kernel forked from the warm server and in a kernel
    started from scratch, produces the same kinds of output in the same cells. (A small notebook of
    its own: the book's pages are executed only by the build and by the exported-notebook tests.)"""
    nb = jupytext.reads(page(
        "Forked", "import numpy as np\nimport pandas as pd\nfrom myst_nb import glue\n"
        "from m4ml import data\nfrom m4ml.viz import style\nstyle.use_style()",
        "X = data.load_cancer().X\nprint('rows', X.shape[0])",
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot(np.arange(5) ** 2);",
        "glue('n', int(X.shape[0]), display=False)",
        "pd.DataFrame({'a': [1, 2]})",
        "rng = np.random.default_rng(0)\nrng.standard_normal(2)"), fmt="myst")

    async def both():
        zygote = await asyncio.to_thread(page_exec.Zygote)
        try:
            forked = await page_exec.run_page("forked", nb, tmp_path, zygote=zygote, timeout=120,
                                              source_lines=None)
        finally:
            zygote.close()
        fresh = await page_exec.run_page("fresh", nb, tmp_path, zygote=None, timeout=120,
                                         source_lines=None)
        return forked, fresh

    # In its own thread: other tests of the session (Playwright) may leave an event loop running.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        forked, fresh = pool.submit(lambda: asyncio.run(both())).result()
    assert forked.ok and fresh.ok, (forked.error, fresh.error)

    def outputs(result):
        return [[(o["output_type"], sorted(o.get("data", {})), o.get("text")) for o in cell.get("outputs", [])]
                for cell in result.notebook.cells if cell.cell_type == "code"]

    assert outputs(forked) == outputs(fresh)
    assert any("image/png" in data for cell in outputs(forked) for _, data, _ in cell), "no figure"
    assert forked.startup > 0 and forked.imports > 0 and forked.code > 0


def test_pages_run_at_once_share_the_cores_between_their_blas_threads(monkeypatch):
    """Two pages at a time on two cores: one BLAS thread each (a user's own setting wins)."""
    for var in page_exec.BLAS_THREAD_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(page_exec.os, "cpu_count", lambda: 2)
    assert set(page_exec.blas_environment(2).values()) == {"1"}
    assert set(page_exec.blas_environment(1).values()) == {"2"}
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert page_exec.blas_environment(2)["OMP_NUM_THREADS"] == "3"


def test_a_forked_kernel_uses_the_blas_threads_it_was_given(tmp_path, monkeypatch):
    for var in page_exec.BLAS_THREAD_VARS:
        monkeypatch.delenv(var, raising=False)
    nb = jupytext.reads(page(
        "Threads", "import numpy as np\nfrom threadpoolctl import threadpool_info",
        "print('threads', max(p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas'))"),
        fmt="myst")

    async def run():
        zygote = await asyncio.to_thread(page_exec.Zygote, 2 * (page_exec.os.cpu_count() or 1))
        try:
            return await page_exec.run_page("threads", nb, tmp_path, zygote=zygote, timeout=120,
                                            source_lines=None)
        finally:
            zygote.close()

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(lambda: asyncio.run(run())).result()
    assert result.ok, result.error
    printed = "".join(o.get("text", "") for c in result.notebook.cells for o in c.get("outputs", []))
    assert "threads 1" in printed, printed


def test_the_kernel_server_is_prestarted_only_when_code_changed(tmp_path):
    """scripts/build_book.py starts the kernel server before Sphinx when the code of a page changed
    since the last execution (not for a prose edit); the server it hands over accepts kernels (it
    outlives the thread that waited for it)."""
    import json
    import socket

    from m4ml_book import names, zygote_client

    book = tmp_path / "book"
    state = book / names.BUILD_DIR / names.CACHE_DIR / names.EXEC_STATE_FILE
    state.parent.mkdir(parents=True)
    source = page("A page", "x = 1")
    (book / "page.md").write_text(source)
    assert zygote_client.pages_changed_since_last_run(book)  # never executed

    def record():
        stat = (book / "page.md").stat()
        state.write_text(json.dumps({"page": {"file": [stat.st_mtime_ns, stat.st_size], "notebook": True,
                                              "code": zygote_client.code_digest(source)}}))

    record()
    assert not zygote_client.pages_changed_since_last_run(book)
    (book / "page.md").write_text(source.replace("Some prose.", "Some more prose."))
    assert not zygote_client.pages_changed_since_last_run(book), "a prose edit is not a code change"
    assert not zygote_client.prestart(book)
    (book / "page.md").write_text(source.replace("x = 1", "x = 2"))
    assert zygote_client.prestart(book)
    zygote = zygote_client.take_prestarted(zygote_client.workers())
    try:
        assert zygote is not None and zygote.process.poll() is None
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(zygote.socket)
    finally:
        if zygote is not None:
            zygote.close()
    assert zygote_client.take_prestarted(zygote_client.workers()) is None
