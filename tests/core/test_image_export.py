"""Saved faces: one export size for everything, and the PNG text that says how to draw them again."""

import numpy as np
import pytest
from PIL import Image

from core.image_export import ExportSize, compose, enlarge, face_text, read_png_text, save_png


def faces(count: int = 4, size: int = 8) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (count, size, size, 3), dtype=np.uint8)


def test_nearest_repeats_pixels_and_smooth_blends_them():
    face = faces(1)[0]
    nearest = enlarge(face, ExportSize(4, smooth=False))
    assert nearest.shape == (32, 32, 3)
    np.testing.assert_array_equal(nearest[::4, ::4], face)
    np.testing.assert_array_equal(nearest[:4, :4], np.broadcast_to(face[0, 0], (4, 4, 3)))
    smooth = enlarge(face, ExportSize(4, smooth=True))
    assert smooth.shape == (32, 32, 3)
    assert len(np.unique(smooth.reshape(-1, 3), axis=0)) > len(np.unique(face.reshape(-1, 3), axis=0))
    assert enlarge(face, ExportSize(1)) is face
    assert enlarge(faces(3), ExportSize(8)).shape == (3, 64, 64, 3)


def test_a_grid_of_enlarged_faces_has_gutters_that_grow_with_them():
    grid = compose(faces(9), ExportSize(4), columns=3)
    assert grid.shape == (3 * 32 + 4 * 8, 3 * 32 + 4 * 8, 3)
    np.testing.assert_array_equal(grid[8:40, 8:40], enlarge(faces(9)[0], ExportSize(4)))
    assert compose(faces(1), ExportSize(8)).shape == (64, 64, 3)  # one face: no gutter


def test_only_the_offered_factors_are_accepted():
    with pytest.raises(ValueError, match="one of 1, 4, 8"):
        ExportSize(3)
    assert ExportSize(8, True).describe(64) == "8× (512 px, smooth)"


def test_png_text_round_trips_with_unicode(tmp_path):
    text = face_text("a woman with “red” hair — smiling 😀", [12, 13, 14], 0.7, "default", text_variation="on")
    save_png(faces(1)[0], tmp_path / "face.png", text)
    read = read_png_text(tmp_path / "face.png")
    assert read["Description"] == "a woman with “red” hair — smiling 😀"
    assert read["Seed"] == "12, 13, 14" and read["Psi"] == "0.7" and read["Model"] == "default"
    assert read["Text variation"] == "on" and read["Software"].startswith("T2F ")
    with Image.open(tmp_path / "face.png") as picture:
        np.testing.assert_array_equal(np.asarray(picture), faces(1)[0])
