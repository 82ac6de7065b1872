"""The trainer: an end-to-end tiny run, exact resume, faults, and control from another thread."""

import dataclasses
import json
import math
import threading

import numpy as np
import pytest
import torch

from core.config import RunConfig
from core.devices import cpu_has_native_bf16
from core.model.t2f import T2F
from core.text.lexicon import caption_words
from core.training.events import CheckpointSaved, PhaseProgress, StepMetrics, TrainingFinished, TrainingWarning
from core.training.trainer import Trainer
from tests.conftest import make_toy_dataset, tiny_config

def _is_phase(event: object, phase: str) -> bool:
    """Whether ``event`` reports progress of the pre-GAN ``phase``."""
    return isinstance(event, PhaseProgress) and event.phase == phase



def test_tiny_run_writes_the_run_folder_contract(tiny_run):
    config = RunConfig.load(tiny_run / "config.json")
    lines = [json.loads(line) for line in (tiny_run / "metrics.jsonl").read_text().splitlines()]
    assert lines, "no metrics were logged"
    keys = {"step", "images_seen", "stage", "resolution", "alpha", "d_loss", "g_loss", "gp", "drift", "kl",
            "images_per_s", "wall_time"}
    assert keys <= set().union(*lines)
    assert all(math.isfinite(v) for line in lines for v in line.values() if isinstance(v, float))
    assert [line["resolution"] for line in lines][-1] == 16
    assert lines[-1]["images_seen"] <= config.train.total_images
    samples = sorted((tiny_run / "samples").glob("*.png"))
    assert samples and (tiny_run / "samples" / "captions.txt").read_text().count("\n") == config.train.sample_count
    assert len(list((tiny_run / "checkpoints").iterdir())) <= config.train.keep_checkpoints
    model = T2F.load(tiny_run)
    assert model.info.resolution == 16 and model.info.images_seen >= config.train.total_images
    # The exported model knows its training captions' words (what the word reader reads others as).
    assert model.known_words == caption_words(make_toy_dataset().all_captions())
    assert (tiny_run / "model" / "known_words.txt").read_text().split() == sorted(model.known_words)


def _states(trainer):
    out = {}
    for name, module in (("model", trainer.model), ("ema", trainer.ema), ("disc", trainer.discriminator)):
        out.update({f"{name}.{k}": v.clone() for k, v in module.state_dict().items()})
    return out


def test_resumed_run_matches_an_uninterrupted_one(tmp_path):
    dataset = make_toy_dataset(40)
    config = tiny_config(stage_images=48, batch=8)  # 6 steps per stage, crossing stage boundaries
    whole = Trainer(tmp_path / "whole", config, dataset)
    whole.train(max_steps=14)

    first = Trainer(tmp_path / "split", config, dataset)
    assert first.train(max_steps=8).reason == "max_steps"  # mid-stage, during a fade-in
    second = Trainer(tmp_path / "split", resume=True, dataset=dataset)
    assert (second.step, second.images_seen) == (8, 64)
    assert 0 < second.position.alpha < 1  # stopped during a fade-in
    second.train(max_steps=14)

    a, b = _states(whole), _states(second)
    assert a.keys() == b.keys()
    different = [k for k in a if not torch.equal(a[k], b[k])]
    assert not different, f"resumed run differs in {different[:5]}"
    assert whole.opt_g.state_dict()["state"][0]["exp_avg"].equal(second.opt_g.state_dict()["state"][0]["exp_avg"])


def test_stop_and_pause_from_another_thread(tmp_path):
    dataset = make_toy_dataset(32)
    events = []
    trainer = Trainer(tmp_path / "run", tiny_config(stage_images=10_000), dataset, callbacks=[events.append])
    result: list[TrainingFinished] = []
    thread = threading.Thread(target=lambda: result.append(trainer.train()))
    thread.start()
    while trainer.step < 3:
        thread.join(0.01)
    trainer.pause()
    thread.join(0.3)
    paused_at = trainer.step
    thread.join(0.3)
    assert trainer.step <= paused_at + 1 and trainer.paused
    trainer.resume()
    while trainer.step < paused_at + 3:
        thread.join(0.01)
    trainer.request_stop()
    thread.join(30)
    assert not thread.is_alive()
    assert result[0].reason == "stopped"
    saved = [e for e in events if isinstance(e, CheckpointSaved)]
    assert saved and saved[-1].step == result[0].step and saved[-1].path.exists()
    assert any(isinstance(e, StepMetrics) for e in events)


