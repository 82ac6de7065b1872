"""Open run: following metrics.jsonl, samples and log.txt written by another process."""

from __future__ import annotations

import json
import shutil

import pytest


@pytest.fixture
def external_run(tmp_path, tiny_run):  # noqa: ANN001, ANN201
    """A run folder being written "by another process": its config, and no metrics yet."""
    run_dir = tmp_path / "external"
    (run_dir / "samples").mkdir(parents=True)
    shutil.copy(tiny_run / "config.json", run_dir / "config.json")
    return run_dir


def record(step: int, total: int = 192) -> dict:
    return {"step": step, "images_seen": step * 8, "stage": 0, "stages": 3, "resolution": 4, "alpha": 1.0,
            "batch_size": 8, "total_images": total, "d_loss": 1.0 / step, "g_loss": -0.5, "gp": 0.1,
            "drift": 0.01, "kl": 0.2, "images_per_s": 100.0, "wall_time": step * 0.1, "time": 0}


def append(path, *records, partial: str = "") -> None:  # noqa: ANN001
    with open(path, "a", encoding="utf-8") as handle:
        for r in records:
            handle.write(json.dumps(r) + "\n")
        handle.write(partial)


def test_open_run_follows_lines_appended_by_another_writer(make_window, qtbot, external_run, tiny_run):
    window = make_window()
    metrics = external_run / "metrics.jsonl"
    append(metrics, record(1), record(2))
    assert window.open_run(external_run)
    assert window.tabs.currentWidget() is window.train_view
    monitor = window.train_view.monitor
    monitor.follower.set_interval(50)
    qtbot.waitUntil(lambda: monitor.plot.point_count() == 2, timeout=5000)

    half = json.dumps(record(4))
    append(metrics, record(3), partial=half[:20])  # a line still being written
    qtbot.waitUntil(lambda: monitor.plot.point_count() == 3, timeout=5000)
    qtbot.wait(200)
    assert monitor.plot.point_count() == 3, "an incomplete line waits for its newline"
    append(metrics, partial=half[20:] + "\n")
    qtbot.waitUntil(lambda: monitor.plot.point_count() == 4, timeout=5000)
    assert monitor.progress.step == 4 and monitor.progress.images_seen == 32
    assert monitor.status.stage_title.text() == "Stage 1 of 3"

    shutil.copy(next((tiny_run / "samples").glob("*.png")), external_run / "samples" / "00000004.png")
    shutil.copy(tiny_run / "samples" / "captions.txt", external_run / "samples" / "captions.txt")
    qtbot.waitUntil(lambda: len(monitor.samples.samples) == 1, timeout=5000)
    assert monitor.samples.view.image_array() is not None
    assert monitor.samples.caption_list.count() == 8

    with open(external_run / "log.txt", "a", encoding="utf-8") as handle:
        handle.write("warning: step 5: non-finite discriminator loss\n")
        handle.write("2026-11-27 09:41:07  resumed with a changed training config: stage_images\n")
    qtbot.waitUntil(lambda: "stage_images" in monitor.log.toPlainText(), timeout=5000)
    shown = monitor.log.toPlainText().splitlines()
    assert shown[-2].endswith("  warning: step 5: non-finite discriminator loss")  # stamped when read
    assert shown[-1] == "09:41:07  resumed with a changed training config: stage_images"  # when written
    assert window.settings.last_run == str(external_run)
    assert not window.train_view.use_button.isEnabled()  # no model/ yet


def test_open_finished_run_shows_everything(make_window, qtbot, tiny_run, idle):
    window = make_window()
    assert window.open_run(tiny_run)
    monitor = window.train_view.monitor
    assert monitor.plot.point_count() > 0
    monitor.plot.redraw()
    assert len(monitor.plot.smooth["d_loss"].getData()[0]) == monitor.plot.point_count()
    monitor.plot.log_scale.setChecked(True)
    monitor.plot.smoothing.setValue(0)
    assert monitor.samples.samples and monitor.samples.slider.maximum() == len(monitor.samples.samples) - 1
    monitor.samples.slider.setValue(0)
    assert monitor.samples.step_label.text() == f"step {monitor.samples.samples[0][0]}"
    assert monitor.progress.finished
    assert window.train_view.use_button.isEnabled()
    window.train_view.use_button.click()
    qtbot.waitUntil(lambda: window.session.model is not None, timeout=20_000)
    idle(window)


def test_open_run_menu_and_recent_runs(make_window, qtbot, tiny_run, dialog_log, tmp_path):
    window = make_window()
    dialog_log.folder = str(tiny_run)
    window.open_run_action.trigger()
    assert window.train_view.monitor.run_dir == tiny_run
    window.recent_runs_menu.aboutToShow.emit()
    assert window.recent_runs_menu.actions()[0].text() == str(tiny_run)

    empty = tmp_path / "empty"
    empty.mkdir()
    dialog_log.confirm_answer = False
    assert not window.open_run(empty)
    assert not window.open_run(tmp_path / "missing")
    assert dialog_log.errors


def test_guidance_terms_get_curves_only_once_a_run_logs_them(qtbot):
    from t2f_desktop.widgets.loss_plot import LossPlot

    plot = LossPlot()
    qtbot.addWidget(plot)
    basic = ["D loss", "G loss", "Grad. penalty", "KL", "Drift"]
    plot.add_records([record(1), record(2)])
    assert plot.series_names() == basic
    plot.add_records([dict(record(3), reader_loss=0.25, unsaid_diversity=0.16, unsaid_marginal=0.05,
                           unsaid_code=1.2)])
    assert plot.series_names() == basic + ["Attr. reader", "Seed spread", "Unsaid mix", "Unsaid code"]
    plot.redraw()
    assert plot.smooth["reader_loss"].getData()[0].tolist() == [24.0]  # the two earlier points are gaps
    assert len(plot.values["reader_loss"]) == plot.point_count() == 3
    # Drift (logged before its 0.001 weight) starts hidden; every box shows and hides its curve.
    assert [k for k, box in plot.shown.items() if not box.isChecked()] == ["drift"]
    assert not plot.smooth["drift"].isVisible() and plot.smooth["unsaid_diversity"].isVisible()
    plot.shown["drift"].setChecked(True)
    plot.shown["unsaid_diversity"].setChecked(False)
    assert plot.smooth["drift"].isVisible() and plot.raw["drift"].isVisible()
    assert not plot.smooth["unsaid_diversity"].isVisible() and not plot.raw["unsaid_diversity"].isVisible()
    plot.clear()  # the next run shows only its own terms
    assert plot.series_names() == basic and plot.point_count() == 0
    plot.add_records([record(1)])
    assert set(plot.values) == {"d_loss", "g_loss", "gp", "kl", "drift"}
