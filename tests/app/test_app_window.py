"""The main window: start-up with and without a model, menus, settings, About, icon."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence

from t2f_desktop.settings import Settings


def test_starts_with_a_clear_empty_state_when_there_is_no_model(make_window, qtbot):
    window = make_window(restore_session=True)
    qtbot.wait(50)
    assert window.session.model is None
    assert window.generate_view.pages.currentWidget() is window.generate_view.empty
    assert window.interpolate_view.pages.currentWidget() is window.interpolate_view.empty
    assert "No model loaded" in window.model_label.text()
    assert window.windowTitle() == "T2F Desktop"
    assert not window.generate_view.generate_button.isEnabled()
    assert not window.save_action.isEnabled()


def test_empty_state_buttons_lead_to_open_model_and_train(make_window, dialog_log):
    window = make_window()
    window.generate_view.empty.open_button.click()
    assert dialog_log.kinds("open_folder"), "Open model… asks for a folder"
    window.generate_view.empty.train_button.click()
    assert window.tabs.currentWidget() is window.train_view


def test_loads_the_bundled_default_model_at_start(make_window, qtbot, tmp_path, copy_model, monkeypatch):
    copy_model(tmp_path / "resources" / "models" / "default")
    window = make_window(restore_session=True)
    qtbot.waitUntil(lambda: window.session.model is not None, timeout=20_000)
    assert window.session.path == tmp_path / "resources" / "models" / "default"
    assert window.generate_view.pages.currentWidget() is window.generate_view.results_page
    assert "16×16" in window.model_label.text()


def test_standard_shortcuts(make_window):
    window = make_window()
    assert window.open_model_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert window.save_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    assert window.quit_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)
    assert window.full_screen_action.shortcut() == QKeySequence("F11")
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Edit", "View", "Help"]


def test_model_panel_and_status_bar_describe_the_model(window):
    values = window.model_info.values
    assert values["resolution"].text() == "16×16"
    assert values["device"].text() == "cpu"
    assert int(values["images_seen"].text().replace(",", "")) > 0
    assert "drawn demo faces" in values["dataset"].text()
    known = len(window.session.model.known_words)  # the demo captions' words
    assert values["vocabulary"].text().endswith(f"pieces, {known} known words (others read through WordNet)")
    assert "cpu" in window.device_label.text()
    assert window.windowTitle().startswith("run")  # a run's model/ is named after its run


def test_device_selector_offers_only_existing_devices(window):
    from core.devices import available_devices

    offered = [window.device_combo.itemData(i) for i in range(window.device_combo.count())]
    assert offered == ["auto"] + available_devices()
    assert window.device_combo.itemText(0).startswith("Auto (")


def test_about_box_names_versions_and_device(window, dialog_log):
    import torch
    from PySide6.QtCore import qVersion

    import core

    window.show_about()
    (_, title, html), = dialog_log.kinds("about")
    assert "About" in title
    for text in (core.__version__, torch.__version__, qVersion(), "cpu"):
        assert text in html


def test_settings_remember_geometry_and_last_model(make_window, window, qtbot, tiny_model):
    window.resize(1200, 800)
    window.close()
    settings = Settings()
    assert settings.last_model == str(tiny_model)
    assert settings.recent("models") == [str(tiny_model)]
    again = make_window(restore_session=True)
    qtbot.waitUntil(lambda: again.session.model is not None, timeout=20_000)
    assert again.session.path == tiny_model
    assert settings.geometry() is not None  # (the offscreen screen is too small to compare sizes)


def test_settings_are_isolated_from_the_real_ones(tmp_path):
    settings = Settings()
    assert Path(settings.store.fileName()).is_relative_to(tmp_path)


def test_app_icon_exists():
    from t2f_desktop.icon import app_icon, draw_icon

    assert not app_icon().isNull()
    assert draw_icon(32).width() == 32


def test_full_screen_toggle(make_window):
    window = make_window()
    window.toggle_full_screen()
    assert window.full_screen_action.isChecked() == window.isFullScreen()
    window.toggle_full_screen()
    assert not window.isFullScreen()


def test_command_line_options():
    from t2f_desktop.app import parse_args

    args = parse_args(["--model", "m", "--run", "r"])
    assert (args.model, args.run) == ("m", "r")
    with pytest.raises(SystemExit):
        parse_args(["--version"])
