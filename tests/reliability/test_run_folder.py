"""metrics.jsonl: whole lines or nothing on a full disk, trimmed on resume, and a monitor that
survives whatever is in it (issue 26). The trainer is the CLI's only writer of this file, so these
drive RunDir and the followers directly."""

from __future__ import annotations

import json
import os
import resource
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.disk import DiskFullError
from core.training.rundir import MetricsFollower, RunDir


def _record(step: int, **extra) -> dict:
    return {"step": step, "images_seen": 8 * step, "stage": 0, "stages": 3, "alpha": 1.0, "d_loss": 0.5,
            "images_per_s": 10.0, "wall_time": float(step), "time": 1e9 + step, **extra}


def _steps(path: Path) -> list[int]:
    return [json.loads(line)["step"] for line in path.read_text().splitlines()]


@contextmanager
def _file_size_limit(limit: int):
    """Lower this process's file-size limit for the block (Python ignores SIGXFSZ: writes get EFBIG)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def test_a_metrics_line_that_does_not_fit_is_not_written_at_all(tmp_path):
    run = RunDir(tmp_path)
    for step in (1, 2, 3):
        run.append_metrics(_record(step))
    before = run.metrics.read_bytes()
    with _file_size_limit(len(before) + 20), pytest.raises(DiskFullError) as caught:
        run.append_metrics(_record(4))  # about 150 bytes: cut short at 20
    assert str(caught.value).startswith(f"cannot write {run.metrics}: ")
    assert "\n" not in str(caught.value)
    assert run.metrics.read_bytes() == before
    run.append_metrics(_record(4))  # once there is room, the log goes on whole
    assert _steps(run.metrics) == [1, 2, 3, 4]


def test_a_torn_line_from_a_crash_does_not_swallow_the_next_record(tmp_path):
    run = RunDir(tmp_path)
    run.append_metrics(_record(1))
    with open(run.metrics, "ab") as handle:
        handle.write(b'{"step":2,"images_se')  # killed mid-write
    run.append_metrics(_record(2))
    assert _steps(run.metrics) == [1, 2]


def test_trim_metrics_drops_the_steps_a_resume_will_replay(tmp_path):
    run = RunDir(tmp_path)
    assert run.trim_metrics(5) == 0 and not run.metrics.exists()
    for step in range(1, 11):
        run.append_metrics(_record(step))
    with open(run.metrics, "ab") as handle:
        handle.write(b"not json\n" + b'{"step":11,"ima')
    inode = run.metrics.stat().st_ino
    assert run.trim_metrics(6) == 5  # steps 7..10 and the torn line
    lines = run.metrics.read_text().splitlines()
    assert lines[-1] == "not json"  # kept: it cannot be judged
    assert [json.loads(line)["step"] for line in lines[:-1]] == [1, 2, 3, 4, 5, 6]
    assert run.metrics.stat().st_ino != inode  # replaced in one rename, never rewritten in place
    assert run.trim_metrics(6) == 0


def test_the_follower_skips_wrong_value_types_and_replayed_steps(tmp_path):
    from t2f_desktop.progress import progress_from_record

    run = RunDir(tmp_path)
    follower = MetricsFollower(run.metrics)
    lines = [_record(1), {"step": "x"}, _record(2, images_seen="abc"), _record(3, stage=10**9),
             _record(4, alpha=[1]), {**_record(5), "step": float("nan")}, [1, 2], _record(6, images_per_s=True),
             _record(7)]
    run.metrics.write_text("".join(json.dumps(r) + "\n" for r in lines))
    records = follower.poll()
    assert [r["step"] for r in records] == [1, 7]
    assert follower.bad_lines == 7
    for record in records:
        progress_from_record(record)  # what the app's monitor does with each record
    # a crash-resume that replayed steps 6 and 7 before the log was trimmed:
    with open(run.metrics, "a") as handle:
        handle.write(json.dumps(_record(6)) + "\n" + json.dumps(_record(7)) + "\n" + json.dumps(_record(8)) + "\n")
    assert [r["step"] for r in follower.poll()] == [8]
    assert follower.replayed == 2
    # the file replaced by trim_metrics (a new inode): read again, nothing shown twice
    run.trim_metrics(7)
    run.append_metrics(_record(8))
    run.append_metrics(_record(9))
    assert [r["step"] for r in follower.poll()] == [9]


@pytest.mark.timeout(30)
def test_followers_never_open_a_fifo(tmp_path):
    from t2f_desktop.follow import TextFollower

    run = RunDir(tmp_path)
    os.mkfifo(run.metrics)
    os.mkfifo(run.log)
    assert MetricsFollower(run.metrics).poll() == []
    assert TextFollower(run.log).poll() == []


@pytest.mark.timeout(30)
def test_writers_refuse_a_fifo_in_the_run_folder_at_once(tmp_path):
    from core.output_files import OutputPathError

    run = RunDir(tmp_path)
    os.mkfifo(run.metrics)
    os.mkfifo(run.log)
    with pytest.raises(OutputPathError, match="FIFO"):
        run.append_metrics(_record(1))
    with pytest.raises(OutputPathError, match="FIFO"):
        run.append_log("started")
