"""Small things a person meets in the first hour: seeds, history, the bundled model, the scrub bar,
dropped characters, narrow windows and sharp faces."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from tests.app.test_app_generate import generate
from tests.app.test_app_interpolate import compute


def test_the_generate_button_says_whether_it_keeps_the_seeds(window):
    view = window.generate_view
    view.seed_box.set_locked(False)
    assert view.generate_button.text() == "Generate · new seeds"
    view.seed_box.set_locked(True)
    assert view.generate_button.text() == "Generate · same seeds"


def test_history_survives_a_restart(window, make_window, qtbot, idle):
    view = window.generate_view
    view.prompt.set_text("a woman with red hair")
    first = generate(view, qtbot, idle, window)
    view.prompt.set_text("a bald man 😀")
    second = generate(view, qtbot, idle, window)
    window.shutdown()
    again = make_window()
    entries = again.history.entries
    assert [(e.text, e.seed) for e in entries[:2]] == [("a bald man 😀", second.seeds[0]),
                                                       ("a woman with red hair", first.seeds[0])]
    assert again.generate_view.history_list.count() == len(entries)


def test_a_damaged_history_is_skipped_not_fatal(make_window):
    from t2f_desktop.settings import Settings

    Settings().set("history/entries", '[{"text": "ok", "seed": 3}, {"seed": "x"}, 5]')
    window = make_window()
    assert [(e.text, e.seed) for e in window.history.entries] == [("ok", 3)]
    Settings().set("history/entries", "not json")
    assert make_window().history.entries == []


def test_back_to_the_bundled_model_after_using_a_runs_model(make_window, qtbot, idle, copy_model, tmp_path,
                                                             tiny_run, monkeypatch):
    from t2f_desktop.resources import RESOURCES_ENV

    bundled = copy_model(tmp_path / "resources" / "models" / "default")
    monkeypatch.setenv(RESOURCES_ENV, str(tmp_path / "resources"))
    window = make_window()
    window.use_run_model(tiny_run)
    qtbot.waitUntil(lambda: window.session.path == tiny_run, timeout=20_000)
    idle(window)
    assert window.bundled_model_action.isEnabled()
    window.bundled_model_action.trigger()
    qtbot.waitUntil(lambda: window.session.path == bundled, timeout=20_000)
    idle(window)
    assert not window.bundled_model_action.isEnabled()


def test_clicking_the_scrub_bar_goes_to_the_frame_under_the_pointer(window, qtbot, idle):
    compute(window, qtbot, idle, frames=40)
    scrubber = window.interpolate_view.scrubber
    scrubber.setValue(0)
    y = scrubber.height() // 2
    qtbot.mouseClick(scrubber, Qt.MouseButton.LeftButton, pos=QPoint(round(scrubber.width() * 0.75), y))
    assert 25 <= scrubber.value() <= 33  # a plain slider would have moved one page (to 10)
    qtbot.mouseClick(scrubber, Qt.MouseButton.LeftButton, pos=QPoint(1, y))
    assert scrubber.value() == 0
    assert window.interpolate_view.frame_label.text() == "Frame 1 / 40"


def test_emoji_and_other_dropped_characters_are_named(window):
    view = window.generate_view
    view.prompt.set_text("a smiling woman 😀 with red hair ☃")
    assert "“😀” “☃”" in view.note.text() and view.note.isVisibleTo(view)
    view.prompt.set_text("a smiling woman, with red hair!")
    assert "Left out" not in view.note.text()


def test_the_window_can_be_narrower_than_its_old_1010_px(window, qtbot):
    assert window.minimumSizeHint().width() < 800
    window.tabs.setCurrentWidget(window.train_view)
    window.resize(780, 760)
    qtbot.waitUntil(lambda: window.width() <= 800, timeout=5000)
    from t2f_desktop.widgets.adaptive_splitter import AdaptiveSplitter

    splitter = window.train_view.findChild(AdaptiveSplitter)
    qtbot.waitUntil(lambda: splitter.orientation() == Qt.Orientation.Vertical, timeout=5000)
    window.resize(1400, 800)
    qtbot.waitUntil(lambda: splitter.orientation() == Qt.Orientation.Horizontal, timeout=5000)


def test_sharp_faces_zoom_by_whole_numbers_and_are_remembered(window, make_window, qtbot, idle):
    view = window.generate_view
    view.count.setValue(1)
    generate(view, qtbot, idle, window)
    view.enlarge(0)
    window.resize(1200, 800)
    window.integer_scaling_action.trigger()
    large = view.large
    qtbot.waitUntil(lambda: large.integer_factor() >= 2, timeout=5000)
    target = large.target_rect()
    assert target.width() == target.height() == 16 * large.integer_factor()  # the tiny model draws 16 px
    window.integer_scaling_action.trigger()
    assert large.integer_factor() == 0
    window.integer_scaling_action.trigger()
    window.shutdown()
    assert make_window().integer_scaling_action.isChecked()
