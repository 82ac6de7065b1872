"""The app's Qt-free helpers: progress, schedule forms, file following, errors, exports."""

from __future__ import annotations

import errno
import json

import numpy as np
import pytest

from t2f_desktop.errors import describe_error
from t2f_desktop.follow import TextFollower
from t2f_desktop.progress import RateMeter, ema_smooth, format_count, format_duration, progress_from_record
from t2f_desktop.run_setup import RunForm, build_config, describe_schedule, parse_int_list, reader_dropped


def test_progress_from_a_metrics_record():
    from core.presets import preset

    train = preset("tiny", 16).train  # 3 stages of 2000 images
    record = {"step": 10, "images_seen": 3000, "total_images": 6000, "stage": 1, "stages": 3,
              "alpha": 0.5, "images_per_s": 100.0, "wall_time": 30.0}
    p = progress_from_record(record, train)
    assert (p.stage, p.stages, p.resolution) == (1, 3, 8)
    assert p.stage_progress == pytest.approx(0.5) and p.alpha == pytest.approx(1.0)
    assert p.progress == pytest.approx(0.5) and p.eta == pytest.approx(30.0)
    unknown = progress_from_record(record)
    assert unknown.stage_progress is None and unknown.alpha == 0.5


def test_formatting():
    assert format_duration(None) == "—"
    assert format_duration(42) == "42 s"
    assert format_duration(185) == "3 min 05 s"
    assert format_duration(2 * 3600 + 7 * 60) == "2 h 07 min"
    assert format_count(999) == "999" and format_count(12_345) == "12.3 k" and format_count(2_500_000) == "2.5 M"


def test_smoothing_is_debiased_and_skips_gaps():
    values = [1.0, 1.0, float("nan"), 1.0]
    smoothed = ema_smooth(values, 0.9)
    assert smoothed[0] == pytest.approx(1.0) and np.isnan(smoothed[2]) and smoothed[3] == pytest.approx(1.0)
    np.testing.assert_array_equal(ema_smooth([1.0, 2.0], 0.0), [1.0, 2.0])


def test_rate_meter_ignores_nonsense():
    meter = RateMeter(weight=0.5)
    assert meter.add(100) == 100 and meter.add(0) == 100 and meter.add(200) == 150


def test_schedule_lists():
    assert parse_int_list("1000", 3, "x") == (1000, 1000, 1000)
    assert parse_int_list("1, 2;3", 3, "x") == (1, 2, 3)
    for bad in ("1, 2", "a", "0"):
        with pytest.raises(ValueError):
            parse_int_list(bad, 3, "x")


def test_custom_config_from_the_form():
    config = build_config(RunForm(preset="custom", size="tiny", resolution=16, stage_images="100, 200, 300",
                                  batch_sizes="4", lr=0.002, fade_percent=85, device="cpu", source="synthetic:64",
                                  sample_every=7))
    assert config.model.resolution == 16 and config.train.stage_images == (100, 200, 300)
    assert config.train.batch_sizes == (4, 4, 4) and config.train.fade_fraction == pytest.approx(0.85)
    assert config.train.sample_every == 7 and config.train.device == "cpu"
    assert (config.data.source, config.data.synthetic_count) == ("synthetic", 64)
    folder = build_config(RunForm(preset="default", source="/data/faces"))
    assert folder.data.source == "/data/faces" and folder.model.resolution == 64
    with pytest.raises(ValueError, match="Fade-in"):
        build_config(RunForm(preset="custom", resolution=16, stage_images="1", batch_sizes="1", fade_percent=120))


