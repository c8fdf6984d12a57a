"""Run Jupyter Book's command line without a five-second start-up cost.

jsonschema (used by Jupyter Book to read its configuration) loads the optional package
`rfc3987_syntax` when it is installed, and that package compiles a Lark grammar on import, which
takes about 5 s on this machine. It is installed only because the live-code Jupyter server's
dependencies ask for it; Jupyter Book never validates IRIs, so the build hides it.
`make book` calls this script exactly as it would call `jupyter-book`.

It also starts the kernel server that executes pages, before anything else, when a page changed
since pages were last executed (``m4ml_book.zygote_client.prestart``).
"""

import sys
from pathlib import Path

from m4ml_book import zygote_client

# Pages that changed since the last execution will need the kernel server: start it now, so that
# its imports run on the other core while Sphinx imports itself (m4ml_book.zygote_client).
if len(sys.argv) > 2 and sys.argv[1] == "build" and "latex" not in sys.argv:
    zygote_client.prestart(Path(sys.argv[2]))

sys.modules.setdefault("rfc3987_syntax", None)  # "import rfc3987_syntax" now raises ImportError

from jupyter_book.cli.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