def test_non_finite_steps_are_skipped_then_training_stops_with_checkpoint_intact(tmp_path):
    dataset = make_toy_dataset(32)
    config = tiny_config(stage_images=10_000, max_bad_steps=3)
    trainer = Trainer(tmp_path / "run", config, dataset)
    trainer.train(max_steps=4)
    good = trainer.run.latest_checkpoint()
    good_bytes = good.read_bytes()
    # Poison the data: every loss becomes NaN from now on.
    dataset._images[:] = 0
    original = dataset.images
    dataset.images = lambda idx: original(idx) * float("nan")
    events = []
    trainer.add_callback(events.append)
    finished = trainer.train(max_steps=100)
    assert finished.reason == "failed" and "3 consecutive non-finite steps" in finished.message
    warnings = [e.message for e in events if isinstance(e, TrainingWarning)]
    assert sum("step skipped" in w for w in warnings) == 3
    assert trainer.run.latest_checkpoint() == good and good.read_bytes() == good_bytes
    assert "non-finite" in (trainer.run.root / "log.txt").read_text()


def test_new_run_refuses_a_folder_with_a_run(tiny_run, toy_dataset):
    with pytest.raises(FileExistsError, match="already holds a run"):
        Trainer(tiny_run, tiny_config(), toy_dataset)


def test_unwritable_run_folder_is_a_clear_error(tmp_path, toy_dataset):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(PermissionError, match="not writable"):
        Trainer(blocker / "run", tiny_config(), toy_dataset)


def test_sample_grids_use_fixed_captions_and_noise(tiny_run, toy_dataset):
    trainer = Trainer(tiny_run, resume=True, dataset=toy_dataset)
    a = trainer.sample_images()
    b = trainer.sample_images()
    assert torch.equal(a, b)
    assert trainer.sample_captions == (tiny_run / "samples" / "captions.txt").read_text().splitlines()
    assert np.isfinite(a.numpy()).all()


def test_ema_ramps_up_to_its_target():
    from core.training.trainer import ema_beta

    assert ema_beta(0.999, 0) == 0.1
    assert ema_beta(0.999, 90) == pytest.approx(0.91)
    assert ema_beta(0.999, 100_000) == 0.999


def test_last_metrics_line_reaches_the_end_of_the_run(tiny_run):
    last = json.loads((tiny_run / "metrics.jsonl").read_text().splitlines()[-1])
    config = RunConfig.load(tiny_run / "config.json")
    assert last["images_seen"] >= config.train.total_images


@pytest.mark.parametrize("generator_weight", [0.0, 1.0])
def test_contrastive_matching_runs_and_logs_wrong_caption_scores(tmp_path, generator_weight):
    config = tiny_config(stage_images=32, batch=8, mismatch_loss="contrastive",
                         generator_matching_weight=generator_weight)
    trainer = Trainer(tmp_path / "run", config, make_toy_dataset(40))
    trainer.train(max_steps=6)
    lines = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert lines and all(math.isfinite(line["d_loss"]) and "mismatch_score" in line for line in lines)


def test_unknown_mismatch_loss_is_refused_by_name():
    with pytest.raises(ValueError, match="hinge, sum, average, contrastive.*'cosine'"):
        tiny_config(mismatch_loss="cosine")


