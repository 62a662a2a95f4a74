"""The command line: a thin layer over the library; the only place that prints or exits.

`main.py` holds the root group (which turns every run-level failure into one Indonesian
line) and registers the commands, one module per command or command group; `common.py` and
`i18n.py` are what they share.

Exit codes: 0 done with no galat; 1 the command could not run (a one-line Indonesian
message, never a traceback); 2 wrong usage (click); 3 done, but the data holds galat.
"""

from sheetnilai.cli.common import EXIT_DATA_ERRORS
from sheetnilai.cli.main import cli, main

__all__ = ["EXIT_DATA_ERRORS", "cli", "main"]
