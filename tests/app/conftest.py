"""Fixtures for the desktop app tests: offscreen Qt, isolated settings, recorded dialogs, a tiny model.

The model is trained once per session on drawn faces at 16×16 (a few seconds of CPU), so the
tests never depend on a bundled model or on a particular data loader.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# One torch thread per Python thread: the app trains and draws on two threads at once, and on a
# small shared machine more threads than cores make every step many times slower.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)

from t2f_desktop import dialogs  # noqa: E402
from t2f_desktop.resources import RESOURCES_ENV  # noqa: E402
from t2f_desktop.settings import SETTINGS_ENV  # noqa: E402

RESOLUTION = 16


def tiny_config(stage_images: int = 64, batch: int = 8, **train: Any):
    """The tiny preset at 16×16 with short stages, on the CPU."""
    from core.presets import preset

    config = preset("tiny", RESOLUTION)
    stages = len(config.train.stage_images)
    values = dict(stage_images=(stage_images,) * stages, batch_sizes=(batch,) * stages, log_every=2,
                  sample_every=4, checkpoint_every=1000, device="cpu", seed=3)
    values.update(train)
    return config.replace(train=dataclasses.replace(config.train, **values))


def drawn_dataset(count: int = 32):
    from tests.app.demo_faces import demo_dataset

    return demo_dataset(count, size=RESOLUTION, seed=1)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished tiny run folder (with ``model/``, samples and metrics), trained once per session."""
    from core.training.trainer import Trainer

    run_dir = tmp_path_factory.mktemp("tiny") / "run"
    Trainer(run_dir, tiny_config(), drawn_dataset()).train()
    assert (run_dir / "model" / "config.json").is_file()
    return run_dir


@pytest.fixture
def tiny_model(tiny_run: Path) -> Path:
    return tiny_run / "model"


@dataclass
class DialogRecorder:
    """Stands in for :mod:`t2f_desktop.dialogs`: records every call and answers as configured."""

    calls: list[tuple[str, str, str]] = field(default_factory=list)
    confirm_answer: bool = True
    folder: str | None = None
    save_path: str | None = None
    open_path: str | None = None
    #: The answer to ``ask_int``: a number, or None to cancel.
    number: int | None = None

    def kinds(self, kind: str) -> list[tuple[str, str, str]]:
        return [c for c in self.calls if c[0] == kind]

    @property
    def errors(self) -> list[tuple[str, str, str]]:
        return self.kinds("error")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings in a temporary ini file, and no bundled resources (so no default model)."""
    monkeypatch.setenv(SETTINGS_ENV, str(tmp_path / "settings" / "t2f.ini"))
    monkeypatch.setenv(RESOURCES_ENV, str(tmp_path / "resources"))


@pytest.fixture(autouse=True)
def dialog_log(monkeypatch: pytest.MonkeyPatch) -> DialogRecorder:
    """No modal dialogs in tests: every message and question is recorded and answered."""
    recorder = DialogRecorder()

    def message(kind: str):
        return lambda parent, title, text: recorder.calls.append((kind, title, text))

    def confirm(parent, title, question, yes="Yes", no="Cancel"):  # noqa: ANN001, ANN202
        recorder.calls.append(("confirm", title, question))
        return recorder.confirm_answer

    def ask(kind: str, attribute: str):
        def answer(parent, caption, start="", filters=""):  # noqa: ANN001, ANN202
            recorder.calls.append((kind, caption, start))
            return getattr(recorder, attribute)
        return answer

    for kind in ("error", "warning", "information", "about"):
        monkeypatch.setattr(dialogs, kind, message(kind))
    monkeypatch.setattr(dialogs, "confirm", confirm)
    monkeypatch.setattr(dialogs, "open_folder", ask("open_folder", "folder"))
    monkeypatch.setattr(dialogs, "open_file", ask("open_file", "open_path"))
    monkeypatch.setattr(dialogs, "save_file", ask("save_file", "save_path"))

    def ask_int(parent, title, label, value, minimum, maximum, step=1):  # noqa: ANN001, ANN202
        recorder.calls.append(("ask_int", title, f"{label} [{minimum}–{maximum}, offered {value}]"))
        return recorder.number

    monkeypatch.setattr(dialogs, "ask_int", ask_int)
    return recorder


def wait_idle(qtbot, window, timeout: int = 20_000) -> None:  # noqa: ANN001
    """Until the drawing thread has nothing left to do."""
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=timeout)


@pytest.fixture
def make_window(qtbot):  # noqa: ANN001, ANN201
    """Build main windows that are closed (threads stopped) after the test."""
    from t2f_desktop.main_window import MainWindow

    windows = []

    def make(restore_session: bool = False) -> MainWindow:
        window = MainWindow(restore_session=restore_session)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.train_view.controller.stop_and_wait()
        window.shutdown()


@pytest.fixture
def window(make_window, qtbot, tiny_model: Path):  # noqa: ANN001, ANN201
    """A main window with the session's tiny model loaded."""
    window = make_window()
    window.session.load(tiny_model)
    qtbot.waitUntil(lambda: window.session.model is not None, timeout=20_000)
    wait_idle(qtbot, window)
    return window


@pytest.fixture
def copy_model(tmp_path: Path, tiny_model: Path):  # noqa: ANN201
    """Copy the tiny model to a new folder (for tests that break or bundle it)."""
    def copy(destination: Path | None = None) -> Path:
        destination = destination or tmp_path / "model-copy"
        shutil.copytree(tiny_model, destination)
        return destination
    return copy


@pytest.fixture
def idle(qtbot):  # noqa: ANN001, ANN201
    """``idle(window)`` waits until the window's drawing thread is idle."""
    return lambda window, timeout=20_000: wait_idle(qtbot, window, timeout)


@pytest.fixture
def dataset():  # noqa: ANN201
    return drawn_dataset()


@pytest.fixture
def config_factory():  # noqa: ANN201
    return tiny_config
