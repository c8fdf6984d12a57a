"""Run Jupyter Book's command line without a five-second start-up cost.

jsonschema (used by Jupyter Book to read its configuration) loads the optional package
`rfc3987_syntax` when it is installed, and that package compiles a Lark grammar on import, which
takes about 5 s on this machine. It is installed only because the live-code Jupyter server's
dependencies ask for it; Jupyter Book never validates IRIs, so the build hides it.
`make book` calls this script exactly as it would call `jupyter-book`.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # "import rfc3987_syntax" now raises ImportError

from jupyter_book.cli.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
