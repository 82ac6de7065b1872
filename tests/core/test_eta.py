"""The remaining-time estimate on simulated runs whose stages cost what they cost on a real CPU."""

from __future__ import annotations

import dataclasses
import random

import pytest

from core.presets import preset
from core.training.eta import EtaEstimator, estimate_remaining, stage_costs
from core.training.schedule import position

#: Seconds per image at each stage, steady and (after the first) during the fade-in, measured with
#: one thread on the 2-core CPU this project is developed on (train_step over each stage of the
#: preset; experiments/eta-cost-model.md). The simulated runs below cost exactly this, times a
#: machine factor, plus noise: the estimator's own cost model never sees these numbers.
MEASURED = {
    "tiny": {(0, False): 0.00466, (1, True): 0.00825, (1, False): 0.00771, (2, True): 0.01292,
             (2, False): 0.01308, (3, True): 0.01954, (3, False): 0.01873},
    "default": {(0, False): 0.0348, (1, True): 0.0595, (1, False): 0.0589, (2, True): 0.0968,
                (2, False): 0.0966, (3, True): 0.1204, (3, False): 0.1323, (4, True): 0.1977,
                (4, False): 0.1981},
    "bundled": {(0, False): 0.01226, (1, True): 0.02329, (1, False): 0.01680, (2, True): 0.02763,
                (2, False): 0.02800, (3, True): 0.03927, (3, False): 0.03685, (4, True): 0.05314,
                (4, False): 0.04975},
}


def simulate(name: str, machine: float, noise: float, seed: int = 0) -> tuple[list[dict], list[float]]:
    """Metrics records of a whole run of preset ``name`` and, for each, the true seconds left after it.

    Every record covers ``log_every`` steps; its speed is the true one times lognormal noise, the first
    record also carries 10 s of start-up (as the trainer's first interval does), and one record in 20
    a sample grid or checkpoint that halves its speed.
    """
    config = preset(name)
    train = config.train
    rng = random.Random(seed)
    records, elapsed = [], []
    seen, step, wall = 0, 0, 0.0
    while seen < train.total_images:
        pos = position(train, seen)
        images = min(pos.batch_size * train.log_every, train.total_images - seen)
        seconds = images * MEASURED[name][(pos.stage, pos.alpha < 1.0)] * machine
        measured = seconds * rng.lognormvariate(0.0, noise)
        if not records:
            measured += 10.0
        elif rng.random() < 0.05:
            measured *= 2
        seen += images
        step += train.log_every
        wall += seconds
        records.append({"step": step, "images_seen": seen, "stage": pos.stage, "alpha": pos.alpha,
                        "batch_size": pos.batch_size, "total_images": train.total_images,
                        "images_per_s": images / measured, "wall_time": wall})
        elapsed.append(wall)
    return records, [elapsed[-1] - t for t in elapsed]


def _estimates(name: str, records: list[dict]) -> list[float | None]:
    config = preset(name)
    estimator = EtaEstimator(config.model, config.train)
    out = []
    for record in records:
        estimator.add(record)
        out.append(estimator.remaining(record["images_seen"]))
    return out


@pytest.mark.parametrize("name", ["tiny", "default", "bundled"])
@pytest.mark.parametrize("machine", [0.3, 1.0, 4.0])
def test_estimate_is_within_a_quarter_from_a_tenth_of_the_images_on(name: str, machine: float) -> None:
    records, truth = simulate(name, machine, noise=0.15, seed=int(machine * 10))
    estimates = _estimates(name, records)
    total = records[-1]["total_images"]
    for fraction in (0.1, 0.25, 0.5, 0.75):
        index = next(i for i, r in enumerate(records) if r["images_seen"] >= fraction * total)
        assert estimates[index] == pytest.approx(truth[index], rel=0.25), (fraction, estimates[index], truth[index])
    # Everywhere after the first tenth (but the last twentieth, where seconds are left): within a third.
    for record, estimate, true in zip(records, estimates, truth):
        if 0.1 * total <= record["images_seen"] and true >= 0.05 * truth[0]:
            assert estimate == pytest.approx(true, rel=1 / 3), (record["images_seen"], estimate, true)


def test_dividing_by_the_current_speed_misses_by_far_more() -> None:
    """The estimate this replaces (images left ÷ current speed) on the same simulated run."""
    records, truth = simulate("default", 1.0, noise=0.0)
    index = next(i for i, r in enumerate(records) if r["images_seen"] >= 0.1 * r["total_images"])
    record = records[index]
    naive = (record["total_images"] - record["images_seen"]) / record["images_per_s"]
    assert naive < 0.5 * truth[index]
    assert estimate_remaining(records[: index + 1], preset("default").model, preset("default").train) == \
        pytest.approx(truth[index], rel=0.25)


def test_a_slower_machine_is_followed_within_a_window_of_records() -> None:
    records, _ = simulate("tiny", 1.0, noise=0.0)
    config = preset("tiny")
    estimator = EtaEstimator(config.model, config.train)
    for record in records[:40]:
        estimator.add(record)
    before = estimator.remaining(records[39]["images_seen"])
    for record in records[40:60]:  # the same stretch of schedule, now three times slower
        estimator.add(dict(record, images_seen=records[39]["images_seen"], images_per_s=record["images_per_s"] / 3))
    assert estimator.remaining(records[39]["images_seen"]) == pytest.approx(3 * before, rel=0.15)


def test_no_speed_no_estimate_and_bad_records_are_ignored() -> None:
    config = preset("tiny")
    estimator = EtaEstimator(config.model, config.train)
    assert estimator.remaining(0) is None
    for bad in ({"images_per_s": 0}, {"images_per_s": float("nan")}, {"images_per_s": "fast"},
                {"images_per_s": 10.0, "stage": 99}):
        estimator.add(bad)
    assert estimator.remaining(0) is None
    estimator.add({"images_per_s": 100.0, "stage": 0, "alpha": 1.0})
    assert estimator.remaining(config.train.total_images) == 0.0
    assert estimator.remaining(0) > config.train.total_images / 100.0  # later stages are slower


def test_every_later_stage_costs_more_and_a_fade_in_a_little_more() -> None:
    for name in ("tiny", "default", "bundled", "t2f-paper"):
        config = preset(name)
        costs = stage_costs(config.model, config.train)
        works = [c.work(False) for c in costs]
        assert works == sorted(works) and len(set(works)) == len(works), name
        assert all(c.work(True) > c.work(False) for c in costs[1:])


def test_wide_networks_are_priced_by_their_multiply_adds() -> None:
    """T2F's own widths (512 up to 32×32) make the higher stages far dearer than the narrow presets'."""
    paper = preset("t2f-paper")
    narrow = dataclasses.replace(paper.model, channels=(32,) * len(paper.model.channels))
    wide_costs = [c.work(False) for c in stage_costs(paper.model, paper.train)]
    narrow_costs = [c.work(False) for c in stage_costs(narrow, paper.train)]
    assert wide_costs[3] / wide_costs[0] > 2 * narrow_costs[3] / narrow_costs[0]
