"""``python -m core`` is the same as the ``t2f`` command."""

import sys

from core.cli.main import main

sys.exit(main())