def test_matching_warm_up_runs_once_and_hands_its_text_encoder_to_the_generator(tmp_path):
    config = tiny_config(stage_images=32, batch=8, matching_warmup_steps=25, matching_warmup_batch=6)
    seen = []
    trainer = Trainer(tmp_path / "run", config, make_toy_dataset(40), callbacks=[seen.append])
    trainer.train(max_steps=2)
    warmups = [e for e in seen if _is_phase(e, "matching_warmup")]
    # One event per tenth of the warm-up (every 2 steps here) and one at the end, whatever log_every is.
    assert [(e.step, e.steps) for e in warmups] == [(s, 25) for s in range(2, 25, 2)] + [(25, 25)]
    assert all(math.isfinite(e.loss) for e in warmups)
    resumed = Trainer(tmp_path / "run", resume=True, dataset=make_toy_dataset(40), callbacks=[seen.append])
    assert resumed.progress.warmup_step == 25
    count = len([e for e in seen if _is_phase(e, "matching_warmup")])
    resumed.train(max_steps=3)
    assert len([e for e in seen if _is_phase(e, "matching_warmup")]) == count  # not repeated


def test_generator_text_encoder_starts_as_the_warmed_up_critics(tmp_path):
    config = tiny_config(stage_images=32, batch=8, matching_warmup_steps=3, matching_warmup_batch=6)
    trainer = Trainer(tmp_path / "run", config, make_toy_dataset(40))
    trainer.train(max_steps=0)  # the warm-up only
    critic = trainer.discriminator.text_encoder.state_dict()
    for copy in (trainer.model.text_encoder.state_dict(), trainer.ema.text_encoder.state_dict()):
        assert all(torch.equal(critic[k], copy[k]) for k in critic)


def test_one_generator_forward_feeds_the_critic_step_and_the_generator_step(tmp_path, monkeypatch):
    # The critic's update cannot change the generator (disjoint optimizers, no running statistics),
    # so the generator step scores the very faces the critic saw: drawn once, with their graph.
    trainer = Trainer(tmp_path / "run", tiny_config(stage_images=32, batch=8), make_toy_dataset(40))
    trainer.train(max_steps=0)  # warm-ups
    critic_params = {id(p) for group in trainer.opt_d.param_groups for p in group["params"]}
    assert critic_params.isdisjoint(id(p) for p in trainer.model.parameters())
    assert not any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in trainer.model.modules())

    drawn, scored = [], []
    trainer.model.generator.register_forward_hook(lambda module, args, out: drawn.append(out))
    features = trainer.discriminator.features
    monkeypatch.setattr(trainer.discriminator, "features",
                        lambda images, *rest: scored.append(images) or features(images, *rest))

    assert trainer.train_step(trainer.position) is not None
    assert len(drawn) == 1 and drawn[0].requires_grad
    face = drawn[0]
    critic_saw = [x for x in scored if x is not face and x.shape == face.shape and torch.equal(x, face)]
    assert len(critic_saw) == 1 and not critic_saw[0].requires_grad  # the critic step: detached
    assert sum(x is face for x in scored) == 1  # the generator step: the same tensor, graph and all

    drawn.clear()
    trainer.train_step(trainer.position, train_generator=False)  # a critic-only step keeps no graph
    assert len(drawn) == 1 and not drawn[0].requires_grad


def test_fp16_grad_scaler_steps_the_unscaled_warm_up_and_the_scaled_gan_steps(tmp_path):
    # mixed_precision "fp16" builds an enabled GradScaler on CUDA; the CPU one is the same logic.
    # The fp32 matching warm-up never scales its loss, and a scaler refuses to step an optimizer
    # it did not scale ("_scale is None": seen on an H200 before the fix).
    config = tiny_config(stage_images=32, batch=8, matching_warmup_steps=3, matching_warmup_batch=6)
    trainer = Trainer(tmp_path / "run", config, make_toy_dataset(40))
    trainer.scaler = torch.amp.GradScaler("cpu", init_scale=2.0**10)
    finished = trainer.train(max_steps=3)
    assert (finished.reason, trainer.progress.warmup_step, trainer.step) == ("max_steps", 3, 3)
    assert trainer.progress.bad_steps == 0
    assert trainer.scaler.get_scale() == 2.0**10  # finite gradients: the scale never backed off


