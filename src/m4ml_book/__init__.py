"""The book's own machinery: the Sphinx extensions, and what scripts and tests share with them.

Installed with the package (``pip install -e ".[book]"`` brings its dependencies); it is not
part of what a reader of the book needs, and no page imports it. ``book/_config.yml`` loads the
extensions as ``m4ml_book.<module>``:

* ``page_exec`` (with ``kernel_zygote``): runs every page before Sphinx reads it;
* ``offline_assets``, ``live_code``: the site's JavaScript, loaded from the site itself;
* ``exec_status``: the execution-status page; ``notebook_export``: every page as a notebook;
* ``a11y``, ``reading``: fixes to the theme's HTML; ``latex_pdf``: the printed book.
* ``math_ssr``: formulas typeset at build time (mathjax_render.mjs), and no MathJax,
  icon script or search index on the pages;

Shared by all of them, and by ``scripts/``, ``benchmarks/`` and ``tests/``:

* ``toc``: the table of contents (page order, parts, chapters, titles);
* ``names``: every name that two files must spell alike (files, HTML ids, JavaScript globals);
* ``assets``: the one way an extension copies a file of ``book/_assets`` into the site;
* ``patches``: every change this package makes to another package's internals.
"""
