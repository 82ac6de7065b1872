"""The shipped model draws the faces it drew when these pixels were stored (a refactor of the code
around it must not change what it draws)."""

from pathlib import Path

import numpy as np
from PIL import Image

from core.model.t2f import T2F

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ["a smiling woman with long red hair and glasses", "an old man with a grey beard",
         "a young man with short black hair on a blue background", ""]


def test_the_bundled_model_draws_its_stored_faces():
    stored = np.asarray(Image.open(ROOT / "tests" / "core" / "data" / "bundled_faces.png").convert("RGB"))
    faces = T2F.load(ROOT / "resources" / "models" / "default", device="cpu").generate(TEXTS, [0, 1, 2, 3])
    drawn = np.concatenate(list(faces), axis=1)
    assert drawn.shape == stored.shape == (64, 256, 3)
    # Equal up to summation order: another CPU may round a few pixels one level the other way.
    difference = np.abs(drawn.astype(int) - stored.astype(int))
    assert difference.max() <= 2 and (difference > 0).mean() < 0.01
