"""The ``xlmodel`` command's entry point: one line instead of a traceback when the app extra is missing.

The base install holds only what the Excel functions need (numpy and xlwings), so that
xlwings Lite can install it in the browser; the command line comes with ``xlmodel[app]``.
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from xlmodel.cli import main as cli_main
    except ImportError as exc:
        print(f"xlmodel: the command line needs the app extra: pip install 'xlmodel[app]' "
              f"(missing: {exc.name or exc})", file=sys.stderr)
        raise SystemExit(2) from None
    cli_main()
