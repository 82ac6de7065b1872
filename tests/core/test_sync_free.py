"""The sync-free step (core.training.syncfree): nothing is read back from the device between two
metrics lines, a non-finite loss is skipped on the device, and ``max_bad_steps`` still stops a run.

The CPU has no separate device, so reads are counted on the tensors that would live on one: a
``TorchFunctionMode`` marks the networks' parameters, buffers and optimizer state, every tensor a
``.to(device)`` call or a factory with ``device=`` makes, and whatever is computed from a marked
tensor (or carries an autograd graph); then it counts ``.item()``, ``.tolist()``, ``.numpy()``,
``.cpu()``, ``bool()``, ``int()``, ``float()`` and boolean-mask indexing of marked tensors — on
CUDA each of those waits for the device. Host-side work (the tokenizer, the sampler, the CPU
random draws) reads only unmarked tensors, as it does on a GPU machine.
"""

from __future__ import annotations

import dataclasses
import traceback

import pytest
import torch
from torch.overrides import TorchFunctionMode

from core.training.events import TrainingWarning
from core.training.trainer import Trainer
from tests.conftest import make_toy_dataset, tiny_config

READS = {"item", "tolist", "numpy", "cpu", "__bool__", "__int__", "__float__", "__index__", "__array__",
         "__repr__", "__format__", "nonzero", "masked_select", "unique"}
MARK = "_t2f_on_device"


def _tensors(args, kwargs):  # noqa: ANN001, ANN202
    found = []
    for value in (*args, *(kwargs or {}).values()):
        if isinstance(value, torch.Tensor):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            found += [v for v in value if isinstance(v, torch.Tensor)]
    return found


def _marked(t: torch.Tensor) -> bool:
    return getattr(t, MARK, False) or t.grad_fn is not None


class DeviceReads(TorchFunctionMode):
    """Counts host reads of (would-be) device tensors while active; ``reads`` holds where each happened."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[str] = []

    @staticmethod
    def mark(*tensors: torch.Tensor) -> None:
        for t in tensors:
            setattr(t, MARK, True)

    @staticmethod
    def _where() -> str:
        frames = traceback.extract_stack(limit=5)[-5:-2]
        return " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in frames)

    def __torch_function__(self, func, types, args=(), kwargs=None):  # noqa: ANN001, ANN204
        name = getattr(func, "__name__", "")
        inputs = _tensors(args, kwargs)
        on_device = any(_marked(t) for t in inputs)
        if name in READS and inputs and _marked(inputs[0]):
            frames = traceback.extract_stack(limit=6)[-6:-1]
            self.reads.append(name + " at " + " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}"
                                                         for f in frames))
        elif name == "repeat_interleave" and len(inputs) > 1 and _marked(inputs[0]):  # tensor repeats: a sync
            self.reads.append("repeat_interleave by a device tensor")
        elif name == "__getitem__" and any(t.dtype == torch.bool and _marked(t) for t in inputs[1:]):
            self.reads.append("boolean-mask index on the device at " + " < ".join(
                f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in traceback.extract_stack(limit=4)[-4:-1]))
        result = func(*args, **(kwargs or {}))
        targets = (*args[1:], *(kwargs or {}).values())
        moved = name in ("to", "cuda") and any(isinstance(a, (torch.device, str)) for a in targets)
        if moved and inputs and not _marked(inputs[0]) and not (kwargs or {}).get("non_blocking"):
            # A blocking copy to a GPU waits for the device's queue to drain (cudaStreamSynchronize).
            self.reads.append("blocking copy to the device at " + self._where())
        elif name in ("tensor", "as_tensor") and (kwargs or {}).get("device") is not None:
            self.reads.append("tensor made from host data on the device at " + self._where())
        if moved and inputs and result is inputs[0]:  # on the CPU ``.to(device)`` returns the host tensor itself
            result = result.view_as(result)  # on a GPU it is a copy: mark the copy, never the host tensor
        made_there = (kwargs or {}).get("device") is not None
        if name != "cpu" and (on_device or moved or made_there):
            for out in (result if isinstance(result, (list, tuple)) else (result,)):
                if isinstance(out, torch.Tensor):
                    try:
                        setattr(out, MARK, True)
                    except (AttributeError, RuntimeError):
                        pass
        return result


def mark_trainer(trainer: Trainer) -> None:
    """The trainer's device state: networks, optimizer state, the bad-step counters."""
    for module in (trainer.model, trainer.ema, trainer.discriminator, trainer.reader):
        if module is not None:
            DeviceReads.mark(*module.parameters(), *module.buffers())
    for optimizer in (trainer.opt_g, trainer.opt_d):
        for state in optimizer.state.values():
            DeviceReads.mark(*(v for v in state.values() if isinstance(v, torch.Tensor)))
    if trainer.guard is not None:
        DeviceReads.mark(trainer.guard.run, trainer.guard.worst, trainer.guard.skipped)


