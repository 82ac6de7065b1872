"""From the Train view's form to a :class:`core.config.RunConfig` (no Qt).

Presets come from :func:`core.presets.preset`; "custom" starts from the default preset at the
chosen resolution and replaces the schedule and optimiser settings the form exposes. A run that
starts from a trained model keeps the preset's training settings but takes the model's networks,
and its schedule continues the model's for the number of images the form asks for.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from pathlib import Path

from core.config import DataConfig, RunConfig
from core.presets import fit_to_data, preset, reader_lacks_labels
from core.model.t2f import ModelCard, ModelInfo, read_model_card
from core.training.schedule import schedule_after_model

from t2f_desktop.datasets import SYNTHETIC, is_synthetic

PRESET_LABELS = {"tiny": "Tiny — quick CPU demo (32×32)", "default": "Default — 64×64",
                 "bundled": "Recommended — the bundled model's recipe (64×64)",
                 "t2f-paper": "T2F as published (64×64, large: for a GPU)", "custom": "Custom"}
#: Network sizes a custom run can start from (the architecture and training aids of a core preset).
SIZE_LABELS = {"tiny": "Small — fast on a CPU", "bundled": "Compact, with the bundled recipe's aids (64×64 only)",
               "default": "Standard", "t2f-paper": "Large — T2F as published (slow on a CPU)"}
RESOLUTIONS = (16, 32, 64, 128, 256)
PRECISION_LABELS = {"off": "Float32", "bf16": "bfloat16 mixed precision"}


def stages_for(resolution: int) -> int:
    """Progressive stages from 4×4 up to ``resolution``."""
    return int(math.log2(resolution)) - 1


def parse_int_list(text: str, count: int, what: str) -> tuple[int, ...]:
    """``"1000, 2000"`` → a tuple of ``count`` positive ints; one value is repeated for every stage."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        values = [int(p.replace("_", "")) for p in parts]
    except ValueError:
        raise ValueError(f"{what}: use whole numbers separated by commas") from None
    if len(values) == 1:
        values = values * count
    if len(values) != count:
        raise ValueError(f"{what}: give one value, or {count} values (one per stage, 4×4 first)")
    if any(v <= 0 for v in values):
        raise ValueError(f"{what}: values must be positive")
    return tuple(values)


def format_int_list(values: tuple[int, ...]) -> str:
    return ", ".join(str(v) for v in values)


@dataclass(frozen=True)
class RunForm:
    """What the set-up form holds."""

    preset: str = "tiny"
    #: For "custom": which preset's networks to use.
    size: str = "tiny"
    resolution: int = 32
    stage_images: str = ""
    batch_sizes: str = ""
    lr: float = 0.001
    fade_percent: float = 50.0
    device: str = "auto"
    #: ``TrainConfig.mixed_precision``: "off" or "bf16".
    mixed_precision: str = "off"
    source: str = "synthetic:1000"
    #: For "custom": 0 keeps the preset's interval.
    sample_every: int = 0
    checkpoint_every: int = 0
    #: A model (or run) folder to continue instead of new networks; "" = new networks.
    start_model: str = ""
    #: With ``start_model``: how many more images to train it for.
    more_images: int = 100_000


def data_config(source: str) -> DataConfig:
    if is_synthetic(source):
        count = int(source.partition(":")[2] or 20_000)
        return DataConfig(source=SYNTHETIC, synthetic_count=count)
    return DataConfig(source=source)


def build_config(form: RunForm) -> RunConfig:
    """The run config for ``form``; ``ValueError`` with a readable message when a field is wrong."""
    return fit_to_data(_recipe(form))


def reader_dropped(form: RunForm) -> bool:
    """Whether the form's recipe has an attribute reader that its data cannot feed (unlabelled faces)."""
    return reader_lacks_labels(_recipe(form))


def _recipe(form: RunForm) -> RunConfig:
    """The preset (or custom) config with the form's fields, before fitting it to the data."""
    start = start_model_card(form)
    if form.preset in ("tiny", "default", "bundled"):
        config = preset(form.preset)
    elif form.preset == "custom":
        base = preset(form.size, start.config.resolution if start else form.resolution)
        if not 0 <= form.fade_percent <= 100:
            raise ValueError("Fade-in must be between 0 and 100 %")
        if not form.lr > 0:
            raise ValueError("The learning rate must be positive")
        train = dataclasses.replace(base.train, lr=float(form.lr), fade_fraction=float(form.fade_percent) / 100.0,
                                    sample_every=form.sample_every or base.train.sample_every,
                                    checkpoint_every=form.checkpoint_every or base.train.checkpoint_every)
        if start is None:  # a model's schedule is its own, continued (below)
            stages = stages_for(form.resolution)
            train = dataclasses.replace(train, stage_images=parse_int_list(form.stage_images, stages, "Stage lengths"),
                                        batch_sizes=parse_int_list(form.batch_sizes, stages, "Batch sizes"))
        config = base.replace(train=train)
    else:
        raise ValueError(f"unknown preset {form.preset!r}")
    train = dataclasses.replace(config.train, device=form.device, mixed_precision=form.mixed_precision)
    if start is not None:
        train = schedule_after_model(train, start.info.depth, start.info.images_seen, form.more_images)
        return config.replace(model=start.config, train=train, data=data_config(form.source))
    return config.replace(train=train, data=data_config(form.source))


def start_model_card(form: RunForm) -> ModelCard | None:
    """The networks and position of the model the form continues, or None for new networks.

    Reads only the model's ``config.json``; a folder that is not a model is a ``ValueError``
    naming it (``ModelFileError`` is one).
    """
    if not form.start_model:
        return None
    return read_model_card(Path(form.start_model))


def bf16_runs_on(device: str) -> bool:
    """Whether a run on ``device`` ("auto", "cpu", "cuda", …) gets bf16 autocast rather than the
    trainer's float32 fallback (the trainer's own rule, :func:`core.devices.autocast_dtype`)."""
    from core.devices import autocast_dtype, resolve_device

    try:
        return autocast_dtype("bf16", resolve_device(device)) is not None
    except ValueError:
        return False


def describe_schedule(config: RunConfig, start: ModelInfo | None = None) -> str:
    """``"4 stages, 4×4 → 32×32, 8,000 images in all"`` for the set-up form, with any phases before them;
    for a run continuing the model at ``start``: where it stands and how much more it trains."""
    res, train = config.model.resolution, config.train
    if start is None:
        text = f"{len(train.stage_images)} stages, 4×4 → {res}×{res}, {train.total_images:,} images in all"
    else:
        more = train.total_images - start.images_seen
        text = (f"continues the model at {res}×{res} from its {start.images_seen:,} images for {more:,} more "
                f"({train.total_images:,} in all)")
    before = []
    if train.matching_warmup_steps:
        before.append(f"matching warm-up ({train.matching_warmup_steps:,} steps)")
    if train.reader_steps:
        before.append(f"attribute reader ({train.reader_steps:,} steps)")
    if start is not None and train.fresh_critic_steps:
        before.append(f"a new critic ({train.fresh_critic_steps:,} steps)")
    if before:
        text += "; before them: " + ", ".join(before)
    return text


def default_run_dir(root: Path | None = None) -> Path:
    """A new, dated folder under ``~/T2F runs`` (or ``root``)."""
    root = root or Path.home() / "T2F runs"
    return root / time.strftime("run-%Y%m%d-%H%M%S")
