"""Safe file I/O: atomic writes, and loading that can never execute code from a file.

Model and checkpoint files are safetensors (a JSON header plus raw tensor bytes), which cannot
carry code. Anything else offered as weights is opened with ``torch.load(weights_only=True)``,
which refuses pickled callables, and the refusal becomes a one-line :class:`ModelFileError`.

Folders handed to us may be hostile or broken, so every read goes through :func:`open_regular`:
only regular files are opened (a FIFO named ``model.safetensors`` would block forever, a link to
``/dev/zero`` would stream until memory runs out), and files over a size cap are refused unread.
Writes go only onto regular files or new paths, and a full disk is a one-line error.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import torch

from core.disk import as_disk_full, human_bytes, is_disk_full
from core.output_files import check_output_target, file_kind, remove_stale_temps, temp_prefix

#: Size caps before reading: a file larger than this is refused unread (a link to ``/dev/zero`` or a
#: hostile folder must not exhaust memory). Weights cover the largest architecture allowed.
MAX_JSON_BYTES = 16 * 2**20
MAX_WEIGHTS_BYTES = 8 * 2**30
MAX_SMALL_FILE_BYTES = 64 * 2**20


class ModelFileError(ValueError):
    """A model, checkpoint or config file that cannot be used; the message names file and problem."""

    def __init__(self, path: str | Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = Path(path)
        self.problem = problem


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Read once at import: os.umask can only be read by setting it, which would race other threads.
_UMASK = _read_umask()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file, fsync and rename: never a half-written file.

    Only a regular file or a new path is written (see :mod:`core.output_files`); a full disk is a
    one-line :class:`~core.disk.DiskFullError` and leaves the previous file untouched.
    """
    path = check_output_target(Path(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path.parent, path.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=".tmp", dir=path.parent)
    except OSError as error:
        if is_disk_full(error):
            raise as_disk_full(error, path, len(data)) from None
        raise
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file normal permissions
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        check_output_target(path)  # it may have become something else while we wrote
        os.replace(tmp, path)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError) and is_disk_full(error):
            raise as_disk_full(error, path, len(data)) from None
        raise
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def _refuse_unless_regular(path: Path, mode: int, size: int, limit: int) -> None:
    if stat.S_ISDIR(mode):
        raise ModelFileError(path, "is a folder, expected a file")
    if not stat.S_ISREG(mode):
        raise ModelFileError(path, f"is {file_kind(mode)}, not a regular file; refusing to read it")
    if size > limit:
        raise ModelFileError(path, f"is {human_bytes(size)}, more than the {human_bytes(limit)} allowed for it")


