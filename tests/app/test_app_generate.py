"""Generate view: typing and drawing, seeds, stale requests, text edge cases, saving, history."""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from t2f_desktop.views.generate import NO_DESCRIPTION_NOTE


def generate(view, qtbot, idle, window, explicit=True):  # noqa: ANN001, ANN201
    with qtbot.waitSignal(view.generated, timeout=20_000) as blocker:
        assert view.generate(explicit=explicit)
    idle(window)
    return blocker.args[0]


def test_type_and_generate_shows_faces_at_model_resolution(window, qtbot, idle):
    view = window.generate_view
    view.prompt.clear()
    qtbot.keyClicks(view.prompt, "a person with red hair and blue eyes")
    view.count.setValue(4)
    idle(window)
    with qtbot.waitSignal(view.generated, timeout=20_000):
        qtbot.mouseClick(view.generate_button, Qt.MouseButton.LeftButton)
    idle(window)
    assert view.result.text == "a person with red hair and blue eyes"
    assert len(view.grid.tiles) == 4
    assert view.grid.tiles[0].image_array().shape == (16, 16, 3)
    assert view.history.entries[0].text == view.result.text


def test_ctrl_enter_generates(window, qtbot, idle):
    view = window.generate_view
    window.tabs.setCurrentWidget(view)
    view.prompt.setFocus()
    with qtbot.waitSignal(view.generated, timeout=20_000):
        qtbot.keyClick(view.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    idle(window)


def test_same_seed_same_face_other_seed_other_face(window, qtbot, idle):
    view = window.generate_view
    view.seed_box.set_locked(True)
    view.count.setValue(1)
    view.seed_box.set_seed(1234)
    first = generate(view, qtbot, idle, window).images.copy()
    again = generate(view, qtbot, idle, window).images
    assert view.result.seeds == (1234,)
    np.testing.assert_array_equal(first, again)
    view.seed_box.set_seed(1235)
    idle(window)
    other = generate(view, qtbot, idle, window).images
    assert not np.array_equal(first, other)


def test_unlocked_generate_rolls_a_new_seed(window, qtbot, idle):
    view = window.generate_view
    view.seed_box.set_locked(False)
    first = generate(view, qtbot, idle, window).seeds
    second = generate(view, qtbot, idle, window).seeds
    assert first != second and view.seed_box.seed() == second[0]
    view.seed_box.set_locked(True)
    assert generate(view, qtbot, idle, window).seeds == second


def test_full_seed_range(window, qtbot, idle):
    from core.model.t2f import MAX_SEED

    view = window.generate_view
    view.seed_box.set_locked(True)
    view.count.setValue(3)
    view.seed_box.set_seed(MAX_SEED)
    assert view.seed_box.seed() == MAX_SEED
    result = generate(view, qtbot, idle, window)
    assert result.seeds == (MAX_SEED, 0, 1)  # face k uses seed + k, wrapping at 2³²


def test_only_the_newest_request_is_drawn(window, qtbot, idle):
    view = window.generate_view
    view.seed_box.set_locked(True)
    shown = []
    view.generated.connect(shown.append)
    for seed in range(20):
        view.seed_box.set_seed(seed)  # each change asks for a redraw
    idle(window)
    assert [g.seeds[0] for g in shown] == [19]


def test_empty_description_says_what_it_does(window, qtbot, idle):
    view = window.generate_view
    view.prompt.set_text("   ")
    assert view.note.text() == NO_DESCRIPTION_NOTE and view.note.isVisibleTo(view)
    result = generate(view, qtbot, idle, window)
    assert result.images.shape[1:] == (16, 16, 3)
    view.prompt.set_text("a person with red hair")
    assert not view.note.isVisibleTo(view)


def test_words_the_model_never_saw_are_read_as_known_ones_and_the_note_says_so(window, qtbot, idle):
    view = window.generate_view
    generate(view, qtbot, idle, window)  # the tiny model knows only its demo captions' 20 words
    view.prompt.set_text("a smiling woman with crimson hair and zorbly eyes")
    assert view.note.isVisibleTo(view)
    assert view.note.text() == "Read “woman” as “person”, “crimson” as “red”; unknown to this model: “zorbly”."
    model = window.session.model
    same = model.generate("a smiling person with red hair and zorbly eyes", 3)
    assert (model.generate("a smiling woman with crimson hair and zorbly eyes", 3) == same).all()


def test_long_emoji_and_non_latin_text(window, qtbot, idle):
    view = window.generate_view
    for text in ("a smiling face " * 340, "😀 🎉 smiling 👩‍🦰", "женщина с рыжими волосами", "赤い髪の女性",
                 "مرد با ریش"):
        view.prompt.set_text(text)
        result = generate(view, qtbot, idle, window)
        assert result.text == text and result.images.shape[1:] == (16, 16, 3)
    view.prompt.set_text("a smiling face " * 340)
    assert len(view.prompt.text()) > 5000
    assert "first" in view.note.text()


def test_click_enlarges_then_save_and_copy(window, qtbot, idle, dialog_log, tmp_path):
    view = window.generate_view
    view.count.setValue(4)
    generate(view, qtbot, idle, window)
    qtbot.mouseClick(view.grid.tiles[2], Qt.MouseButton.LeftButton)
    assert view.enlarged == 2 and view.faces.currentWidget() is view.large
    dialog_log.save_path = str(tmp_path / "one")
    window.save_action.trigger()
    with Image.open(tmp_path / "one.png") as saved:  # at the default export size, 4× nearest
        assert saved.size == (64, 64)
        np.testing.assert_array_equal(np.asarray(saved), view.result.images[2].repeat(4, 0).repeat(4, 1))
    window.copy_action.trigger()
    assert QApplication.clipboard().image().size().width() == 16
    view.show_grid()
    dialog_log.save_path = str(tmp_path / "grid.png")
    view.save_image()
    with Image.open(tmp_path / "grid.png") as saved:
        assert saved.size[0] > 32  # two faces across plus padding


def test_history_returns_to_a_description_and_seed(window, qtbot, idle):
    view = window.generate_view
    view.prompt.set_text("first description")
    first = generate(view, qtbot, idle, window)
    view.prompt.set_text("second description")
    generate(view, qtbot, idle, window)
    assert view.history_list.count() >= 2
    entry = next(e for e in view.history.entries if e.text == "first description")
    with qtbot.waitSignal(view.generated, timeout=20_000):
        view.restore(entry)
    idle(window)
    assert view.prompt.text() == "first description" and view.seed_box.locked
    np.testing.assert_array_equal(view.result.images, first.images)


def test_truncation_slider_redraws(window, qtbot, idle):
    view = window.generate_view
    generate(view, qtbot, idle, window)
    with qtbot.waitSignal(view.generated, timeout=20_000):
        view.truncation.setValue(50)
    idle(window)
    assert view.result.truncation == 0.5 and view.truncation_label.text() == "0.50"


def test_face_can_become_an_interpolation_endpoint(window, qtbot, idle):
    view = window.generate_view
    view.prompt.set_text("endpoint face")
    generate(view, qtbot, idle, window)
    view.grid.face_action.emit(1, "endpoint-b")
    assert window.interpolate_view.endpoint_b.text() == "endpoint face"
    assert window.interpolate_view.endpoint_b.seed() == view.result.seeds[1]
