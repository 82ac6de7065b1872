"""The monitor's fields tell the run's real state: running, paused, stopped, finished, followed-and-idle."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pytest

from core.config import RunConfig
from core.training.runlock import RunLock
from t2f_desktop.progress import RunState

NOW = 1_800_000_000.0


@pytest.fixture
def run_dir(tmp_path, tiny_run):  # noqa: ANN001, ANN201
    """A run folder written "by another process": the tiny run's config (3 stages of 64 images)."""
    folder = tmp_path / "elsewhere"
    (folder / "samples").mkdir(parents=True)
    shutil.copy(tiny_run / "config.json", folder / "config.json")
    return folder


@pytest.fixture
def monitor(make_window):  # noqa: ANN001, ANN201
    monitor = make_window().train_view.monitor
    monitor.clock = lambda: NOW
    return monitor


def record(images: int, total: int = 192, when: float = NOW, stage: int | None = None) -> dict:
    stage = min(images // 64, 2) if stage is None else stage
    return {"step": images // 8, "images_seen": images, "stage": stage, "stages": 3, "resolution": 4 << stage,
            "alpha": 1.0, "batch_size": 8, "total_images": total, "d_loss": 1.0, "g_loss": -0.5,
            "images_per_s": 10.0, "wall_time": images / 10.0, "time": when}


def write(run_dir, *records) -> None:  # noqa: ANN001
    with open(run_dir / "metrics.jsonl", "a", encoding="utf-8") as handle:
        for r in records:
            handle.write(json.dumps(r) + "\n")


def fields(monitor) -> dict[str, str]:  # noqa: ANN001
    return {key: label.text() for key, label in monitor.status.fields.items()}


def test_a_run_training_elsewhere_is_followed_with_a_time_left(monitor, run_dir):
    lock = RunLock(run_dir)
    lock.acquire()
    try:
        write(run_dir, record(16, when=NOW - 20), record(32, when=NOW - 10))
        monitor.follow(run_dir)
        assert monitor.state is RunState.FOLLOWING
        assert monitor.status.state.text().startswith("Following a run training elsewhere")
        shown = fields(monitor)
        assert shown["speed"] == "10.0 images/s"
        assert "s" in shown["eta"] and "—" not in shown["eta"]
        # The later stages cost more than the 4×4 one, so more than 160 images ÷ 10 images/s is left.
        assert monitor.progress.eta > 16.0
    finally:
        lock.release()


def test_a_run_whose_lock_is_held_but_which_stopped_logging_is_quiet(monitor, run_dir):
    lock = RunLock(run_dir)
    lock.acquire()
    try:
        write(run_dir, record(16, when=NOW - 620), record(32, when=NOW - 600))
        monitor.follow(run_dir)
        assert monitor.state is RunState.QUIET
        assert "no new metrics for 10 min 00 s" in monitor.status.state.text()
        assert fields(monitor)["eta"] == "— (no new metrics)"
        assert fields(monitor)["speed"] == "10.0 images/s (last)"
        write(run_dir, record(48, when=NOW))  # it logs again
        monitor.poll_now()
        assert monitor.state is RunState.FOLLOWING and "—" not in fields(monitor)["eta"]
    finally:
        lock.release()


def test_a_reopened_stopped_run_has_no_time_left(monitor, run_dir):
    """Nobody holds its lock and its schedule is not complete: stopped (or crashed), not training."""
    RunLock(run_dir).acquire()  # a trainer that came and went leaves its lock file behind
    write(run_dir, record(16, when=NOW - 9000), record(80, when=NOW - 8000))
    monitor.follow(run_dir)
    assert monitor.state is RunState.NOT_TRAINING
    assert monitor.status.state.text().startswith("Not training: stopped at step 10")
    assert fields(monitor)["eta"] == "— (not training)"
    assert monitor.status.overall.format().startswith("41.7 %")


def test_a_run_finished_in_a_terminal_stops_saying_following(monitor, run_dir):
    lock = RunLock(run_dir)
    lock.acquire()
    write(run_dir, record(176, when=NOW - 5))
    monitor.follow(run_dir)
    assert monitor.state is RunState.FOLLOWING
    write(run_dir, record(192, when=NOW))
    lock.release()  # the process ends
    monitor.poll_now()
    assert monitor.state is RunState.FINISHED
    assert monitor.status.state.text().startswith("Finished")
    assert fields(monitor)["eta"] == "done"
    assert monitor.status.stage.format() == "100 %"


def test_a_run_stopped_elsewhere_before_its_end_is_not_training_once_its_lock_goes(monitor, run_dir):
    lock = RunLock(run_dir)
    lock.acquire()
    write(run_dir, record(100, when=NOW))
    monitor.follow(run_dir)
    assert monitor.state is RunState.FOLLOWING
    lock.release()
    monitor.poll_now()
    assert monitor.state is RunState.NOT_TRAINING
    assert fields(monitor)["eta"] == "— (not training)"


def test_this_windows_run_shows_what_its_controller_says(monitor, run_dir):
    write(run_dir, record(32))
    monitor.follow(run_dir, own=True)
    monitor.set_run_state(RunState.RUNNING, "Training")
    assert "—" not in fields(monitor)["eta"]
    monitor.set_run_state(RunState.PAUSED, "Paused")
    assert fields(monitor)["eta"].endswith("once resumed")
    monitor.set_run_state(RunState.STOPPING, "Stopping — saving a checkpoint…")
    assert fields(monitor)["eta"] == "— (stopping)"
    monitor.set_run_state(RunState.STOPPED, "Stopped")
    assert fields(monitor)["eta"] == "— (not training)"
    assert fields(monitor)["speed"].endswith("(last)")
    monitor.poll_now()  # its own run is never judged from the folder (no lock here, yet not "not training")
    assert monitor.state is RunState.STOPPED and monitor.status.state.text() == "Stopped"


def test_after_train_longer_the_stage_bar_follows_the_new_schedule(monitor, run_dir):
    """The run's config.json is rewritten with a longer last stage: the monitor reads it again."""
    write(run_dir, record(192, when=NOW))
    monitor.follow(run_dir, own=True)
    assert monitor.status.stage.format() == "100 %"
    config = RunConfig.load(run_dir / "config.json")
    longer = config.replace(train=dataclasses.replace(config.train, stage_images=(64, 64, 128)))
    longer.save(run_dir / "config.json")
    write(run_dir, record(200, total=256, when=NOW))
    monitor.poll_now()
    assert monitor.status.overall.format().startswith("78.1 %")
    assert monitor.status.stage.format() == "56 %"  # 72 of 128 images into the last stage
    assert monitor.status.stage_title.text() == "Stage 3 of 3"


def test_a_record_from_a_newer_schedule_than_the_config_read_shows_no_stage_progress(monitor, run_dir):
    write(run_dir, record(200, total=256, when=NOW))
    monitor.follow(run_dir, own=True)
    assert monitor.status.stage.format() == "—"  # never "100 %" from the old schedule
    assert monitor.status.overall.format().startswith("78.1 %")
