"""Render every view offscreen, with real content, to PNG files for the README.

``python -m t2f_desktop.screenshots OUT_DIR`` trains a short run in the Train view (synthetic
faces when the core has them, simple drawn faces otherwise), uses that model — or ``--model`` —
to generate faces and an interpolation, and saves one PNG per view. It runs with its own
throw-away settings, so a person's recent lists and window layout are left alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

PROMPTS = (
    "A smiling young woman with long red hair and green eyes.",
    "An old man with a grey beard and glasses, looking serious.",
    "A young man with short black hair and brown eyes.",
)


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Run the event loop until ``condition()`` holds or ``timeout`` seconds pass."""
    from PySide6.QtCore import QCoreApplication, QThread

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents()
        QThread.msleep(20)
    QCoreApplication.processEvents()
    return True


def settle(seconds: float = 0.3) -> None:
    wait_until(lambda: False, seconds)


def setup_short_run(setup, run_dir: Path) -> None:  # noqa: ANN001 - a TrainSetup
    """Fill the set-up form as a person would for a quick 32×32 run on synthetic faces."""
    setup.synthetic.setChecked(True)
    setup.synthetic_count.setValue(600)
    setup.preset.setCurrentIndex(setup.preset.findData("custom"))
    setup.size.setCurrentIndex(setup.size.findData("tiny"))
    setup.resolution.setCurrentIndex(setup.resolution.findData(32))
    setup.stage_images.setText("3000")
    setup.batch_sizes.setText("16")
    setup.sample_every.setValue(10)
    setup.checkpoint_every.setValue(100)
    setup.device.setCurrentIndex(setup.device.findData("cpu"))
    setup.run_dir.setText(str(run_dir))


class Shooter:
    """Takes the pictures, one view at a time."""

    def __init__(self, out_dir: Path, size: tuple[int, int]) -> None:
        self.out_dir = out_dir
        self.size = size
        self.saved: list[Path] = []

    def shoot(self, widget, name: str) -> Path:  # noqa: ANN001 - a QWidget
        settle(0.4)
        path = self.out_dir / f"{name}.png"
        if not widget.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        self.saved.append(path)
        print(f"  {path}")
        return path


def render_all(out_dir: Path, model: Path | None = None, train_seconds: float = 120.0,
               size: tuple[int, int] = (1360, 860)) -> list[Path]:
    """Produce every screenshot in ``out_dir``; returns the files written."""
    from PySide6.QtWidgets import QMessageBox

    from t2f_desktop.app import create_application
    from t2f_desktop.main_window import MainWindow
    from t2f_desktop.workers.training import TrainingJob

    out_dir.mkdir(parents=True, exist_ok=True)
    create_application()
    shooter = Shooter(out_dir, size)
    work = Path(tempfile.mkdtemp(prefix="t2f-screens-"))

    # An empty window first: what a person sees before any model exists.
    empty = MainWindow(restore_session=False)
    empty.resize(*size)
    empty.show()
    shooter.shoot(empty, "01-empty-state")
    empty.shutdown()
    empty.close()

    window = MainWindow(restore_session=False)
    window.resize(*size)
    window.show()

    # A short training run, set up in the form and watched in the Train view.
    print("training a short run for the monitor…")
    view = window.train_view
    window.tabs.setCurrentWidget(view)
    run_dir = work / "demo-run"
    setup_short_run(view.setup, run_dir)
    config = view.setup.config()
    # A short run needs a short EMA: at the default 0.999 the averaged generator would still be
    # mostly its random start after a few hundred steps.
    config = config.replace(train=dataclasses.replace(config.train, ema_beta=0.98))
    view.start_job(TrainingJob(run_dir, config=config, dataset=view.setup.ready_dataset(32),
                               source=view.setup.source()))
    wait_until(lambda: view.monitor.progress is not None and view.monitor.progress.progress >= 0.7
               or not view.running, train_seconds)
    view.monitor.plot.redraw()
    shooter.shoot(window, "04-train-monitor")
    if not wait_until(lambda: not view.running, train_seconds):
        view.stop()
        wait_until(lambda: not view.running, 120)

    # Generate with the given model, or the one just trained.
    window.session.load(model or run_dir)
    if not wait_until(lambda: window.session.model is not None and not window.runner.busy, 60):
        raise RuntimeError("the model did not load")
    window.model_dock.show()
    generate = window.generate_view
    window.tabs.setCurrentWidget(generate)
    generate.prompt.set_text(PROMPTS[0])
    generate.count.setValue(9)
    generate.seed_box.set_seed(2024)
    generate.seed_box.set_locked(True)
    for prompt in reversed(PROMPTS):
        generate.prompt.set_text(prompt)
        generate.generate()
        wait_until(lambda: not window.runner.busy, 30)
    shooter.shoot(window, "02-generate")
    generate.enlarge(4)
    shooter.shoot(window, "03-generate-enlarged")
    generate.show_grid()
    window.model_dock.hide()

    # Interpolate between two of the descriptions.
    interpolate = window.interpolate_view
    window.tabs.setCurrentWidget(interpolate)
    history = window.history.entries
    interpolate.set_endpoint("A", history[-1])
    # B's seed differs from A's, so the four-corner grid's rows show the noise moving too.
    interpolate.set_endpoint("B", dataclasses.replace(history[0], seed=history[0].seed + 3))
    interpolate.frame_count.setValue(48)
    interpolate.compute()
    wait_until(lambda: not window.runner.busy and interpolate.result is not None, 60)
    interpolate.scrubber.setValue(20)
    shooter.shoot(window, "05-interpolate")
    interpolate.tabs.setCurrentIndex(1)
    interpolate.compute()
    wait_until(lambda: not window.runner.busy and interpolate.grid_images is not None, 60)
    shooter.shoot(window, "06-interpolate-grid")

    # Refine: one face steered by picks and sliders (t2f_desktop.screenshots_refine).
    from t2f_desktop.screenshots_refine import shoot_refine

    shoot_refine(window, shooter, wait_until)

    # The About box.
    box = QMessageBox(QMessageBox.Icon.NoIcon, "About T2F Desktop", window.about_html(), parent=window)
    box.setIconPixmap(window.windowIcon().pixmap(64, 64))
    box.show()
    shooter.shoot(box, "07-about")
    box.close()

    window.shutdown()
    window.close()
    return shooter.saved


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m t2f_desktop.screenshots",
                                     description="Render every view of T2F Desktop to PNG files.")
    parser.add_argument("out_dir", type=Path, help="folder for the PNG files")
    parser.add_argument("--model", type=Path, help="draw with this model instead of the freshly trained one")
    parser.add_argument("--train-seconds", type=float, default=180.0, help="longest the short run may train")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    settings_dir = Path(tempfile.mkdtemp(prefix="t2f-screens-settings-"))
    os.environ["T2F_DESKTOP_SETTINGS"] = str(settings_dir / "settings.ini")
    saved = render_all(args.out_dir, args.model, args.train_seconds)
    print(f"wrote {len(saved)} screenshots to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