def count_reads(trainer: Trainer, steps: int) -> list[str]:
    """Train ``steps`` steps (none of them at a metrics line, sample or checkpoint) counting reads."""
    reads = DeviceReads()
    original = trainer.train_step

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        mark_trainer(trainer)  # state created lazily (Adam's moments) is marked from the first step on
        with reads:
            return original(*args, **kwargs)

    trainer.train_step = counted
    finished = trainer.train(max_steps=trainer.step + steps)
    assert finished.reason == "max_steps", finished.message
    return reads.reads


def _quiet(config, **train):  # noqa: ANN001, ANN003, ANN202
    """Metrics once per 50 steps; no samples or checkpoints in between."""
    return config.replace(train=dataclasses.replace(config.train, log_every=50, sample_every=1000,
                                                    checkpoint_every=1000, checkpoint_minutes=0.0,
                                                    stage_images=(100_000,) * config.model.depths, **train))


def bundled_like(**train):  # noqa: ANN003, ANN202
    """Contrastive matching with near misses and the generator's matching term, the attribute
    reader and every unsaid term, mode seeking: the bundled recipe's parts at toy sizes."""
    config = tiny_config(mismatch_loss="contrastive", mismatch_weight=2.0, generator_matching_weight=0.5,
                         matching_warmup_steps=2, near_miss_captions=2, reader_steps=2, reader_weight=1.0,
                         reader_batch=6, reader_width=4, mode_seeking_weight=0.5, unsaid_diversity_weight=1.0,
                         unsaid_marginal_weight=1.0, unsaid_code_weight=1.0, gp_every=4)
    config = config.replace(model=dataclasses.replace(config.model, noise_dim=32))
    return _quiet(config, **train)


@pytest.fixture(scope="module")
def synthetic_faces():
    from core.data.synthetic.dataset import SyntheticFaces

    return SyntheticFaces(48, resolution=16, seed=3)


def test_sync_free_steps_read_nothing_back_between_metrics_lines(tmp_path):
    trainer = Trainer(tmp_path / "run", _quiet(tiny_config(), sync_free="on"), make_toy_dataset(32))
    assert trainer.sync_free and trainer.opt_d.defaults["fused"]
    reads = count_reads(trainer, 50)
    assert reads == []
    metrics = trainer.run.metrics.read_text().splitlines()
    assert len(metrics) == 1 and '"step":50,' in metrics[0]


def test_bundled_like_sync_free_steps_read_nothing_back(tmp_path, synthetic_faces):
    trainer = Trainer(tmp_path / "run", bundled_like(sync_free="on"), synthetic_faces)
    assert trainer.objective.unsaid is not None and len(trainer.objective.terms) == 7
    reads = count_reads(trainer, 50)
    assert reads == []
    logged = trainer.run.metrics.read_text()
    for key in ("g_matching", "reader_loss", "unsaid_code", "unsaid_marginal", "unsaid_diversity", "mismatch_score"):
        assert f'"{key}"' in logged


def test_the_counter_tells_device_reads_from_host_reads():
    host = torch.tensor([1.0, -1.0])
    with DeviceReads() as reads:
        device = host.to(torch.device("cpu"), non_blocking=True)
        host.tolist(), bool(host.any()), host[host > 0]  # host work: free
        device[device > 0], bool(device.any()), (device * 2).sum().item(), device.cpu()
        host.to(torch.device("cpu"))  # a blocking copy to a GPU waits for its queue
    assert [r.split(" ")[0] for r in reads.reads] == ["boolean-mask", "__bool__", "item", "cpu", "blocking"]


