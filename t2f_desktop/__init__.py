"""T2F Desktop: the Qt front end of the T2F text-to-face model.

Everything here is presentation: windows, views, widgets and the thread workers that connect Qt
to :mod:`core`. The model, training and file formats live in ``core`` and never import Qt.
"""

from core import __version__

__all__ = ["__version__"]
