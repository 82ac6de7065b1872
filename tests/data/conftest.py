"""Fixtures: small datasets in every supported layout, built from rendered faces, with broken files.

Each builder returns the dataset folder and writes a realistic mix of good and bad files, so the
loader tests can assert exact counts and skip reasons. Images are synthetic faces (rendered once
per session) saved in the sizes and encodings the real datasets use.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.data.synthetic import render_face, sample_attributes

CELEBA_NAMES = (
    "5_o_Clock_Shadow Arched_Eyebrows Attractive Bags_Under_Eyes Bald Bangs Big_Lips Big_Nose Black_Hair "
    "Blond_Hair Blurry Brown_Hair Bushy_Eyebrows Chubby Double_Chin Eyeglasses Goatee Gray_Hair Heavy_Makeup "
    "High_Cheekbones Male Mouth_Slightly_Open Mustache Narrow_Eyes No_Beard Oval_Face Pale_Skin Pointy_Nose "
    "Receding_Hairline Rosy_Cheeks Sideburns Smiling Straight_Hair Wavy_Hair Wearing_Earrings Wearing_Hat "
    "Wearing_Lipstick Wearing_Necklace Wearing_Necktie Young"
).split()


@pytest.fixture(scope="session")
def faces() -> list[np.ndarray]:
    """Eight rendered 128 px faces to save in the various layouts."""
    out = []
    for i in range(8):
        attrs = sample_attributes(np.random.default_rng([99, i, 0]))
        out.append(render_face(attrs, np.random.default_rng([99, i, 1])))
    return out


def save(pixels: np.ndarray, path: Path, size: tuple[int, int] | None = None, mode: str = "RGB", **kwargs) -> Path:
    """Write a face to ``path`` resized to ``size`` and converted to ``mode``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.fromarray(pixels)
    if size is not None:
        image = image.resize(size, Image.Resampling.BILINEAR)
    if mode == "I;16":
        wide = (np.asarray(image.convert("L"), dtype=np.uint16) * 257)
        image = Image.fromarray(wide)
    elif mode != "RGB":
        image = image.convert(mode)
    image.save(path, **kwargs)
    return path