def test_the_counter_sees_the_reference_path_read_every_step(tmp_path):
    """The counter itself works: the reference path checks each loss on the host, twice a step."""
    trainer = Trainer(tmp_path / "run", _quiet(tiny_config(), sync_free="off"), make_toy_dataset(32))
    reads = count_reads(trainer, 3)
    assert sum(r.startswith("item") and "_finite" in r for r in reads) == 6


def _state(trainer: Trainer) -> list[torch.Tensor]:
    networks = (trainer.model, trainer.ema, trainer.discriminator)
    tensors = [t.detach().clone() for m in networks for t in m.state_dict().values()]
    for optimizer in (trainer.opt_g, trainer.opt_d):
        for state in optimizer.state.values():
            tensors += [v.detach().clone() for v in state.values()]
    return tensors


def test_a_non_finite_loss_is_skipped_on_the_device(tmp_path, monkeypatch):
    import core.training.objective as objective

    trainer = Trainer(tmp_path / "run", _quiet(tiny_config(), sync_free="on"), make_toy_dataset(32))
    trainer.train(max_steps=3)
    before = _state(trainer)
    real_drift = objective.drift_penalty
    monkeypatch.setattr(objective, "drift_penalty", lambda scores: real_drift(scores) * float("nan"))
    pos = trainer.position
    trainer.train_step(pos)  # the critic's loss is NaN: neither network, nor the EMA, nor Adam moves
    assert trainer.objective.bad.item() == 1.0
    after = _state(trainer)
    assert len(after) == len(before) and all(torch.equal(a, b) for a, b in zip(before, after))
    monkeypatch.setattr(objective, "drift_penalty", real_drift)
    trainer.train_step(pos)
    assert trainer.objective.bad.item() == 0.0
    assert not all(torch.equal(a, b) for a, b in zip(before, _state(trainer)))
    assert trainer.guard.read() == (0, 1, 1)  # none in a row now, a run of one, one skipped


def test_max_bad_steps_still_stops_a_sync_free_run(tmp_path):
    dataset = make_toy_dataset(32)
    config = tiny_config(stage_images=10_000, max_bad_steps=3, sync_free="on")  # metrics every 2 steps
    trainer = Trainer(tmp_path / "run", config, dataset)
    trainer.train(max_steps=4)
    good = trainer.run.latest_checkpoint()
    good_bytes = good.read_bytes()
    weights = _state(trainer)
    original = dataset.images
    dataset.images = lambda idx: original(idx) * float("nan")
    events = []
    trainer.add_callback(events.append)
    finished = trainer.train(max_steps=100)
    assert finished.reason == "failed"
    assert "4 consecutive non-finite steps (last good checkpoint kept); try a lower learning rate" in finished.message
    assert finished.step == 8  # found at the second metrics line after the poison
    assert all(torch.equal(a, b) for a, b in zip(weights, _state(trainer)))
    assert trainer.run.latest_checkpoint() == good and good.read_bytes() == good_bytes
    warnings = [e.message for e in events if isinstance(e, TrainingWarning)]
    assert sum("non-finite loss skipped" in w for w in warnings) == 2


def test_sync_free_trains_like_the_reference_path(tmp_path):
    """Same batches and noise; fused Adam rounds differently from the reference's, nothing else."""
    runs = {}
    for mode in ("off", "on"):
        trainer = Trainer(tmp_path / mode, tiny_config(sync_free=mode, gp_every=2), make_toy_dataset(32))
        trainer.train(max_steps=6)
        runs[mode] = trainer
    for name in ("model", "ema", "discriminator"):
        ours, reference = getattr(runs["on"], name).state_dict(), getattr(runs["off"], name).state_dict()
        for key in reference:
            torch.testing.assert_close(ours[key], reference[key], rtol=1e-3, atol=1e-4, msg=f"{name}.{key}")
