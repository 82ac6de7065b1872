"""Training a run longer: how far one resume may lengthen its last stage, read from the run folder."""

import dataclasses

import pytest

from core.config import TrainConfig
from core.io import ModelFileError
from core.training.checkpoint import checkpoint_images_seen
from core.training.longer import plan_longer_training
from core.training.schedule import longest_last_stage, with_last_stage

CONFIG = TrainConfig(stage_images=(100, 200, 200), batch_sizes=(16, 8, 4), fade_fraction=0.5)


def test_longest_last_stage_keeps_the_fade_in_over():
    assert longest_last_stage(CONFIG, 250) is None  # not in the last stage yet: no limit
    assert longest_last_stage(CONFIG, 350) == 200  # 50 into it, still fading in: it cannot grow
    assert longest_last_stage(CONFIG, 450) == 300  # 150 done: a 300-image stage fades for 150
    assert longest_last_stage(CONFIG, 10_000) == 400  # finished (images past the end count as the end)
    assert longest_last_stage(dataclasses.replace(CONFIG, fade_fraction=0.0), 450) is None
    assert with_last_stage(CONFIG, 300) == dataclasses.replace(CONFIG, stage_images=(100, 200, 300))


def test_plan_for_a_finished_run_reads_its_checkpoint_header(tiny_run):
    plan = plan_longer_training(tiny_run)
    checkpoint = sorted((tiny_run / "checkpoints").glob("step_*.safetensors"))[-1]
    assert plan.images_seen == checkpoint_images_seen(checkpoint) >= 480
    assert (plan.current, plan.longest) == (160, 320)
    assert plan.config_for(300).train.stage_images == (160, 160, 300)
    with pytest.raises(ValueError, match="can grow from 160 to at most 320 images in one resume, not to 400"):
        plan.config_for(400)


def test_plan_refuses_with_reasons(tmp_path, tiny_run):
    with pytest.raises(ValueError, match="is not a run folder"):
        plan_longer_training(tmp_path)
    not_a_checkpoint = tmp_path / "step_00000001.safetensors"
    not_a_checkpoint.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00" + b'{"a": "b"}      ')
    with pytest.raises(ModelFileError, match="checkpoint metadata is unreadable"):
        checkpoint_images_seen(not_a_checkpoint)
    not_a_checkpoint.write_bytes(b"garbage!garbage")
    with pytest.raises(ModelFileError, match="not a safetensors file"):
        checkpoint_images_seen(not_a_checkpoint)
