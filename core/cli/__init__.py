"""The ``t2f`` command line: a thin face on the core API."""