def truncated_jpeg(pixels: np.ndarray, path: Path) -> Path:
    save(pixels, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.fixture
def generic_jsonl(tmp_path: Path, faces: list[np.ndarray]) -> Path:
    """captions.jsonl with six usable images (four needing conversion) and one of each problem.

    Expected: 6 images loaded; skipped: tiny image, truncated JPEG, missing file, empty caption,
    invalid JSON line, path outside the folder; converted: grayscale, RGBA, CMYK, 16-bit.
    """
    root = tmp_path / "generic"
    img = root / "images"
    save(faces[0], img / "ok0.png")
    save(faces[1], img / "ok1.jpg", size=(96, 120))
    save(faces[2], img / "gray.png", mode="L")
    save(faces[3], img / "rgba.png", mode="RGBA")
    save(faces[4], img / "cmyk.jpg", mode="CMYK")
    save(faces[5], img / "sixteen.png", mode="I;16")
    save(faces[6], img / "tiny.png", size=(10, 10))
    truncated_jpeg(faces[7], img / "truncated.jpg")
    lines = [
        {"image": "images/ok0.png", "text": "A young man with short black hair.", "attributes": {"gender": "man"}},
        {"image": "images/ok0.png", "texts": ["He is smiling.", "   "]},
        {"image": "images/ok1.jpg", "texts": ["A woman with glasses.", "She has long hair."]},
        {"image": "images/gray.png", "text": "A grey picture."},
        {"image": "images/rgba.png", "text": "A transparent picture."},
        {"image": "images/cmyk.jpg", "text": "A printed picture."},
        {"image": "images/sixteen.png", "text": "A deep picture."},
        {"image": "images/tiny.png", "text": "A tiny picture."},
        {"image": "images/truncated.jpg", "text": "A broken picture."},
        {"image": "images/missing.png", "text": "Nobody is here."},
        {"image": "../outside.png", "text": "Sneaky."},
    ]
    text = "\n".join(json.dumps(line) for line in lines[:3]) + "\n{not json\n\n"
    text += "\n".join(json.dumps(line) for line in lines[3:]) + "\n"
    (root / "captions.jsonl").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def generic_csv(tmp_path: Path, faces: list[np.ndarray]) -> Path:
    """captions.csv in Windows-1252 with a header, two rows for one image and a one-column row."""
    root = tmp_path / "csv"
    save(faces[0], root / "a.png")
    save(faces[1], root / "b.png")
    rows = ["image,text", "a.png,A café owner with a beard.", 'a.png,"He smiles, kindly."',
            "b.png,A woman in a hat.", "b.png", "c.png,Missing image."]
    (root / "captions.csv").write_bytes("\n".join(rows).encode("cp1252"))
    return root


@pytest.fixture
def face2text(tmp_path: Path, faces: list[np.ndarray]) -> Path:
    """Face2Text JSON (.bmp names) + LFW .jpg files: 2 usable records, 1 missing image, 1 empty."""
    root = tmp_path / "face2text"
    lfw = root / "lfw"
    save(faces[0], lfw / "Ann_Smith" / "Ann_Smith_0001.jpg", size=(250, 250))
    save(faces[1], lfw / "Bob_Jones" / "Bob_Jones_0002.jpg", size=(250, 250))
    save(faces[2], lfw / "Cy_Empty" / "Cy_Empty_0001.jpg", size=(250, 250))
    records = [
        {"img_id": 1, "image": "Ann_Smith/Ann_Smith_0001.bmp",
         "descriptions": [{"desc_id": 1, "text": "A woman with short brown hair."},
                          {"desc_id": 2, "text": "She looks like a politician."}]},
        {"img_id": 2, "image": "Bob_Jones/Bob_Jones_0002.bmp",
         "descriptions": [{"desc_id": 3, "text": "An old man with a grey beard."}]},
        {"img_id": 3, "image": "Dan_Gone/Dan_Gone_0001.bmp",
         "descriptions": [{"desc_id": 4, "text": "Nobody."}]},
        {"img_id": 4, "image": "Cy_Empty/Cy_Empty_0001.bmp", "descriptions": [{"desc_id": 5, "text": "  "}]},
    ]
    (root / "raw.json").write_text(json.dumps(records), encoding="utf-8")
    return root


@pytest.fixture
def celeba(tmp_path: Path, faces: list[np.ndarray]) -> Path:
    """CelebA layout: 3 usable 178×218 photos, 1 row without an image, 1 malformed row."""
    root = tmp_path / "celeba"
    for i in range(3):
        save(faces[i], root / "img_align_celeba" / f"00000{i + 1}.jpg", size=(178, 218))
    labels = {
        "000001.jpg": {"Male", "Smiling", "Eyeglasses", "Black_Hair", "Young", "Bangs"},
        "000002.jpg": {"Blond_Hair", "Wearing_Earrings", "Heavy_Makeup", "Wearing_Lipstick", "No_Beard"},
        "000003.jpg": {"Male", "Gray_Hair", "Mustache", "Wearing_Hat", "No_Beard"},
        "000004.jpg": {"Male"},
    }
    rows = [f"{name} " + " ".join("1" if n in on else "-1" for n in CELEBA_NAMES) for name, on in labels.items()]
    rows.append("000005.jpg 1 -1 1")
    text = f"{len(rows)}\n{' '.join(CELEBA_NAMES)}\n" + "\n".join(rows) + "\n"
    (root / "list_attr_celeba.txt").write_text(text, encoding="utf-8")
    partition = "000001.jpg 0\n000002.jpg 0\n000003.jpg 2\n000004.jpg 1\n"
    (root / "list_eval_partition.txt").write_text(partition, encoding="utf-8")
    return root


@pytest.fixture
def mm_celeba_hq(tmp_path: Path, faces: list[np.ndarray]) -> Path:
    """Multi-Modal CelebA-HQ: 0 (UTF-8, a blank line), 1 (Windows-1252), 2 (empty file), 3 (no image)."""
    root = tmp_path / "mmceleba"
    for i in range(3):
        save(faces[i], root / "CelebA-HQ-img" / f"{i}.jpg", size=(256, 256))
    captions = root / "celeba-caption"
    captions.mkdir(parents=True)
    (captions / "0.txt").write_text("The woman has high cheekbones.\n\nShe is smiling.\n", encoding="utf-8")
    (captions / "1.txt").write_bytes("The man wears a beret in a café.\nHe has a beard.\n".encode("cp1252"))
    (captions / "2.txt").write_bytes(b"")
    (captions / "3.txt").write_text("Nobody is in this picture.\n", encoding="utf-8")
    return root