@pytest.mark.skipif(not cpu_has_native_bf16(), reason="this CPU has no hardware bfloat16")
def test_bf16_autocast_on_the_cpu_steps_close_to_float32(tmp_path):
    # Same seed, same batch: one GAN step in float32 and one under bf16 autocast. bf16 keeps ~3
    # significant digits, so the losses agree to a few per cent but not exactly (autocast ran).
    steps = {}
    for setting in ("off", "bf16"):
        trainer = Trainer(tmp_path / setting, tiny_config(stage_images=32, batch=8, mixed_precision=setting),
                          make_toy_dataset(40))
        assert trainer.amp_dtype == (torch.bfloat16 if setting == "bf16" else None)
        trainer.train(max_steps=0)  # warm-up and reader, in float32 both times
        steps[setting] = (trainer.train_step(trainer.position), trainer.model)
    (exact, exact_model), (mixed, mixed_model) = steps["off"], steps["bf16"]
    assert exact.keys() == mixed.keys()
    assert exact != mixed
    for name in ("d_loss", "g_loss", "real_score", "fake_score", "kl"):
        assert mixed[name] == pytest.approx(exact[name], rel=0.05, abs=0.05), name
    for (name, a), b in zip(exact_model.state_dict().items(), mixed_model.state_dict().values()):
        assert a.dtype == b.dtype == torch.float32, name  # weights stay float32; only the math is bf16
        assert torch.allclose(a, b, rtol=0.02, atol=2e-3), name


@pytest.mark.parametrize(("setting", "native_bf16", "reason"), [
    ("bf16", False, "this CPU does not compute bfloat16 in hardware (no AVX-512 BF16 or AMX)"),
    ("fp16", False, "fp16 autocast runs on CUDA only, not on cpu"),
    ("fp16", True, "fp16 autocast runs on CUDA only, not on cpu"),  # not blamed on a missing bf16
])
def test_mixed_precision_this_cpu_cannot_run_warns_and_trains_in_float32(tmp_path, monkeypatch, setting,
                                                                          native_bf16, reason):
    import core.devices

    monkeypatch.setattr(core.devices, "cpu_has_native_bf16", lambda: native_bf16)
    seen = []
    trainer = Trainer(tmp_path / "run", tiny_config(stage_images=32, batch=8, mixed_precision=setting),
                      make_toy_dataset(40), callbacks=[seen.append])
    assert trainer.amp_dtype is None
    assert trainer.train(max_steps=1).reason == "max_steps"
    warnings = [e.message for e in seen if isinstance(e, TrainingWarning)]
    assert f"mixed precision {setting} is not available: {reason}; training in float32" in warnings, warnings


def test_a_procedural_dataset_is_prerendered_before_the_first_step(tmp_path):
    calls = []
    data = make_toy_dataset(40)
    data.prerender = lambda workers, should_stop: calls.append((workers, should_stop())) or True
    trainer = Trainer(tmp_path / "run", tiny_config(stage_images=32, batch=8), data)
    assert trainer.train(max_steps=1).reason == "max_steps"
    assert len(calls) == 1 and calls[0][0] >= 1 and calls[0][1] is False
    stopped = make_toy_dataset(40)
    stopped.prerender = lambda workers, should_stop: False  # a stop asked for while drawing
    halted = Trainer(tmp_path / "run2", tiny_config(stage_images=32, batch=8), stopped)
    assert (halted.train().reason, halted.step) == ("stopped", 0)


def test_a_stop_during_the_warm_up_resumes_where_it_left_off(tmp_path):
    config = tiny_config(stage_images=32, batch=8, matching_warmup_steps=50, matching_warmup_batch=6)
    trainer = Trainer(tmp_path / "run", config, make_toy_dataset(40))

    def stop_at_step_ten(event):  # events come every tenth: steps 5, 10, …
        if _is_phase(event, "matching_warmup") and event.step == 10:
            trainer.request_stop()

    trainer.add_callback(stop_at_step_ten)
    assert trainer.train().reason == "stopped"
    assert (trainer.progress.warmup_step, trainer.step) == (10, 0)
    resumed = Trainer(tmp_path / "run", resume=True, dataset=make_toy_dataset(40))
    assert resumed.progress.warmup_step == 10


