"""Start-up before Qt: a machine that cannot open the window is told why, and Qt never starts."""

import sys
from pathlib import Path

import pytest

from core.qt_libraries import LibraryCheck
from t2f_desktop import app

PLUGIN = Path("/x/libqxcb.so")


@pytest.fixture
def no_qt_start(monkeypatch):
    def refuse(*_):
        raise AssertionError("Qt must not start")
    monkeypatch.setattr(app, "create_application", refuse)


def test_missing_libraries_exit_1_with_names_and_install_line(monkeypatch, no_qt_start, capsys):
    import core.qt_libraries as qt

    monkeypatch.setattr(qt, "check_qt_libraries", lambda environ: LibraryCheck(
        "xcb", PLUGIN, ("libxcb-icccm.so.4",), "ldd"))
    monkeypatch.setattr(qt, "read_os_release", lambda: 'ID="fedora"\n')
    assert app.main([]) == 1
    err = capsys.readouterr().err
    assert err.startswith("T2F Desktop cannot start.")
    assert "libxcb-icccm.so.4" in err and "dnf install -y xcb-util-wm" in err


def test_no_display_on_xcb_is_said_plainly(monkeypatch, no_qt_start, capsys):
    import core.qt_libraries as qt

    monkeypatch.setattr(qt, "check_qt_libraries", lambda environ: LibraryCheck("xcb", PLUGIN, (), "ldd"))
    monkeypatch.delenv("DISPLAY", raising=False)
    assert app.main([]) == 1
    assert "DISPLAY is not set" in capsys.readouterr().err


def test_offscreen_needs_no_check():
    assert app.cannot_start_qt({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_check_prints_the_doctor_report_without_starting_qt(monkeypatch, no_qt_start, capsys):
    import core.qt_libraries as qt

    monkeypatch.setattr(qt, "check_qt_libraries", lambda environ: LibraryCheck("offscreen", None, (), "skipped"))
    assert app.main(["--check"]) == 0
    out = capsys.readouterr().out
    assert "✓ Qt      PySide6" in out and out.rstrip().endswith("ready")


def test_importing_the_app_module_does_not_import_qt_widgets():
    import subprocess

    code = "import sys, t2f_desktop.app; print('PySide6.QtWidgets' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip() == "False", result.stderr
