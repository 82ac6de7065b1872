"""``t2f doctor``: one line per check, problems with their fix, exit status 1 when any."""

import json
from pathlib import Path

import pytest

from core.cli import doctor
from core.cli.main import main
from core.qt_libraries import LibraryCheck

PLUGIN = Path("/x/libqxcb.so")


@pytest.fixture
def qt_missing(monkeypatch):
    """This machine as one whose xcb plugin lacks two libraries, on Debian."""
    import core.qt_libraries as qt

    monkeypatch.setattr(qt, "check_qt_libraries", lambda environ: LibraryCheck(
        "xcb", PLUGIN, ("libxcb-icccm.so.4", "libxcb-keysyms.so.1"), "ldd"))
    monkeypatch.setattr(qt, "read_os_release", lambda: "ID=ubuntu\nID_LIKE=debian\n")


@pytest.fixture
def qt_fine(monkeypatch):
    import core.qt_libraries as qt

    monkeypatch.setattr(qt, "check_qt_libraries", lambda environ: LibraryCheck("xcb", PLUGIN, (), "ldd"))
    monkeypatch.setenv("DISPLAY", ":99")


def test_a_ready_machine_reports_every_check_and_exits_0(qt_fine, capsys):
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    names = [line[2:].split()[0] for line in out.splitlines() if line[:1] in "✓✗"]
    assert names == ["Python", "torch", "device", "Qt", "model"]
    assert "✗" not in out and out.rstrip().endswith("ready")
    assert "build)" in out  # CPU-only or CUDA build named
    assert "resources/models/default loads and draws 64×64 faces" in out


def test_missing_qt_libraries_are_named_with_the_install_line_and_exit_1(qt_missing, capsys):
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "✗ Qt" in out
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in out
    assert "apt-get install -y libxcb-icccm4 libxcb-keysyms1" in out
    assert out.rstrip().endswith("1 problem to fix (see above)")


def test_a_model_that_does_not_load_is_a_problem_not_a_crash(qt_fine, tmp_path, capsys):
    (tmp_path / "config.json").write_text("{not json")
    assert main(["doctor", "--model", str(tmp_path), "--json"]) == 1
    findings = {f["name"]: f for f in json.loads(capsys.readouterr().out)}
    assert findings["model"]["problem"].startswith("the model does not load:")
    assert findings["Qt"]["problem"] is None and findings["torch"]["problem"] is None


def test_no_pyside6_is_reported_as_such(monkeypatch):
    real = doctor.importlib.util.find_spec
    monkeypatch.setattr(doctor.importlib.util, "find_spec", lambda name: None if name == "PySide6" else real(name))
    finding = doctor.check_qt({})
    assert finding.value == "PySide6 not installed" and "pip install" in finding.problem


def test_an_xcb_machine_without_display_gets_a_note(qt_fine, monkeypatch):
    finding = doctor.check_qt({})
    assert finding.problem is None and "DISPLAY is not set" in finding.note