def test_matching_warm_up_learns_which_caption_fits_which_picture(tmp_path):
    # Toy pictures differ by colour and shape, named in the caption: the contrastive loss must fall
    # well below its value at random (log of the number of distinct captions in a batch).
    config = tiny_config(stage_images=32, batch=8, matching_warmup_steps=120, matching_warmup_batch=16)
    seen = []
    trainer = Trainer(tmp_path / "run", config, make_toy_dataset(256), callbacks=[seen.append])
    trainer.train(max_steps=0)
    losses = [e.loss for e in seen if _is_phase(e, "matching_warmup")]
    assert losses[0] > 1.5
    assert sum(losses[-5:]) / 5 < 0.6 * losses[0], losses


def test_near_misses_reach_the_warm_up_and_the_contrastive_term_and_resume_alike(tmp_path):
    from core.data.synthetic import SyntheticFaces

    faces = SyntheticFaces(48, resolution=16)
    config = tiny_config(stage_images=32, batch=8, mismatch_loss="contrastive", near_miss_captions=2,
                         matching_warmup_steps=4, matching_warmup_batch=6, empty_caption_prob=0.3)
    trainer = Trainer(tmp_path / "run", config, faces)
    batch = trainer.batches.take(8)
    near = batch.near_misses
    assert near.allowed.shape == (8, 2) and near.ids.shape[0] == 16
    # An image trained on the empty caption gets no near miss; every other image gets both.
    assert near.allowed.tolist() == [[bool(caption)] * 2 for caption in batch.captions]
    trainer.train(max_steps=3)
    lines = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert lines and all(math.isfinite(line["d_loss"]) for line in lines)
    resumed = Trainer(tmp_path / "run", resume=True, dataset=faces)
    again = resumed.batches.take(8)
    trainer_next = trainer.batches.take(8)
    assert again.captions == trainer_next.captions
    assert torch.equal(again.near_misses.ids, trainer_next.near_misses.ids)


def test_near_misses_are_off_unless_asked_for(tmp_path):
    from core.data.synthetic import SyntheticFaces

    trainer = Trainer(tmp_path / "run", tiny_config(stage_images=32, batch=8), SyntheticFaces(16, resolution=16))
    assert trainer.batches.take(4).near_misses is None
    with pytest.raises(ValueError, match="near_miss_captions must be 0 or more, got -1"):
        tiny_config(near_miss_captions=-1)


def test_a_finished_run_resumes_under_a_longer_schedule_but_keeps_its_model(tmp_path):
    import dataclasses

    config = tiny_config(stage_images=16, batch=8)
    trainer = Trainer(tmp_path / "run", config, make_toy_dataset(40))
    assert trainer.train().reason == "completed"
    # Fades last half a stage: the 16 images done in the last stage allow it to grow to 32, no more.
    too_long = config.replace(train=dataclasses.replace(config.train, stage_images=(16, 16, 48)))
    with pytest.raises(ValueError, match=r"re-open the 16×16 fade-in at 48 images \(α 1.00 → 0.67\); "
                                         r"lengthen it to at most 32 images in one resume"):
        Trainer(tmp_path / "run", too_long, resume=True, dataset=make_toy_dataset(40))
    assert RunConfig.load(tmp_path / "run" / "config.json") == trainer.config  # the refusal changed nothing
    log = tmp_path / "run" / "log.txt"
    assert not log.exists() or "changed training config" not in log.read_text()
    longer = config.replace(train=dataclasses.replace(config.train, stage_images=(16, 16, 32)))
    resumed = Trainer(tmp_path / "run", longer, resume=True, dataset=make_toy_dataset(40))
    assert resumed.step == trainer.step and resumed.config.train.stage_images == (16, 16, 32)
    assert resumed.position.alpha == 1.0
    assert resumed.config.model == trainer.config.model  # the tokenizer's vocabulary is kept
    assert resumed.train().reason == "completed" and resumed.images_seen == 64
    assert RunConfig.load(tmp_path / "run" / "config.json").train.stage_images == (16, 16, 32)
    assert "resumed with a changed training config: stage_images" in (tmp_path / "run" / "log.txt").read_text()
    wider = longer.replace(model=dataclasses.replace(longer.model, noise_dim=longer.model.noise_dim + 1))
    with pytest.raises(ValueError, match="a resumed run keeps its model; the new config changes noise_dim"):
        Trainer(tmp_path / "run", wider, resume=True, dataset=make_toy_dataset(40))


