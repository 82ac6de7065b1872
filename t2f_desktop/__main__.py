"""``python -m t2f_desktop`` starts the app."""

import sys

from t2f_desktop.app import main

sys.exit(main())
