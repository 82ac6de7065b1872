"""Saving from the app: the export size applies everywhere, and every PNG says what it shows."""

from __future__ import annotations

import numpy as np
from PIL import Image

from core.image_export import read_png_text
from tests.app.test_app_generate import generate
from tests.app.test_app_interpolate import compute


def test_a_grid_saved_at_8x_smooth_keeps_every_face_and_says_what_it_is(window, qtbot, idle, dialog_log, tmp_path):
    view = window.generate_view
    view.count.setValue(9)
    view.truncation.setValue(70)
    view.prompt.set_text("an old man with a beard")
    result = generate(view, qtbot, idle, window)
    view.export_size.factor.setCurrentIndex(view.export_size.factor.findData(8))
    view.export_size.smooth.setChecked(True)
    dialog_log.save_path = str(tmp_path / "grid.png")
    view.save_image()
    with Image.open(tmp_path / "grid.png") as saved:
        assert saved.size == (3 * 128 + 4 * 16, 3 * 128 + 4 * 16)  # 16 px faces at 8×, gutters 2 px × 8
    text = read_png_text(tmp_path / "grid.png")
    assert text["Description"] == "an old man with a beard"
    assert text["Seed"] == ", ".join(str(s) for s in result.seeds)
    assert text["Psi"] == "0.7"
    assert text["Model"] == window.session.name == "run"  # a run's model/ is named after its run
    assert view.export_size.factor.currentText() == "8× (128 px)"


def test_png_frames_and_gif_share_one_size_and_frames_carry_their_place(window, qtbot, idle, dialog_log, tmp_path):
    result = compute(window, qtbot, idle, frames=4)
    view = window.interpolate_view
    assert view.export_size.size().factor == 4  # the default
    dialog_log.folder = str(tmp_path / "frames")
    view.png_button.click()
    idle(window)
    dialog_log.save_path = str(tmp_path / "walk.gif")
    view.gif_button.click()
    idle(window)
    frames = sorted((tmp_path / "frames").glob("*.png"))
    assert len(frames) == 4
    with Image.open(frames[0]) as first, Image.open(tmp_path / "walk.gif") as gif:
        assert first.size == gif.size == (64, 64)
        np.testing.assert_array_equal(np.asarray(first), result.frames[0].repeat(4, 0).repeat(4, 1))
    text = read_png_text(frames[1])
    a, b = result.start, result.end
    assert text["Frame"] == "2 of 4"
    assert text["Seed"] == f"{a.seed}, {b.seed}"
    assert text["Description"] == f"{a.text} → {b.text}"
    assert text["Model"] == window.session.name


def test_one_choice_for_every_view(window, qtbot, idle):
    generate_box = window.generate_view.export_size
    generate_box.factor.setCurrentIndex(generate_box.factor.findData(1))
    window.tabs.setCurrentWidget(window.interpolate_view)
    idle(window)
    assert window.interpolate_view.export_size.size().factor == 1


def test_the_corner_grid_saves_at_the_export_size_with_its_endpoints(window, qtbot, idle, dialog_log, tmp_path):
    view = window.interpolate_view
    window.tabs.setCurrentWidget(view)
    view.auto.setChecked(False)
    view.tabs.setCurrentIndex(1)
    view.grid_size.setValue(2)
    view.compute()
    idle(window)
    dialog_log.save_path = str(tmp_path / "corners.png")
    view.save_grid_button.click()
    with Image.open(tmp_path / "corners.png") as saved:
        assert saved.size == (2 * 64 + 3 * 8, 2 * 64 + 3 * 8)
    text = read_png_text(tmp_path / "corners.png")
    a, b = view.endpoints()
    assert text["Seed"] == f"{a.seed}, {b.seed}" and "four-corner grid" in text["Interpolation"]