def open_regular(path: Path, limit: int) -> int:
    """A read-only descriptor of ``path`` if it is a regular file of at most ``limit`` bytes.

    Checked with ``stat`` before opening, so a FIFO or device is never opened (opening a FIFO
    waits for a writer forever), and with ``fstat`` after, since the path may have been swapped
    in between; the open itself is non-blocking so even a swapped-in FIFO cannot hang.
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise ModelFileError(path, "file not found") from None
    except OSError as error:
        raise ModelFileError(path, f"cannot be read ({error.strerror or error})") from None
    _refuse_unless_regular(path, info.st_mode, info.st_size, limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except (FileNotFoundError, NotADirectoryError):
        raise ModelFileError(path, "file not found") from None
    except OSError as error:
        raise ModelFileError(path, f"cannot be read ({error.strerror or error})") from None
    try:
        info = os.fstat(fd)
        _refuse_unless_regular(path, info.st_mode, info.st_size, limit)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular_bytes(path: Path, limit: int = MAX_SMALL_FILE_BYTES) -> bytes:
    """The bytes of ``path``, read only if it is a regular file of at most ``limit`` bytes.

    Every file of a model, run or dataset folder that may come from someone else is read through
    here: no FIFO blocks, no device streams, no huge file fills memory.
    """
    path = Path(path)
    fd = open_regular(path, limit)
    try:
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise ModelFileError(path, f"cannot be read ({error.strerror or error})") from None
    if len(data) > limit:
        raise ModelFileError(path, f"grew past the {human_bytes(limit)} allowed for it while being read")
    return data


def read_json(path: Path, limit: int = MAX_JSON_BYTES) -> Any:
    """Parse a JSON file, turning any problem into a one-line :class:`ModelFileError`."""
    data = read_regular_bytes(Path(path), limit)
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ModelFileError(path, f"not valid JSON ({error.__class__.__name__}: {error})") from None


def save_tensors(path: Path, tensors: dict[str, torch.Tensor], metadata: dict[str, str] | None = None) -> None:
    """Atomically write a safetensors file (tensors made contiguous and moved to the CPU)."""
    from safetensors.torch import save

    cpu = {k: v.detach().to("cpu").contiguous() for k, v in tensors.items()}
    atomic_write_bytes(Path(path), save(cpu, metadata=metadata))


def _looks_like_safetensors(data: bytes) -> bool:
    """A little-endian u64 header length that fits the file, followed by a JSON object."""
    header_len = int.from_bytes(data[:8], "little")
    return 8 + header_len <= len(data) and data[8:9] == b"{"


def read_metadata(path: Path) -> dict[str, str]:
    """A safetensors file's header metadata, without reading its tensors (cheap for large files)."""
    path = Path(path)
    try:
        with os.fdopen(open_regular(path, MAX_WEIGHTS_BYTES), "rb") as file:
            header_len = int.from_bytes(file.read(8), "little")
            if header_len > 100 * 2**20:
                raise ModelFileError(path, "not a safetensors file (header too large)")
            header = json.loads(file.read(header_len))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ModelFileError(path, f"not a safetensors file ({error})") from None
    if not isinstance(header, dict):
        raise ModelFileError(path, "not a safetensors file (its header is not an object)")
    metadata = header.get("__metadata__", {})
    return metadata if isinstance(metadata, dict) else {}


def _looks_like_pickle(head: bytes) -> bool:
    """A pickle (protocol 2+ opens with 0x80) or a ``torch.save`` zip archive."""
    return head[:1] == b"\x80" or head[:2] == b"PK"


def load_tensors(path: Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Read tensors and header metadata from a safetensors file; never runs code from it.

    Pickle or zip (``torch.save``) files are opened only with ``torch.load(weights_only=True)``;
    a pickle that would run code is refused with a clear error.
    """
    from safetensors import SafetensorError
    from safetensors.torch import load

    path = Path(path)
    data = read_regular_bytes(path, MAX_WEIGHTS_BYTES)
    if len(data) < 8:
        raise ModelFileError(path, f"truncated or empty ({len(data)} bytes)")
    # Safetensors first: its header length can begin with any byte, 0x80 included.
    if not _looks_like_safetensors(data) and _looks_like_pickle(data):
        return _load_torch_weights_only(path, data), {}
    try:
        tensors = load(data)
    except (SafetensorError, ValueError, OSError) as error:
        raise ModelFileError(path, f"not a valid safetensors file ({error})") from None
    header_len = int.from_bytes(data[:8], "little")
    try:
        header = json.loads(data[8 : 8 + header_len])
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        header = {}
    metadata = header.get("__metadata__", {}) if isinstance(header, dict) else {}
    return tensors, metadata if isinstance(metadata, dict) else {}


def check_finite(tensors: dict[str, torch.Tensor], path: Path) -> None:
    """Refuse weights holding NaN or infinity: they draw black faces and would pass silently."""
    for name, tensor in tensors.items():
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            bad = int((~torch.isfinite(tensor)).sum())
            raise ModelFileError(path, f"holds {bad} non-finite value(s) (NaN or infinity) in {name}; "
                                       "the weights are damaged")


def _load_torch_weights_only(path: Path, data: bytes) -> dict[str, torch.Tensor]:
    """Open a ``torch.save`` file with ``weights_only=True``: plain tensors only, no code.

    The bytes go through a buffer so torch cannot pick a loader from the file name.
    """
    import io
    import pickle

    try:
        obj = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else "unsafe content"
        raise ModelFileError(
            path, f"refused: this pickle file contains code or objects that are not plain tensors ({first})"
        ) from None
    except Exception as error:  # noqa: BLE001 - any other failure is a broken file
        raise ModelFileError(path, f"cannot be read as weights ({error.__class__.__name__}: {error})") from None
    if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise ModelFileError(path, "is not a flat dictionary of tensors")
    return obj
