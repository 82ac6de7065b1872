"""Safe file I/O: atomic writes, and loading that can never execute code from a file.

Model and checkpoint files are safetensors (a JSON header plus raw tensor bytes), which cannot
carry code. Anything else offered as weights is opened with ``torch.load(weights_only=True)``,
which refuses pickled callables, and the refusal becomes a one-line :class:`ModelFileError`.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import torch


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
    """Write ``data`` to ``path`` via a temp file, fsync and rename: never a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file normal permissions
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def read_json(path: Path) -> Any:
    """Parse a JSON file, turning any problem into a one-line :class:`ModelFileError`."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelFileError(path, "file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
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
        with path.open("rb") as file:
            header_len = int.from_bytes(file.read(8), "little")
            if header_len > 100 * 2**20:
                raise ModelFileError(path, "not a safetensors file (header too large)")
            header = json.loads(file.read(header_len))
    except FileNotFoundError:
        raise ModelFileError(path, "file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
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
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelFileError(path, "file not found") from None
    except IsADirectoryError:
        raise ModelFileError(path, "is a folder, expected a weights file") from None
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
    except json.JSONDecodeError:
        header = {}
    metadata = header.get("__metadata__", {}) or {}
    return tensors, metadata


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
