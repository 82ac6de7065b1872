"""Opening models: model and run folders, corrupt files, recent list, device reload."""

from __future__ import annotations

import json


def test_corrupt_model_shows_an_error_and_keeps_the_previous_model(window, qtbot, dialog_log, copy_model, idle):
    previous, previous_path = window.session.model, window.session.path
    broken = copy_model()
    (broken / "model.safetensors").write_bytes(b"\x00" * 64)
    window.session.load(broken)
    qtbot.waitUntil(lambda: bool(dialog_log.errors), timeout=20_000)
    (_, title, message), = dialog_log.errors
    assert title == "Could not open model"
    assert "model.safetensors" in message and "Still using" in message
    assert window.session.model is previous and window.session.path == previous_path
    assert window.generate_view.generate()  # still draws with the previous model
    idle(window)


def test_incompatible_config_is_refused(window, qtbot, dialog_log, copy_model):
    broken = copy_model()
    meta = json.loads((broken / "config.json").read_text())
    meta["model"]["channels"] = [8, 8, 8]
    (broken / "config.json").write_text(json.dumps(meta))
    previous = window.session.model
    window.session.load(broken)
    qtbot.waitUntil(lambda: bool(dialog_log.errors), timeout=20_000)
    assert "does not match" in dialog_log.errors[0][2]
    assert window.session.model is previous


def test_not_a_model_folder(window, qtbot, dialog_log, tmp_path):
    window.session.load(tmp_path)
    qtbot.waitUntil(lambda: bool(dialog_log.errors), timeout=20_000)
    assert "not a model folder" in dialog_log.errors[0][2]


def test_open_model_accepts_a_run_folder(make_window, qtbot, dialog_log, tiny_run):
    window = make_window()
    dialog_log.folder = str(tiny_run)
    window.open_model_action.trigger()
    qtbot.waitUntil(lambda: window.session.model is not None, timeout=20_000)
    assert window.session.name == tiny_run.name
    assert window.settings.recent("models") == [str(tiny_run)]


def test_recent_models_menu_reopens(window, qtbot, copy_model):
    other = copy_model()
    window.session.load(other)
    qtbot.waitUntil(lambda: window.session.path == other, timeout=20_000)
    window.recent_models_menu.aboutToShow.emit()
    labels = [a.text() for a in window.recent_models_menu.actions()]
    assert labels[:2] == [str(other), str(window.settings.recent("models")[1])]
    window.recent_models_menu.actions()[1].trigger()
    qtbot.waitUntil(lambda: window.session.path != other, timeout=20_000)


def test_choosing_a_device_reloads_the_model_there(window, qtbot):
    index = window.device_combo.findData("cpu")
    before = window.session.model
    window.device_combo.setCurrentIndex(index)
    qtbot.waitUntil(lambda: window.session.model is not before, timeout=20_000)
    assert str(window.session.model.device) == "cpu"
    assert window.settings.device == "cpu"
