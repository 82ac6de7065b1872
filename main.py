"""Start T2F Desktop from a source checkout: ``python main.py``."""

import sys

from t2f_desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
