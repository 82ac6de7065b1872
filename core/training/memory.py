"""Keep the memory a CPU training step frees, so the next step does not fault it in again.

Why. glibc's ``malloc`` hands every block above its mmap threshold (which it raises as blocks are
freed, but never above 32 MiB) to the kernel with ``mmap`` and gives it back with ``munmap`` on
``free``. One 64×64 batch of 32 at 64 channels is 32 MiB, so every training step mapped its largest
activations afresh and the kernel zeroed each 4 KiB page on first touch: ``torch.profiler`` put
1.1 s of a 4–7 s step in ``fill_`` and ``copy_`` on such tensors (page faults, not arithmetic), and
convolutions writing fresh outputs paid the same. With ``mmap`` off for ``malloc`` and the trim
threshold raised, freed blocks stay in the heap and are reused: 1.3–1.6× the images/s at widths
256…32 (``benchmarks/train_step.py``), for about 500 MB more resident memory; nothing at the bundled
model's narrow widths, whose tensors stay under the threshold anyway. The math is untouched: only
where the bytes live changes.

PyTorch's CPU tensors come from ``posix_memalign``, i.e. this ``malloc``; the settings are
process-wide (``mallopt``). A thread other than the main one allocates from its own arena, whose
64 MiB heaps glibc unmaps whenever one falls empty, trim threshold or not: a step on the app's
training thread still faulted in about 270 MB. Limiting glibc to one arena before that thread first
allocates puts it on the main heap too (:class:`t2f_desktop.workers.training.TrainingController`
calls :func:`keep_freed_memory` before it starts the thread). glibc cannot be put back to its
dynamic threshold once ``mallopt`` set one, so the settings stay after training; leaving
:func:`memory_kept_for_training` gives the free memory back to the system (``malloc_trim``), so an
app that trained once does not hold a step's worth of memory while it idles. Elsewhere (macOS,
Windows, musl) nothing is changed: their allocators cache large blocks differently.
``T2F_KEEP_FREED_MEMORY=0`` in the environment leaves glibc's defaults (e.g. where the ~500 MB a
run at these widths keeps matters more than its speed).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

#: ``mallopt`` parameters (glibc's malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_MAX = -4
M_ARENA_MAX = -8
#: Free memory at the top of the heap beyond which glibc trims it while training: above what one
#: step frees (about 1 GiB at 64×64, batch 32, widths up to 256), so it is not trimmed every step.
TRIM_THRESHOLD_BYTES = 1 << 30
#: Set to "0" to leave the allocator alone.
OPT_OUT = "T2F_KEEP_FREED_MEMORY"


@cache
def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (whose ``mallopt`` this module speaks), else None."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def keep_freed_memory() -> bool:
    """Make glibc keep large freed blocks for reuse (see the module docstring).

    Returns whether the allocator was changed: False where the C library is not glibc, or
    ``T2F_KEEP_FREED_MEMORY=0`` asks for glibc's defaults.
    """
    libc = _glibc()
    if libc is None or os.environ.get(OPT_OUT) == "0":
        return False
    settings = ((M_MMAP_MAX, 0), (M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES), (M_ARENA_MAX, 1))
    accepted = [libc.mallopt(parameter, value) == 1 for parameter, value in settings]
    return all(accepted)


def return_freed_memory() -> bool:
    """Give the heap's free memory back to the system (``malloc_trim``); False where not glibc."""
    libc = _glibc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


@contextmanager
def memory_kept_for_training(enabled: bool = True) -> Iterator[bool]:
    """Keep freed memory for the block (a training run on the CPU), give it back after.

    Yields whether the allocator was changed. ``enabled=False`` (a run on a GPU, whose tensors do
    not come from ``malloc``) changes nothing.
    """
    kept = keep_freed_memory() if enabled else False
    try:
        yield kept
    finally:
        if kept:
            return_freed_memory()
