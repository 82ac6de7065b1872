"""A new run that continues a trained model (``t2f train --from-model``): the model's generator is
kept untouched until a new critic has been trained, the schedule carries on the model's count, and a
schedule that cannot continue it is refused by name before anything is written."""

import dataclasses

import pytest
import torch

from core.cli.main import main
from core.model.t2f import T2F
from core.text.lexicon import caption_words
from core.training.events import PhaseProgress, TrainingStarted
from core.training.trainer import Trainer
from tests.conftest import make_toy_dataset, tiny_config

def _is_phase(event: object, phase: str) -> bool:
    """Whether ``event`` reports progress of the pre-GAN ``phase``."""
    return isinstance(event, PhaseProgress) and event.phase == phase



def _continuing_config(source: T2F, extra_images: int, **train):
    """The tiny schedule with its last stage long enough for ``extra_images`` past the model's count."""
    config = tiny_config(**train)
    stages = config.train.stage_images
    last = source.info.images_seen - sum(stages[:-1]) + extra_images
    return config.replace(train=dataclasses.replace(config.train, stage_images=(*stages[:-1], last)))


def _weights(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _equal(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_a_new_critic_learns_before_the_models_generator_trains(tiny_run, tmp_path):
    source = T2F.load(tiny_run, device="cpu")
    dataset = make_toy_dataset(40)
    config = _continuing_config(source, 48, matching_warmup_steps=6, fresh_critic_steps=4)
    events = []
    trainer = Trainer(tmp_path / "run", config, dataset, callbacks=[events.append], start_from=tiny_run)
    assert (trainer.step, trainer.images_seen) == (source.info.step, source.info.images_seen)
    assert trainer.config.model == source.config
    assert _equal(_weights(trainer.model), _weights(source)) and _equal(_weights(trainer.ema), _weights(source))
    critic_at_start = _weights(trainer.discriminator)

    # Stopping at the model's own step runs the set-up phases and no generator step.
    assert trainer.train(max_steps=source.info.step).reason == "max_steps"
    assert [e.step for e in events if _is_phase(e, "fresh_critic")][-1] == 4
    assert [e for e in events if _is_phase(e, "matching_warmup")]
    assert _equal(_weights(trainer.model), _weights(source)), "the generator moved before its critic was trained"
    assert _equal(_weights(trainer.ema), _weights(source))  # the text encoder too: not the critic's copy
    assert not _equal(_weights(trainer.discriminator), critic_at_start)
    assert trainer.images_seen == source.info.images_seen  # the critic's own steps do not move the schedule

    events.clear()
    resumed = Trainer(tmp_path / "run", resume=True, dataset=dataset, callbacks=[events.append])
    assert resumed.progress.origin == {"model": str(tiny_run / "model"), "step": source.info.step,
                              "images_seen": source.info.images_seen}
    resumed.train(max_steps=source.info.step + 3)
    assert not [e for e in events if isinstance(e, PhaseProgress) and e.phase != "reader"]
    assert resumed.step == source.info.step + 3
    assert resumed.images_seen == source.info.images_seen + 3 * config.train.batch_sizes[-1]
    assert not _equal(_weights(resumed.model), _weights(source))
    exported = T2F.load(tmp_path / "run", device="cpu")
    assert exported.info.images_seen == resumed.images_seen
    assert exported.known_words == source.known_words | caption_words(dataset.all_captions())
    assert [e for e in events if isinstance(e, TrainingStarted)][0].resumed


def test_a_continued_model_can_get_a_wider_critic(tiny_run, tmp_path):
    source = T2F.load(tiny_run, device="cpu")
    config = _continuing_config(source, 48, matching_warmup_steps=0, fresh_critic_steps=2)
    wider = tuple(2 * w for w in source.config.channels)
    config = config.replace(model=dataclasses.replace(config.model, critic_channels=wider))
    trainer = Trainer(tmp_path / "run", config, make_toy_dataset(40), start_from=tiny_run)
    assert trainer.config.model == dataclasses.replace(source.config, critic_channels=wider)
    assert [layer.weight.shape[0] for layer in trainer.discriminator.from_rgb] == list(wider)
    assert _equal(_weights(trainer.model), _weights(source))
    trainer.train(max_steps=source.info.step + 2)
    assert trainer.step == source.info.step + 2
    exported = T2F.load(tmp_path / "run", device="cpu")  # the app's model: the generator as it was built
    assert exported.config.channels == source.config.channels


@pytest.mark.parametrize("stage_images, message", [
    ((160, 160, 160), "the schedule ends at 480 images and the model has seen"),
    ((100_000, 160, 160), "but the model draws at 16×16 (stage 3): the schedule must reach that stage"),
])
def test_a_schedule_that_cannot_continue_the_model_is_refused_before_anything_is_written(
        tiny_run, tmp_path, stage_images, message):
    config = tiny_config()
    config = config.replace(train=dataclasses.replace(config.train, stage_images=stage_images))
    with pytest.raises(ValueError, match="this schedule cannot continue the model: ") as error:
        Trainer(tmp_path / "run", config, make_toy_dataset(40), start_from=tiny_run)
    assert message in str(error.value)
    assert not (tmp_path / "run").exists()


def test_t2f_train_from_model_says_what_is_wrong_in_one_line(tiny_run, tmp_path, capsys):
    run = str(tmp_path / "run")
    assert main(["train", "--from-model", str(tiny_run), "--resume", run, "--quiet"]) != 0
    assert "--from-model starts a new run; --resume continues one" in capsys.readouterr().err
    assert main(["train", "--from-model", str(tiny_run), "--preset", "tiny", "--resolution", "16",
                 "--stage-images", "160", "--run-dir", run, "--quiet"]) != 0
    err = capsys.readouterr().err
    assert "this schedule cannot continue the model: the schedule ends at 480 images" in err
    assert "make the last stage longer than" in err
    assert main(["train", "--from-model", str(tmp_path / "missing"), "--preset", "tiny", "--run-dir", run,
                 "--quiet"]) != 0
    assert "no such file or folder" in capsys.readouterr().err


@pytest.mark.parametrize("depth, images_seen", [(4, 887_680), (2, 480), (0, 100)])
def test_a_schedule_after_a_model_starts_in_its_stage_fully_grown_and_ends_later(depth, images_seen):
    from core.presets import preset
    from core.training.schedule import position, schedule_after_model, schedule_misfits_model

    train = schedule_after_model(preset("bundled").train, depth, images_seen, 5_000)
    assert len(train.stage_images) == len(train.batch_sizes) == depth + 1
    assert train.total_images == images_seen + 5_000
    start = position(train, images_seen)
    assert (start.stage, start.alpha, start.finished) == (depth, 1.0, False)
    assert schedule_misfits_model(train, depth, 1.0, images_seen) is None
    with pytest.raises(ValueError, match="must be positive"):
        schedule_after_model(train, depth, images_seen, 0)


def test_t2f_train_from_model_more_images_trains_the_model_further(tiny_run, tmp_path, capsys):
    import json

    source = T2F.load(tiny_run, device="cpu")
    config = tiny_config(matching_warmup_steps=4, fresh_critic_steps=3)
    config_file = tmp_path / "settings.json"
    config.save(config_file)
    run = tmp_path / "run"
    assert main(["train", "--more-images", "16", "--preset", "tiny", "--run-dir", str(run), "--quiet"]) != 0
    assert "use them together" in capsys.readouterr().err
    assert main(["train", "--from-model", str(tiny_run), "--more-images", "16", "--config", str(config_file),
                 "--synthetic-count", "40", "--run-dir", str(run), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "New critic (learns to tell the model's faces from real ones before the model trains): 3/3" in err
    assert f"training in {run} on cpu, continuing the model in {tiny_run / 'model'}" in err
    lines = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert lines[-1]["images_seen"] == source.info.images_seen + 16 == lines[-1]["total_images"]
    assert T2F.load(run).info.images_seen == source.info.images_seen + 16
