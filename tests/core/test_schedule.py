import pytest
import torch
import torch.nn.functional as F

from core.config import TrainConfig
from core.training.sampler import EpochSampler
from core.training.schedule import position, real_images_at, schedule_moves_back

CONFIG = TrainConfig(stage_images=(100, 200, 200), batch_sizes=(16, 8, 4), fade_fraction=0.5)


def test_position_walks_through_stages_and_fades():
    assert position(CONFIG, 0).stage == 0 and position(CONFIG, 0).alpha == 1.0
    assert position(CONFIG, 99).stage == 0
    start = position(CONFIG, 100)
    assert (start.stage, start.alpha, start.batch_size, start.resolution) == (1, 0.0, 8, 8)
    assert position(CONFIG, 150).alpha == pytest.approx(0.5)
    assert position(CONFIG, 200).alpha == 1.0  # fade ends half-way through the stage
    assert position(CONFIG, 250).alpha == 1.0
    assert position(CONFIG, 300).stage == 2 and position(CONFIG, 300).alpha == 0.0
    end = position(CONFIG, 500)
    assert end.finished and end.stage == 2 and end.progress == 1.0


def test_t2f_fade_preset_fraction():
    config = TrainConfig(stage_images=(100, 100), batch_sizes=(4, 4), fade_fraction=0.85)
    assert position(config, 100 + 85).alpha == pytest.approx(1.0)
    assert position(config, 100 + 17).alpha == pytest.approx(0.2)


def test_real_images_are_pooled_and_blended_like_the_generator():
    images = torch.randn(2, 3, 16, 16)
    at8 = F.avg_pool2d(images, 2)
    assert torch.equal(real_images_at(images, 1, 1.0), at8)
    previous = F.interpolate(F.avg_pool2d(at8, 2), scale_factor=2.0, mode="nearest")
    assert torch.equal(real_images_at(images, 1, 0.0), previous)
    torch.testing.assert_close(real_images_at(images, 1, 0.4), 0.4 * at8 + 0.6 * previous)
    assert torch.equal(real_images_at(images, 2, 1.0), images)


def test_sampler_resumes_exactly_and_splits_ranks():
    a = EpochSampler(10, seed=3)
    first = a.take(7)
    state = a.state()
    rest = a.take(9)
    b = EpochSampler(10, seed=3)
    b.load_state(state)
    assert b.take(9) == rest
    assert sorted(first + rest[:3]) == list(range(10))  # one epoch covers every image once
    r0, r1 = EpochSampler(10, 3, 0, 2), EpochSampler(10, 3, 1, 2)
    assert sorted(r0.take(5) + r1.take(5)) == list(range(10))


def test_train_config_validation():
    with pytest.raises(ValueError, match="one entry per stage"):
        TrainConfig(stage_images=(1, 2), batch_sizes=(1,))
    with pytest.raises(ValueError, match="fade_fraction"):
        TrainConfig(stage_images=(1,), batch_sizes=(1,), fade_fraction=1.5)


def test_metrics_follower_reads_whole_lines_only(tmp_path):
    from core.training.rundir import MetricsFollower

    path = tmp_path / "metrics.jsonl"
    follower = MetricsFollower(path)
    assert follower.poll() == []
    path.write_text('{"step": 1}\n{"step": 2')
    assert follower.poll() == [{"step": 1}]
    with open(path, "a") as handle:
        handle.write('}\nnot json\n{"step": 3}\n')
    assert follower.poll() == [{"step": 2}, {"step": 3}] and follower.bad_lines == 1
    assert MetricsFollower(path / "inside-a-file").poll() == []


def test_a_new_schedule_may_not_move_a_resumed_run_back():
    import dataclasses

    def with_stages(*lengths: int) -> TrainConfig:
        return dataclasses.replace(CONFIG, stage_images=lengths)

    # 450 images: 150 into the last stage, whose fade (half of 200) is over.
    assert schedule_moves_back(CONFIG, with_stages(100, 200, 300), 450) is None  # 150/150: still α = 1
    assert schedule_moves_back(CONFIG, CONFIG, 450) is None
    assert schedule_moves_back(CONFIG, with_stages(100, 200, 400), 450) == (
        "the new schedule would re-open the 16×16 fade-in at 450 images (α 1.00 → 0.75); lengthen it to at "
        "most 300 images in one resume (a fade-in lasts 50% of its stage), then resume again to go further")
    assert "put the run back in stage 2 (8×8) from stage 3" in schedule_moves_back(CONFIG, with_stages(100, 400, 200), 450)
    # Mid-fade, any longer stage slows the fade: α would drop.
    assert "change that stage's length once its fade-in is over" in schedule_moves_back(
        CONFIG, with_stages(100, 300, 200), 150)
    assert schedule_moves_back(CONFIG, with_stages(100, 150, 200), 150) is None  # a faster fade is forward


def test_run_log_lines_carry_the_time_they_were_written(tmp_path):
    import time

    from core.training.rundir import RunDir, parse_log_line

    run = RunDir(tmp_path)
    before = time.time()
    run.append_log("warning: step 5: non-finite discriminator loss\n")
    line = run.log.read_text().splitlines()[0]
    when, message = parse_log_line(line)
    assert message == "warning: step 5: non-finite discriminator loss"
    assert before - 1 <= when <= time.time() + 1  # whole seconds
    assert parse_log_line("written by hand") == (None, "written by hand")
    assert parse_log_line("2026-13-45 99:00:00  bad date") == (None, "2026-13-45 99:00:00  bad date")
