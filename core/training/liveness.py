"""Is anyone training this run folder right now? Asked by a watcher, without disturbing the trainer.

A trainer holds an exclusive lock on ``train.lock`` for as long as it works in the folder
(:mod:`core.training.runlock`), and the operating system drops it when that process ends however
it ends. So "the lock is held" is the truth about a run, where "metrics stopped coming" is only a
guess (a run can pause for minutes, or take minutes per logged step).

On Linux the kernel lists every lock in ``/proc/locks``; reading it never touches the lock, so a
trainer starting at that instant cannot be refused. Elsewhere the lock is probed: a shared,
non-blocking lock taken and dropped at once, which fails while a trainer holds its exclusive one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

LOCK_NAME = "train.lock"
PROC_LOCKS = Path("/proc/locks")


def run_is_training(run_dir: str | Path) -> bool | None:
    """True while a trainer holds ``run_dir``'s lock, False when none does, None when it cannot tell
    (no lock file: a run from before the lock existed, or a folder that is not a run)."""
    path = Path(run_dir) / LOCK_NAME
    try:
        info = path.stat()
    except OSError:
        return None
    held = _held_per_proc_locks(info) if PROC_LOCKS.exists() else None
    if held is None:
        held = _held_per_probe(path)
    return held


def _held_per_proc_locks(info: os.stat_result) -> bool | None:
    """Whether ``/proc/locks`` lists a lock on the file with ``info``'s device and inode."""
    try:
        text = PROC_LOCKS.read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    major, minor = os.major(info.st_dev), os.minor(info.st_dev)
    for line in text.splitlines():
        # "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF" ("->" marks a waiter, which holds nothing)
        fields = line.split()
        if len(fields) < 6 or "->" in fields[1]:
            continue
        try:
            dev_major, dev_minor, inode = fields[5].split(":")
            if (int(inode) == info.st_ino and int(dev_major, 16) == major and int(dev_minor, 16) == minor):
                return True
        except ValueError:
            continue
    return False


def _held_per_probe(path: Path) -> bool | None:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError:
        return None
    try:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            try:
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBRLCK, 1)
            except OSError:
                return True
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
            return False
        import fcntl

        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return False
    finally:
        handle.close()
