"""A full disk as one line naming the path, and free-space checks before large writes.

``ENOSPC`` (no space), ``EDQUOT`` (quota) and ``EFBIG`` (file size limit) can come from any write,
fsync or ``ftruncate``; left alone each becomes a traceback far from what the user asked for.
:class:`DiskFullError` says which file could not be written and, where known, how much space it
needed and how much was free. It is both an ``OSError`` (so code that already handles I/O failures
still does) and a ``ValueError`` (so the CLI prints it as a one-line error).
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

#: The errors that mean "the data does not fit", as opposed to a broken or read-only disk.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})

_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "the file is larger than this system allows (file size limit)",
}


def human_bytes(count: int) -> str:
    """``1536`` → ``"1.5 KiB"``: sizes in messages people read."""
    value = float(count)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} bytes"  # not reached


class DiskFullError(OSError, ValueError):
    """A write that did not fit; ``str()`` is one line naming the path and the space involved."""

    def __init__(self, path: str | os.PathLike[str], needed: int | None = None, free: int | None = None,
                 code: int = errno.ENOSPC) -> None:
        reason = _REASONS.get(code, os.strerror(code))
        sizes = []
        if needed is not None:
            sizes.append(f"needs {human_bytes(needed)}")
        if free is not None:
            sizes.append(f"{human_bytes(free)} free")
        detail = f" ({', '.join(sizes)})" if sizes else ""
        message = f"cannot write {path}: {reason}{detail}"
        super().__init__(code, message, str(path))
        self.message = message
        self.needed = needed
        self.free = free
        self._args = (str(path), needed, free, code)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type, tuple]:
        """Rebuilt from its own arguments, so it crosses process boundaries (worker pools) intact."""
        return DiskFullError, self._args


def is_disk_full(error: BaseException) -> bool:
    """Whether ``error`` is an ``OSError`` saying the data did not fit."""
    return isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS


def free_bytes(folder: str | os.PathLike[str]) -> int | None:
    """Bytes free for this user in the file system holding ``folder``; ``None`` if it cannot be told."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def as_disk_full(error: OSError, path: str | os.PathLike[str], needed: int | None = None) -> DiskFullError:
    """The one-line form of a caught disk-full ``error`` while writing ``path`` (``needed`` bytes)."""
    if isinstance(error, DiskFullError):
        return error
    return DiskFullError(path, needed, free_bytes(Path(path).parent), code=error.errno or errno.ENOSPC)


def require_free_space(path: str | os.PathLike[str], needed: int) -> None:
    """Refuse before writing ``needed`` bytes at ``path`` when its file system plainly lacks them.

    A check, not a promise: quotas and other writers can still make the write itself fail, so
    writers handle :class:`DiskFullError` from the write too.
    """
    free = free_bytes(Path(path).parent)
    if free is not None and needed > free:
        raise DiskFullError(path, needed, free)
