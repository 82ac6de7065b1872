"""Interpolate view: N frames in one batch, scrubbing, playing, exports, the four-corner grid."""

from __future__ import annotations

import numpy as np
from PIL import Image

from t2f_desktop.history import HistoryEntry


def compute(window, qtbot, idle, frames=12):  # noqa: ANN001, ANN201
    view = window.interpolate_view
    window.tabs.setCurrentWidget(view)
    idle(window)
    view.auto.setChecked(False)
    view.frame_count.setValue(frames)
    with qtbot.waitSignal(view.computed, timeout=20_000) as blocker:
        assert view.compute()
    idle(window)
    return blocker.args[0]


def test_interpolation_yields_n_frames_and_a_gif_with_n_frames(window, qtbot, idle, dialog_log, tmp_path):
    result = compute(window, qtbot, idle, frames=12)
    view = window.interpolate_view
    assert result.frames.shape == (12, 16, 16, 3)
    assert view.scrubber.maximum() == 11 and view.strip.count() == 12
    dialog_log.save_path = str(tmp_path / "walk.gif")
    view.gif_button.click()
    idle(window)
    with Image.open(tmp_path / "walk.gif") as gif:
        assert gif.is_animated and gif.n_frames == 12


def test_endpoints_are_the_generated_faces(window, qtbot, idle):
    view = window.interpolate_view
    view.set_endpoint("A", HistoryEntry("red hair", 5))
    view.set_endpoint("B", HistoryEntry("grey hair and glasses", 9))
    result = compute(window, qtbot, idle, frames=5)
    model = window.session.model
    # Equal up to float rounding on the sphere (slerp's end point is B to within 1e-7).
    close = dict(atol=2, rtol=0)
    np.testing.assert_allclose(result.frames[0], model.generate("red hair", 5)[0], **close)
    np.testing.assert_allclose(result.frames[-1], model.generate("grey hair and glasses", 9)[0], **close)


def test_scrubber_shows_frames_instantly(window, qtbot, idle):
    result = compute(window, qtbot, idle, frames=8)
    view = window.interpolate_view
    for index in (0, 5, 7):
        view.scrubber.setValue(index)
        np.testing.assert_array_equal(view.view.image_array(), result.frames[index])  # no job needed
    assert view.frame_label.text() == "Frame 8 / 8"
    view.strip.setCurrentRow(2)
    assert view.scrubber.value() == 2


def test_play_pause_and_loop(window, qtbot, idle):
    compute(window, qtbot, idle, frames=4)
    view = window.interpolate_view
    view.fps.setValue(60)
    view.loop.setChecked(False)
    view.scrubber.setValue(0)
    view.play_button.click()
    assert view.playing
    qtbot.waitUntil(lambda: not view.playing, timeout=5000)  # stops at B without looping
    assert view.scrubber.value() == 3 and not view.play_button.isChecked()
    view.loop.setChecked(True)
    view.set_playing(True)
    qtbot.waitUntil(lambda: view.scrubber.value() == 1, timeout=5000)  # wrapped around
    view.play_button.click()
    assert not view.playing


def test_modes_and_methods(window, qtbot, idle):
    view = window.interpolate_view
    view.set_endpoint("A", HistoryEntry("red hair", 5))
    view.set_endpoint("B", HistoryEntry("black hair", 5))
    view.mode.setCurrentIndex(view.mode.findData("noise"))
    result = compute(window, qtbot, idle, frames=3)
    assert result.mode == "noise"
    np.testing.assert_array_equal(result.frames[0], result.frames[-1])  # same seed, text held: no change
    view.method.setCurrentIndex(view.method.findData("lerp"))
    view.mode.setCurrentIndex(view.mode.findData("text"))
    result = compute(window, qtbot, idle, frames=3)
    assert (result.mode, result.method) == ("text", "lerp")


def test_export_png_frames(window, qtbot, idle, dialog_log, tmp_path):
    compute(window, qtbot, idle, frames=6)
    dialog_log.folder = str(tmp_path / "frames")
    window.interpolate_view.png_button.click()
    idle(window)
    assert sorted(p.name for p in (tmp_path / "frames").iterdir())[0] == "frame_0000.png"
    assert len(list((tmp_path / "frames").glob("*.png"))) == 6


def test_gif_export_error_is_a_message(window, qtbot, idle, dialog_log, tmp_path):
    compute(window, qtbot, idle, frames=3)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    dialog_log.save_path = str(blocker / "walk.gif")
    window.interpolate_view.export_gif()
    idle(window)
    assert dialog_log.errors and "GIF" in dialog_log.errors[0][1]


def test_four_corner_grid(window, qtbot, idle):
    view = window.interpolate_view
    window.tabs.setCurrentWidget(view)
    view.auto.setChecked(False)
    view.tabs.setCurrentIndex(1)
    view.grid_size.setValue(3)
    view.compute()
    idle(window)
    assert view.grid_images.shape == (3, 3, 16, 16, 3)
    a, b = view.endpoints()
    model = window.session.model
    close = dict(atol=2, rtol=0)
    np.testing.assert_allclose(view.grid_images[0, 0], model.generate(a.text, a.seed)[0], **close)
    np.testing.assert_allclose(view.grid_images[2, 2], model.generate(b.text, b.seed)[0], **close)
    np.testing.assert_allclose(view.grid_images[0, 2], model.generate(b.text, a.seed)[0], **close)
    assert view.grid_view.image_array().shape[0] > 3 * 16


def test_mp4_button_says_what_it_needs():
    from t2f_desktop import export

    assert export.mp4_available() in (True, False)


def test_an_endpoint_says_which_words_the_model_reads_as_others(window, qtbot, idle):
    view = window.interpolate_view
    view.set_endpoint("A", HistoryEntry("a woman with crimson hair", 5))
    assert view.endpoint_a.title() == "Endpoint A — some words unknown or read as others (hover)"
    assert view.endpoint_a.preview.toolTip() == ("The face at endpoint A\n"
                                                 "Read “woman” as “person”, “crimson” as “red”.")
    view.set_endpoint("A", HistoryEntry("a person with red hair", 5))
    assert view.endpoint_a.title() == "Endpoint A" and view.endpoint_a.preview.toolTip() == "The face at endpoint A"
