"""Refine view: from a Generate face, pick, Ctrl+pick a mean, undo/redo, sliders, face files, drops."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from t2f_desktop.views.refine import RefineView


@pytest.fixture(autouse=True)
def few_samples(monkeypatch):
    monkeypatch.setattr(RefineView, "direction_samples", 60)


@pytest.fixture
def refine_window(make_window, copy_model, qtbot, idle):  # noqa: ANN001, ANN201
    """A window on a copy of the tiny model (its directions are written beside the copy)."""
    folder = copy_model()

    def make():  # noqa: ANN202
        window = make_window()
        window.session.load(folder)
        qtbot.waitUntil(lambda: window.session.model is not None, timeout=20_000)
        window.refine_view.ensure_directions()  # asked for when Refine is first used
        qtbot.waitUntil(lambda: window.refine_view.directions is not None, timeout=30_000)
        idle(window)
        return window
    return make


def start_from_generate(window, idle, index=2):  # noqa: ANN001, ANN201
    view = window.refine_view
    window.generate_view.grid.face_action.emit(index, "refine")
    idle(window)
    assert window.tabs.currentWidget() is view
    return view


def test_refine_this_face_then_pick_ctrl_pick_mean_undo_redo(refine_window, qtbot, idle):
    window = refine_window()
    generated = window.generate_view.result
    view = start_from_generate(window, idle)
    np.testing.assert_array_equal(view.current_image, generated.images[2])  # the same face, now refined
    assert len(view.ring.tiles) == 12 and view.prompt.toPlainText() == generated.text

    tile_face = view.ring.tiles[3].image_array().copy()
    qtbot.mouseClick(view.ring.tiles[3], Qt.MouseButton.LeftButton)
    idle(window)
    np.testing.assert_array_equal(view.current_image, tile_face)
    assert [s.kind for s in view.refinement.steps] == ["start", "pick"]

    for index in (0, 5):
        qtbot.mouseClick(view.ring.tiles[index], Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier)
    assert view.selected == {0, 5} and view.mean_button.isEnabled()
    assert view.ring.tiles[5]._selected and not view.ring.tiles[4]._selected
    qtbot.mouseClick(view.mean_button, Qt.MouseButton.LeftButton)
    idle(window)
    assert view.refinement.current.kind == "mean" and view.strip.count() == 3
    mean_face = view.current_image.copy()

    qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
    idle(window)
    np.testing.assert_array_equal(view.current_image, tile_face)
    qtbot.mouseClick(view.redo_button, Qt.MouseButton.LeftButton)
    idle(window)
    np.testing.assert_array_equal(view.current_image, mean_face)
    view.strip.setCurrentRow(0)
    idle(window)
    np.testing.assert_array_equal(view.current_image, generated.images[2])


def test_a_slider_moves_the_face_live_and_back_exactly(refine_window, idle):
    from core.refine import value_keys

    window = refine_window()
    view = start_from_generate(window, idle, 0)
    start = view.current_image.copy()
    key = max(value_keys(), key=lambda k: float(view.directions.step(k).norm()))
    row = next(i for i, (spec, _, _, _) in enumerate(view.sliders.rows)
                if spec.attribute == key.split("=")[0] and key.split("=")[1] in spec.choices)
    _, combo, slider, _ = view.sliders.rows[row]
    if combo is not None:
        combo.setCurrentText(key.split("=")[1])
    slider.setSliderDown(True)  # a drag: the face moves, no history step yet
    slider.setValue(25)
    idle(window)
    assert not np.array_equal(view.current_image, start)
    assert len(view.refinement.steps) == 1
    slider.setSliderDown(False)  # the release records the step
    idle(window)
    assert view.refinement.sliders == {key: 2.5} and len(view.refinement.steps) == 2
    view.sliders.set_value(key, 0.0)
    idle(window)
    np.testing.assert_array_equal(view.current_image, start)


def test_a_saved_face_opens_in_a_new_window_and_draws_the_same_image(refine_window, idle, tmp_path, dialog_log):
    first = refine_window()
    view = start_from_generate(first, idle, 1)
    view.pick(4)
    idle(first)
    view.sliders.set_value(view.sliders.key(0), 1.5)
    idle(first)
    image = view.current_image.copy()
    dialog_log.save_path = str(tmp_path / "witness")
    saved = view.save_face()
    assert saved == tmp_path / "witness.t2fface"
    dialog_log.save_path = str(tmp_path / "sheet.png")
    assert view.export_sheet().stat().st_size > 0

    second = refine_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(saved))])
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    assert QApplication.sendEvent(second, enter) and enter.isAccepted()
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(second, drop)
    idle(second)
    other = second.refine_view
    assert second.tabs.currentWidget() is other
    np.testing.assert_array_equal(other.current_image, image)
    assert other.refinement.sliders == view.refinement.sliders and len(other.refinement.steps) == 3


def test_a_broken_face_file_is_one_error_and_changes_nothing(refine_window, tmp_path, dialog_log):
    window = refine_window()
    bad = tmp_path / "bad.t2fface"
    bad.write_text('{"format": "t2f-desktop-face", "version": 1}')
    assert not window.refine_view.open_face(bad)
    assert len(dialog_log.errors) == 1 and "\n" not in dialog_log.errors[0][2]
    assert window.refine_view.refinement is None
