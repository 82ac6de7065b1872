"""T2F core: text-to-face model, training, data and exploration. Never imports Qt."""

__version__ = "0.1.0"
