"""The error type every CLI command raises for a problem the user can fix."""


class CLIError(Exception):
    """A one-line, user-facing problem: printed without a traceback, exit status 2."""
