"""Decoding single files: rotation, fast JPEG drafts, colour modes and size policy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.data.images import FaceBox, ImageProblem, decode_face


def test_exif_rotation_is_applied(tmp_path: Path) -> None:
    pixels = np.zeros((60, 100, 3), np.uint8)
    pixels[:, :50] = (255, 0, 0)  # left half red, right half blue
    pixels[:, 50:] = (0, 0, 255)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    path = tmp_path / "phone.jpg"
    Image.fromarray(pixels).save(path, exif=exif, quality=95)
    face, _ = decode_face(path, 32)
    top, bottom = face[:8].reshape(-1, 3).mean(0), face[-8:].reshape(-1, 3).mean(0)
    assert top[0] > 200 and bottom[2] > 200  # red ended up on top, blue at the bottom


def test_large_jpeg_uses_a_draft_without_changing_the_result(tmp_path: Path, faces: list[np.ndarray]) -> None:
    path = tmp_path / "big.jpg"
    Image.fromarray(faces[0]).resize((1024, 1024), Image.Resampling.BICUBIC).save(path, quality=95)
    fast, _ = decode_face(path, 64)
    with Image.open(path) as image:
        image.load()
        full = np.array(image.resize((64, 64), Image.Resampling.LANCZOS))
    assert np.abs(fast.astype(int) - full.astype(int)).mean() < 4


def test_face_box_applies_only_to_its_image_size(tmp_path: Path) -> None:
    pixels = np.zeros((100, 80, 3), np.uint8)
    pixels[:20] = 255
    path = tmp_path / "a.png"
    Image.fromarray(pixels).save(path)
    box = FaceBox((80, 100), (0, 0, 40, 40))
    assert decode_face(path, 16, box)[0].mean() > 120  # the top-left box, half white
    assert decode_face(path, 16, FaceBox((178, 218), (0, 0, 40, 40)))[0].mean() < 120  # centre square instead


def test_palette_and_transparent_palette(tmp_path: Path) -> None:
    image = Image.new("P", (40, 40), 1)
    image.putpalette([0, 0, 0, 10, 200, 30] + [0] * 762)
    image.save(tmp_path / "p.png")
    face, notes = decode_face(tmp_path / "p.png", 32)
    assert notes == [] and tuple(face[5, 5]) == (10, 200, 30)
    image.info["transparency"] = 1
    image.save(tmp_path / "pt.png", transparency=1)
    face, notes = decode_face(tmp_path / "pt.png", 32)
    assert notes == ["transparency flattened onto white"] and tuple(face[5, 5]) == (255, 255, 255)


def test_small_images_are_upscaled_with_a_note_and_tiny_ones_skipped(tmp_path: Path) -> None:
    Image.new("RGB", (40, 50), (9, 9, 9)).save(tmp_path / "small.png")
    face, notes = decode_face(tmp_path / "small.png", 64)
    assert face.shape == (64, 64, 3) and notes == ["upscaled from 40 px"]
    Image.new("RGB", (31, 31)).save(tmp_path / "tiny.png")
    with pytest.raises(ImageProblem, match="too small"):
        decode_face(tmp_path / "tiny.png", 64)


def test_unreadable_reasons_do_not_repeat_the_path(tmp_path: Path) -> None:
    path = tmp_path / "junk.jpg"
    path.write_bytes(b"not an image at all")
    with pytest.raises(ImageProblem) as problem:
        decode_face(path, 32)
    assert str(problem.value).startswith("unreadable image") and str(tmp_path) not in str(problem.value)
