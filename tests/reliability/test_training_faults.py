"""Training runs under faults: signals, a corrupt newest checkpoint, options a resume would ignore,
a folder left by a dead run, time-based checkpoints (issue 26)."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.training.checkpoint import list_checkpoints
from core.training.trainer import Trainer
from tests.conftest import make_toy_dataset, tiny_config
from tests.reliability.conftest import REPO


def _tiny_config_file(tmp_path: Path, **train) -> Path:
    """The tiny preset at 16×16 on 64 synthetic faces, as a config file a CLI run can take."""
    config = tiny_config(stage_images=400, batch=8)
    config = config.replace(train=dataclasses.replace(config.train, **train),
                            data=dataclasses.replace(config.data, synthetic_count=64))
    path = tmp_path / "tiny.json"
    config.save(path)
    return path


def _steps(run: Path) -> list[int]:
    return [json.loads(line)["step"] for line in (run / "metrics.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGHUP"])
def test_a_stop_signal_saves_a_checkpoint_and_exits_cleanly(tmp_path, stop):
    run = tmp_path / "run"
    env = dict(os.environ, T2F_CACHE_DIR=str(tmp_path / "cache"))
    child = subprocess.Popen([sys.executable, "-m", "core", "train", "--config", _tiny_config_file(tmp_path),
                              "--run-dir", run, "--quiet"], cwd=REPO, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (run / "metrics.jsonl").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert (run / "metrics.jsonl").exists(), "the run never started"
        child.send_signal(getattr(signal, stop))
        err = child.communicate(timeout=120)[1]
    finally:
        child.kill()
    assert child.returncode == 0, err
    assert f"{stop}: stopping after this step and saving a checkpoint" in err or stop == "SIGHUP"
    saved = list_checkpoints(run / "checkpoints")
    assert saved and int(saved[-1].stem.split("_")[1]) == _steps(run)[-1]  # the checkpoint is the last step


def test_resume_skips_a_corrupt_newest_checkpoint_and_names_it(tmp_path, cli):
    config = _tiny_config_file(tmp_path, checkpoint_every=4, log_every=1)
    run = tmp_path / "run"
    assert cli("train", "--config", config, "--run-dir", run, "--max-steps", "8", "--quiet").code == 0
    newest = list_checkpoints(run / "checkpoints")[-1]
    newest.write_bytes(newest.read_bytes()[:1000])  # cut short, as a full disk would
    (run / "checkpoints" / "step_99999999.safetensors").write_bytes(b"junk")
    outcome = cli("train", "--resume", run, "--max-steps", "10", "--quiet")
    assert outcome.code == 0, outcome.err
    assert "skipped an unreadable checkpoint: step_99999999.safetensors" in outcome.err
    assert f"skipped an unreadable checkpoint: {newest.name}" in outcome.err
    assert "resuming from step_00000004.safetensors" in outcome.err
    steps = _steps(run)
    assert steps == sorted(set(steps)) and steps[-1] == 10  # replayed steps 5–8 logged once


def test_resume_applies_training_options_aloud_and_refuses_the_ones_it_cannot_take(tmp_path, cli):
    run = tmp_path / "run"
    assert cli("train", "--config", _tiny_config_file(tmp_path), "--run-dir", run, "--max-steps", "2",
               "--quiet").code == 0
    for flag, value in (("--data", "elsewhere"), ("--seed", "3"), ("--preset", "tiny"), ("--resolution", "32")):
        cli("train", "--resume", run, flag, value, "--quiet").one_line_error(
            "a resumed run keeps its networks, data and seed", f"drop {flag}")
    outcome = cli("train", "--resume", run, "--lr", "0.0002", "--max-steps", "3", "--quiet")
    assert outcome.code == 0, outcome.err
    assert "resuming with lr 0.0002 (was 0.001)" in outcome.err
    assert json.loads((run / "config.json").read_text())["train"]["lr"] == 0.0002


def test_a_new_run_in_a_folder_with_a_run_is_one_line(tmp_path, cli):
    run = tmp_path / "run"
    assert cli("train", "--config", _tiny_config_file(tmp_path), "--run-dir", run, "--max-steps", "1",
               "--quiet").code == 0
    cli("train", "--config", tmp_path / "tiny.json", "--run-dir", run, "--quiet").one_line_error(
        "already holds a run", "--resume")


def test_a_new_run_sets_aside_what_a_run_killed_before_its_first_checkpoint_left(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.json").write_text("{}")
    (run / "tokenizer.model").write_bytes(b"a tokenizer of other captions")
    (run / "metrics.jsonl").write_text('{"step": 7}\n')
    Trainer(run, tiny_config(stage_images=32, batch=8), make_toy_dataset(32)).train(max_steps=2)
    aside = [p for p in run.iterdir() if p.name.startswith("abandoned-")]
    assert len(aside) == 1 and (aside[0] / "tokenizer.model").read_bytes() == b"a tokenizer of other captions"
    assert _steps(run) == [2] and (run / "tokenizer.model").read_bytes() != b"a tokenizer of other captions"


def test_time_based_checkpoints_reach_into_the_phases_before_the_gan(tmp_path):
    config = tiny_config(stage_images=32, batch=8, matching_warmup_steps=6, matching_warmup_batch=6,
                         checkpoint_minutes=1e-9)
    config = config.replace(train=dataclasses.replace(config.train, checkpoint_every=1000))
    saved = []
    trainer = Trainer(tmp_path / "run", config, make_toy_dataset(32),
                      callbacks=[lambda e: saved.append(e.step) if type(e).__name__ == "CheckpointSaved" else None])
    trainer.train(max_steps=2)
    # A checkpoint after each warm-up step (none of which moves the GAN's step), then each GAN step.
    assert saved.count(0) >= 6 and saved[-2:] == [2, 2]


def test_more_images_for_a_model_still_growing_is_one_line(tmp_path, cli):
    config = tiny_config(stage_images=40, batch=8)
    path = tmp_path / "grow.json"
    config.save(path)
    run = tmp_path / "run"
    Trainer(run, config, make_toy_dataset(32)).train(max_steps=3)  # still at 4×4 of 16×16
    cli("train", "--from-model", run, "--more-images", "100", "--config", path, "--run-dir", tmp_path / "b",
        "--quiet").one_line_error("is at 4×4, not yet its final 16×16", "leave it out")
