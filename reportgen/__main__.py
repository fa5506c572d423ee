"""``python -m reportgen``: the same command as ``reportgen``, for a venv whose scripts are not on PATH."""

import sys

from reportgen.cli import main

sys.exit(main())