def test_a_resume_with_a_new_learning_rate_trains_at_it(tmp_path):
    config = tiny_config(stage_images=16, batch=8)
    trainer = Trainer(tmp_path / "run", config, make_toy_dataset(40))
    assert trainer.train().reason == "completed"
    slower = config.replace(train=dataclasses.replace(config.train, lr=config.train.lr / 4, betas=(0.5, 0.9),
                                                      stage_images=(16, 16, 24)))
    resumed = Trainer(tmp_path / "run", slower, resume=True, dataset=make_toy_dataset(40))
    for optimizer in (resumed.opt_g, resumed.opt_d):
        assert {group["lr"] for group in optimizer.param_groups} == {config.train.lr / 4}
        assert {tuple(group["betas"]) for group in optimizer.param_groups} == {(0.5, 0.9)}
        assert optimizer.state  # the moments came back with the checkpoint
    assert "resumed with a changed training config: betas, lr, stage_images" in \
        (tmp_path / "run" / "log.txt").read_text()


@pytest.mark.parametrize("scale", [0.0, 0.5, 1.0])
def test_the_generator_trains_on_ca_samples_with_scaled_noise(tmp_path, scale):
    trainer = Trainer(tmp_path / "run", tiny_config(ca_noise=scale), make_toy_dataset(16))
    mu, logvar, eps = torch.randn(3, 4), torch.randn(3, 4), torch.randn(3, 4)
    assert torch.allclose(trainer.objective.condition(mu, logvar, eps), mu + scale * torch.exp(0.5 * logvar) * eps)
    with pytest.raises(ValueError, match=r"ca_noise must be in \[0, 1\], got 1.5"):
        tiny_config(ca_noise=1.5)


def test_mode_seeking_term_is_logged_and_off_by_default(tmp_path):
    def logged(run: str) -> list[dict]:
        return [json.loads(line) for line in (tmp_path / run / "metrics.jsonl").read_text().splitlines()]

    Trainer(tmp_path / "plain", tiny_config(stage_images=16, batch=8), make_toy_dataset(16)).train()
    assert all("mode_seeking" not in line for line in logged("plain"))
    Trainer(tmp_path / "seeking", tiny_config(stage_images=16, batch=8, mode_seeking_weight=1.0),
            make_toy_dataset(16)).train()
    values = [line["mode_seeking"] for line in logged("seeking") if "mode_seeking" in line]
    assert values and all(math.isfinite(v) and v > 0 for v in values)
    with pytest.raises(ValueError, match="mode_seeking_weight must be 0 or more, got -1"):
        tiny_config(mode_seeking_weight=-1.0)


def test_one_trainer_per_run_folder_until_training_ends(tmp_path):
    from core.training.runlock import RunInUseError

    config = tiny_config(stage_images=16, batch=8)
    first = Trainer(tmp_path / "run", config, make_toy_dataset(16))
    first.train(max_steps=1)  # stops with a checkpoint; the lock goes with it
    holder = Trainer(tmp_path / "run", resume=True, dataset=make_toy_dataset(16))
    with pytest.raises(RunInUseError, match=r"run is being trained by process \d+ since"):
        Trainer(tmp_path / "run", resume=True, dataset=make_toy_dataset(16))
    assert holder.train().reason == "completed"
    # Refused while held, free once training returns — and after a failed start, too.
    with pytest.raises(ValueError, match="re-open"):
        longer = config.replace(train=dataclasses.replace(config.train, stage_images=(16, 16, 100)))
        Trainer(tmp_path / "run", longer, resume=True, dataset=make_toy_dataset(16))
    assert Trainer(tmp_path / "run", resume=True, dataset=make_toy_dataset(16)).train().reason == "completed"
