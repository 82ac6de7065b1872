"""Dataset folders from strangers: per-line decoding, bad records named, no escape through links,
no decompression bombs, and a cache that fails cleanly on a full disk (issue 26)."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from tests.reliability.conftest import requires_root


def _faces(root: Path, count: int, size: int = 32) -> list[str]:
    root.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(count):
        name = f"face{i}.png"
        Image.new("RGB", (size, size), (40 + 20 * i % 200, 90, 160)).save(root / name)
        names.append(name)
    return names


def _open(root: Path, cache: Path):
    from core.data.open import open_dataset

    return open_dataset(root, 16, cache_dir=cache)


def _captions(dataset) -> set[str]:
    return {c for i in range(len(dataset)) for c in dataset.captions(i)}


def test_one_windows_1252_line_does_not_change_how_the_others_read(cli, tmp_path):
    root = tmp_path / "data"
    names = _faces(root, 3)
    lines = [json.dumps({"image": names[0], "text": "a café owner"}, ensure_ascii=False).encode("utf-8"),
             json.dumps({"image": names[1], "text": "a naïve smile"}, ensure_ascii=False).encode("cp1252"),
             json.dumps({"image": names[2], "text": "déjà vu"}, ensure_ascii=False).encode("utf-8")]
    (root / "captions.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    result = cli("data", "info", root, "--resolution", "16", "-v")
    assert result.code == 0, result.err
    assert "converted captions.jsonl line 2: not UTF-8; decoded as Windows-1252" in result.out
    assert _captions(_open(root, tmp_path / "cache")) == {"a café owner", "a naïve smile", "déjà vu"}


def test_a_csv_caption_over_128_kib_is_skipped_naming_its_line(cli, tmp_path):
    root = tmp_path / "data"
    names = _faces(root, 2)
    (root / "captions.csv").write_text(f"image,text\n{names[0]},{'x' * 200_000}\n{names[1]},a woman\n")
    result = cli("data", "info", root, "--resolution", "16", "-v")
    assert result.code == 0, result.err
    assert "skipped captions.csv line 2: not valid CSV (field larger than field limit" in result.out
    assert _captions(_open(root, tmp_path / "cache")) == {"a woman"}


def test_a_lone_surrogate_escape_in_a_json_caption_is_skipped_naming_its_line(cli, tmp_path):
    root = tmp_path / "data"
    names = _faces(root, 2)
    (root / "captions.jsonl").write_text(
        f'{{"image": "{names[0]}", "text": "a man \\udcff"}}\n'
        f'{{"image": "{names[1]}", "text": "a woman", "attributes": {{"hair": "\\ud800"}}}}\n')
    result = cli("data", "info", root, "--resolution", "16", "-v")
    assert result.code == 0, result.err
    assert "skipped captions.jsonl line 1: caption holds an unpaired surrogate escape" in result.out
    assert _captions(_open(root, tmp_path / "cache")) == {"a woman"}


def test_symlinks_out_of_the_dataset_folder_are_not_followed(cli, tmp_path):
    root = tmp_path / "data"
    names = _faces(root, 2)
    outside = _faces(tmp_path / "elsewhere", 1)[0]
    (root / "escape.png").symlink_to(tmp_path / "elsewhere" / outside)
    (root / "shadow.png").symlink_to("/etc/shadow" if Path("/etc/shadow").exists() else "/etc/passwd")
    (root / "inside.png").symlink_to(root / names[0])  # a link within the folder is fine
    records = [{"image": n, "text": f"face {n}"} for n in [*names, "escape.png", "shadow.png", "inside.png"]]
    (root / "captions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    result = cli("data", "info", root, "--resolution", "16", "-v")
    assert result.code == 0, result.err
    assert "2× symbolic link to a file outside the dataset folder" in result.out
    assert "skipped escape.png: symbolic link to a file outside the dataset folder" in result.out
    assert _captions(_open(root, tmp_path / "cache")) == {f"face {n}" for n in [*names, "inside.png"]}


def test_a_captions_file_linked_from_outside_is_refused(cli, tmp_path):
    root = tmp_path / "data"
    names = _faces(root, 1)
    elsewhere = tmp_path / "captions.jsonl"
    elsewhere.write_text(json.dumps({"image": names[0], "text": "a man"}) + "\n")
    (root / "captions.jsonl").symlink_to(elsewhere)
    cli("data", "info", root).one_line_error("captions.jsonl", "outside the dataset folder")


def _png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG that declares ``width×height`` but holds almost no data: decoding it would be the bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0"))
                     + chunk(b"IEND", b""))


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_huge_images_are_refused_from_their_header(cli, tmp_path):
    root = tmp_path / "data"
    names = _faces(root, 1)
    _png_header_only(root / "bomb140.png", 14_000, 10_000)  # 140 megapixels
    _png_header_only(root / "bomb50.png", 10_000, 5_000)  # 50: under PIL's own guard, over ours
    records = [{"image": n, "text": n} for n in [*names, "bomb140.png", "bomb50.png"]]
    (root / "captions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    result = cli("data", "info", root, "--resolution", "16", "-v")
    assert result.code == 0, result.err
    assert "skipped bomb140.png: image too large (more than 80 megapixels; the limit is 40)" in result.out
    assert "skipped bomb50.png: image too large (10000×5000 is 50 megapixels; the limit is 40)" in result.out


def _dataset_for_cache(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    names = _faces(root, 24)
    (root / "captions.jsonl").write_text("".join(json.dumps({"image": n, "text": n}) + "\n" for n in names))
    return root


def test_a_cache_that_cannot_fit_is_one_line_and_leaves_no_scratch(cli, tmp_path, monkeypatch):
    import shutil

    from core import disk

    root = _dataset_for_cache(tmp_path)
    cache = tmp_path / "cache"
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(disk.shutil, "disk_usage", lambda _: usage._replace(free=10_000))
    line = cli("data", "info", root, "--resolution", "64", "--cache-dir", cache).one_line_error(
        "images.npy", "no space left", "needs", "free")
    assert "9.8 KiB free" in line
    assert list(cache.iterdir()) == []


def test_a_cache_over_the_file_size_limit_is_one_line(cli_process, tmp_path):
    root = _dataset_for_cache(tmp_path)
    cache = tmp_path / "cache"
    result = cli_process("data", "info", root, "--resolution", "64", "--cache-dir", cache, file_size_limit=100_000)
    result.one_line_error("images.npy", "file size limit", "needs")
    assert list(cache.iterdir()) == []


@requires_root("mounting a small tmpfs")
def test_a_cache_on_a_full_tmpfs_is_one_line_not_sigbus(cli_process, tmp_path):
    root = _dataset_for_cache(tmp_path)
    cache = tmp_path / "small"
    cache.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(cache)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        result = cli_process("data", "info", root, "--resolution", "64", "--cache-dir", cache)
        result.one_line_error("images.npy", "no space left", "needs")
        assert list(cache.iterdir()) == []
    finally:
        subprocess.run(["umount", str(cache)], check=False)


@pytest.mark.timeout(30)
def test_an_image_swapped_for_a_fifo_after_the_scan_is_skipped_not_waited_on(tmp_path):
    from core.data.images import ImageProblem, decode_face

    fifo = tmp_path / "face.png"
    os.mkfifo(fifo)
    with pytest.raises(ImageProblem, match="FIFO"):
        decode_face(fifo, 16)


def test_old_scratch_files_of_a_killed_cache_build_are_removed(tmp_path):
    from core.data.cache import entry_folder, load_or_build
    from core.data.formats import detect_format

    root = _dataset_for_cache(tmp_path)
    cache = tmp_path / "cache"
    entry = entry_folder(detect_format(root).scan(root, {}), 16, cache)
    entry.mkdir(parents=True)
    old, fresh = entry / ".images-0123abcd.npy.tmp", entry / ".images-4567cdef.npy.tmp"
    for scratch in (old, fresh):
        scratch.write_bytes(b"\0" * 1000)
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    assert len(load_or_build(detect_format(root).scan(root, {}), 16, cache)) == 24
    assert not old.exists() and fresh.exists()  # a fresh one may be another build's, at work
