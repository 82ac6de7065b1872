"""Turning exceptions into one-line messages a person can act on (no Qt here).

Every worker reports failures as text; this is the one place that decides what that text says,
so a full disk reads the same whether it happened while saving a GIF or during training.
"""

from __future__ import annotations

import errno

#: Errors whose own message is already written for a person (core raises these deliberately).
_USER_ERRORS = (ValueError, FileNotFoundError, FileExistsError, PermissionError, NotADirectoryError,
                IsADirectoryError)


def describe_error(error: BaseException) -> str:
    """A one-line message for ``error``: the core's own wording where it has one."""
    if _is_out_of_memory(error):
        return ("out of GPU memory; try a smaller batch size, fewer faces or frames, "
                "or switch the device to CPU")
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return f"the disk is full ({error.filename or 'while writing'}); free some space and try again"
    if isinstance(error, _USER_ERRORS):
        return str(error) or error.__class__.__name__
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror or error}{where}"
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{error.__class__.__name__}: {text}" if text else error.__class__.__name__


def _is_out_of_memory(error: BaseException) -> bool:
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return False
    if isinstance(error, torch.cuda.OutOfMemoryError):
        return True
    return isinstance(error, RuntimeError) and "out of memory" in str(error).lower()
