"""Real-data loaders: detection, counts, caption round trips, conversions and skip reasons."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import torch

from core.data import CachedFaceDataset, TensorTextFaceDataset, open_dataset
from core.data.formats import detect_format


def reasons(dataset) -> Counter:
    return Counter(reason for _, reason in dataset.summary.skipped)


def skipped_names(dataset) -> dict[str, str]:
    return {what: reason for what, reason in dataset.summary.skipped}


def test_generic_jsonl_loads_good_converts_odd_and_skips_bad(generic_jsonl: Path, tmp_path: Path) -> None:
    data = open_dataset(generic_jsonl, 64, cache_dir=tmp_path / "cache")
    assert isinstance(data, CachedFaceDataset) and isinstance(data, TensorTextFaceDataset)
    assert data.format == "generic"
    assert len(data) == 6
    assert data.summary.images == 6
    # Captions merge across lines of the same image; the whitespace caption is dropped.
    assert data.captions(0) == ["A young man with short black hair.", "He is smiling."]
    assert data.attributes(0) == {"gender": "man"}
    assert data.captions(1) == ["A woman with glasses.", "She has long hair."]
    assert data.summary.captions == 2 + 2 + 4
    skipped = skipped_names(data)
    assert skipped["images/tiny.png"].startswith("image too small")
    assert skipped["images/truncated.jpg"].startswith("unreadable image")
    assert skipped["images/missing.png"] == "image file not found"
    assert skipped["captions.jsonl line 4"] == "not valid JSON"
    assert skipped["captions.jsonl line 13"] == "image path outside the dataset folder"
    assert reasons(data)["empty caption"] == 1
    assert len(data.summary.skipped) == 6
    converted = dict(data.summary.converted)
    assert converted == {
        "images/gray.png": "grayscale converted to RGB",
        "images/rgba.png": "transparency flattened onto white",
        "images/cmyk.jpg": "CMYK converted to RGB",
        "images/sixteen.png": "high bit-depth image reduced to 8-bit RGB",
    }
    text = data.summary.text()
    assert text.startswith(f"{generic_jsonl}: loaded 6 images, 8 captions; skipped 6:")
    assert "converted 4" in text
    batch = data.images([0, 2, 5])
    assert batch.shape == (3, 3, 64, 64) and batch.dtype == torch.float32
    assert -1.0 <= batch.min() and batch.max() <= 1.0


def test_sixteen_bit_and_grayscale_keep_their_content(generic_jsonl: Path, tmp_path: Path) -> None:
    data = open_dataset(generic_jsonl, 64, cache_dir=tmp_path / "cache")
    names = data.summary.converted
    assert names  # sanity
    gray = data.image(2)
    assert torch.allclose(gray[0], gray[1]) and torch.allclose(gray[1], gray[2])  # grey stays grey
    assert gray.std() > 0.1  # a face, not a flat or black image
    deep = data.image(5)
    assert deep.std() > 0.1 and torch.allclose(deep[0], deep[2])


def test_generic_csv_with_windows_encoding(generic_csv: Path, tmp_path: Path) -> None:
    data = open_dataset(generic_csv, 32, cache_dir=tmp_path / "cache")
    assert len(data) == 2
    assert data.captions(0) == ["A café owner with a beard.", "He smiles, kindly."]
    assert data.captions(1) == ["A woman in a hat."]
    assert data.summary.converted == [("captions.csv line 2", "not UTF-8; decoded as Windows-1252")]
    skipped = skipped_names(data)
    assert skipped["captions.csv line 5"] == "row needs two columns: image,text"
    assert skipped["c.png"] == "image file not found"


def test_face2text_maps_bmp_names_to_lfw_jpgs(face2text: Path, tmp_path: Path) -> None:
    assert detect_format(face2text).name == "face2text"
    data = open_dataset(face2text, 64, cache_dir=tmp_path / "cache")
    assert len(data) == 2
    assert data.captions(0) == ["A woman with short brown hair.", "She looks like a politician."]
    assert data.captions(1) == ["An old man with a grey beard."]
    assert data.attributes(0) is None
    skipped = skipped_names(data)
    assert skipped["Dan_Gone/Dan_Gone_0001.bmp"] == "image file not found"
    assert skipped["Cy_Empty/Cy_Empty_0001.bmp"] == "no non-empty caption"
    assert reasons(data)["empty caption"] == 1


def test_celeba_generates_true_captions_from_labels(celeba: Path, tmp_path: Path) -> None:
    assert detect_format(celeba).name == "celeba"
    data = open_dataset(celeba, 64, cache_dir=tmp_path / "cache")
    assert len(data) == 3
    first = data.attributes(0)
    assert first["gender"] == "man" and first["eyewear"] == "glasses" and first["hair_color"] == "black"
    assert first["expression"] == "smiling" and first["age"] == "young"
    assert data.attributes(1)["gender"] == "woman" and data.attributes(1)["accessories"] == "earrings"
    assert data.attributes(2)["facial_hair"] == "moustache" and data.attributes(2)["accessories"] == "hat"
    for i in range(3):
        assert len(data.captions(i)) >= 3
    words = " ".join(data.captions(1)).lower()
    assert "man " not in words.replace("woman", "")  # never the wrong gender
    skipped = skipped_names(data)
    assert skipped["img_align_celeba/000004.jpg"] == "image file not found"
    assert skipped["list_attr_celeba.txt line 7"].startswith("expected a file name and 40 values")


def test_celeba_partition_and_face_crop(celeba: Path, tmp_path: Path) -> None:
    train = open_dataset(celeba, 64, cache_dir=tmp_path / "cache", partition="train")
    test = open_dataset(celeba, 64, cache_dir=tmp_path / "cache", partition="test")
    assert len(train) == 2 and len(test) == 1
    with pytest.raises(ValueError, match="partition"):
        open_dataset(celeba, 64, cache_dir=tmp_path / "cache", partition="holdout")


def test_mm_celeba_hq_reads_caption_files(mm_celeba_hq: Path, tmp_path: Path) -> None:
    assert detect_format(mm_celeba_hq).name == "mm-celeba-hq"
    data = open_dataset(mm_celeba_hq, 64, cache_dir=tmp_path / "cache")
    assert len(data) == 2
    assert data.captions(0) == ["The woman has high cheekbones.", "She is smiling."]
    assert data.captions(1) == ["The man wears a beret in a café.", "He has a beard."]
    assert ("celeba-caption/1.txt line 1", "not UTF-8; decoded as Windows-1252") in data.summary.converted
    skipped = skipped_names(data)
    assert skipped["CelebA-HQ-img/2.jpg"] == "no non-empty caption"
    assert skipped["CelebA-HQ-img/3.jpg"] == "image file not found"


def test_unknown_folder_names_every_format(tmp_path: Path) -> None:
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "notes.txt").write_text("hello")
    with pytest.raises(ValueError) as error:
        open_dataset(tmp_path / "junk", 64, cache_dir=tmp_path / "cache")
    message = str(error.value)
    assert "\n" not in message and str(tmp_path / "junk") in message
    for name in ("generic", "face2text", "celeba", "mm-celeba-hq", "captions.jsonl", "synthetic"):
        assert name in message


def test_folder_without_usable_samples_raises_naming_it(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    (root / "captions.jsonl").write_text('{"image": "gone.png", "text": "Nobody."}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"empty: no usable samples .*image file not found"):
        open_dataset(root, 64, cache_dir=tmp_path / "cache")


def test_all_images_broken_raises(tmp_path: Path) -> None:
    root = tmp_path / "broken"
    root.mkdir()
    (root / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (root / "captions.jsonl").write_text('{"image": "a.jpg", "text": "A face."}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="no usable samples"):
        open_dataset(root, 64, cache_dir=tmp_path / "cache")


def test_missing_path_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_dataset(tmp_path / "nope", 64, cache_dir=tmp_path / "cache")


def test_synthetic_keyword(tmp_path: Path) -> None:
    data = open_dataset("synthetic:12", 32, cache_dir=tmp_path, seed=3)
    assert len(data) == 12 and data.resolution == 32 and data.attributes(0) is not None
    assert len(open_dataset("synthetic", 32)) == 20_000
    with pytest.raises(ValueError, match="synthetic:N"):
        open_dataset("synthetic:lots", 32)


def test_a_file_inside_the_folder_opens_the_folder(generic_jsonl: Path, tmp_path: Path) -> None:
    data = open_dataset(generic_jsonl / "captions.jsonl", 32, cache_dir=tmp_path / "cache")
    assert len(data) == 6


def test_celeba_crop_uses_the_face_box(tmp_path: Path) -> None:
    """A 178×218 CelebA photo is cropped to the 140 px box around (89, 121), not the centre square."""
    from core.data.formats.celeba import CELEBA_FACE
    from core.data.images import decode_face

    pixels = np.zeros((218, 178, 3), np.uint8)
    pixels[51:191, 19:159] = 200  # exactly the face box is bright
    path = tmp_path / "000001.jpg"
    from PIL import Image

    Image.fromarray(pixels).save(path, quality=95)
    face, _ = decode_face(path, 32, CELEBA_FACE)
    assert face.mean() > 190  # only the bright box, no dark border
    centred, _ = decode_face(path, 32)
    assert centred.mean() < face.mean() - 20