def test_recommended_preset_is_the_bundled_recipe_and_reads_attributes_only_where_faces_are_labelled():
    from core.presets import preset

    synthetic = build_config(RunForm(preset="bundled", source="synthetic:20000", device="auto"))
    assert synthetic == preset("bundled")  # the form adds nothing the CLI's preset lacks
    assert describe_schedule(synthetic) == ("5 stages, 4×4 → 64×64, 285,000 images in all; "
                                            "before them: matching warm-up (4,000 steps), attribute reader (800 steps)")
    folder = build_config(RunForm(preset="bundled", source="/data/faces"))
    assert (folder.train.reader_steps, folder.train.reader_weight) == (0, 0.0)
    assert folder.train.matching_warmup_steps == 4000 and folder.model == synthetic.model
    assert describe_schedule(folder).endswith("before them: matching warm-up (4,000 steps)")
    assert reader_dropped(RunForm(preset="bundled", source="/data/faces"))
    assert not reader_dropped(RunForm(preset="bundled", source="synthetic:20000"))
    assert not reader_dropped(RunForm(preset="default", source="/data/faces"))  # it never had one
    with pytest.raises(ValueError, match="64×64 only"):
        build_config(RunForm(preset="custom", size="bundled", resolution=32, stage_images="1", batch_sizes="1"))


def test_text_follower_returns_whole_lines(tmp_path):
    path = tmp_path / "log.txt"
    follower = TextFollower(path)
    assert follower.poll() == []
    path.write_text("one\ntw")
    assert follower.poll() == ["one"]
    with open(path, "a") as handle:
        handle.write("o\n")
    assert follower.poll() == ["two"]
    path.write_text("new\n")  # replaced by a shorter file: start over
    assert follower.poll() == ["new"]


def test_error_messages():
    assert describe_error(ValueError("seed must be an integer")) == "seed must be an integer"
    assert "disk is full" in describe_error(OSError(errno.ENOSPC, "No space left", "/x"))
    assert "out of GPU memory" in describe_error(RuntimeError("CUDA out of memory. Tried to allocate"))
    assert describe_error(KeyError("k")) == "KeyError: 'k'"


def test_datasets_report_what_is_missing(tmp_path):
    from t2f_desktop.datasets import is_synthetic, open_source, source_from_config, synthetic_source
    from core.config import DataConfig

    assert synthetic_source(12) == "synthetic:12" and is_synthetic("synthetic:12") and not is_synthetic("/x")
    assert source_from_config(DataConfig(synthetic_count=5)) == "synthetic:5"
    with pytest.raises((FileNotFoundError, ValueError)):
        open_source(str(tmp_path / "missing"), 16)


def test_png_frames_and_timelapse(tmp_path):
    from PIL import Image

    from t2f_desktop.export import save_png_frames, save_timelapse

    frames = np.random.default_rng(0).integers(0, 255, (3, 8, 8, 3), dtype=np.uint8)
    paths = save_png_frames(frames, tmp_path / "f")
    assert [p.name for p in paths] == ["frame_0000.png", "frame_0001.png", "frame_0002.png"]
    assert save_timelapse(paths, tmp_path / "t.gif") == 3
    with Image.open(tmp_path / "t.gif") as gif:
        assert gif.n_frames == 3


def test_corner_grid_shape(tiny_model):
    from core.explore import Endpoint
    from core.model.t2f import T2F

    from core.explore import corner_grid

    model = T2F.load(tiny_model, device="cpu")
    grid = corner_grid(model, Endpoint("a", 1), Endpoint("b", 2), size=4)
    assert grid.shape == (4, 4, 16, 16, 3) and grid.dtype == np.uint8
    with pytest.raises(ValueError):
        corner_grid(model, Endpoint("a", 1), Endpoint("b", 2), size=1)


def test_demo_faces_are_deterministic():
    from tests.app.demo_faces import demo_faces

    a, captions = demo_faces(4, 16, seed=2)
    b, _ = demo_faces(4, 16, seed=2)
    assert a.shape == (4, 16, 16, 3) and np.array_equal(a, b) and "hair" in captions[0][0]


def test_history_keeps_newest_first_without_repeats():
    from t2f_desktop.history import History, HistoryEntry

    history = History()
    history.add(HistoryEntry("a", 1))
    history.add(HistoryEntry("a", 1))
    history.add(HistoryEntry("b", 2))
    assert [e.text for e in history.entries] == ["b", "a"]
    assert HistoryEntry("x" * 100, 3).label(20).endswith("…")
    assert HistoryEntry("", 3).label() == "#3  (no description)"


def test_metrics_records_are_json_lines(tiny_run):
    lines = (tiny_run / "metrics.jsonl").read_text().splitlines()
    assert all(isinstance(json.loads(line), dict) for line in lines)
