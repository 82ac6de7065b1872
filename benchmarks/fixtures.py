"""Set-up shared by the benchmarks: faces, configs, trainers positioned at a depth/α, fresh models.

Everything is built through core's public constructors (``Trainer``, ``T2F``, ``Tokenizer``,
``SyntheticFaces``) so the benchmarks measure the code the app and CLI run. Config fields are
filtered against the dataclasses, so a field added or removed in core does not break set-up.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT

#: Widths 4→64 used for the like-for-like comparison with pro-gan-pth.
COMPARISON_WIDTHS = (256, 256, 128, 64, 32)
BUNDLED_CONFIG = ROOT / "configs" / "bundled.json"
BUNDLED_MODEL = ROOT / "resources" / "models" / "default"
TEXTS = (
    "A young woman with long blond hair, blue eyes and a wide smile.",
    "An old man with a grey beard, short white hair and glasses.",
    "A man with short black hair, brown eyes and a serious expression.",
    "A woman with curly red hair, green eyes and freckles.",
)


def bundled_run_config():  # noqa: ANN201 - core.config.RunConfig
    """``configs/bundled.json`` (the config the bundled model is trained with), else preset ``default``."""
    from core.config import RunConfig
    from core.presets import preset

    try:
        return RunConfig.load(BUNDLED_CONFIG)
    except (OSError, ValueError, KeyError, TypeError):
        return preset("default")


def _replace(instance: Any, **values: Any) -> Any:
    """``dataclasses.replace`` that skips fields the dataclass does not (or no longer) has."""
    names = {f.name for f in dataclasses.fields(instance)}
    return dataclasses.replace(instance, **{k: v for k, v in values.items() if k in names})


def model_config(widths: tuple[int, ...] | None = None):  # noqa: ANN201 - ModelConfig
    """The bundled model config, optionally with other channel widths (same resolution)."""
    base = bundled_run_config().model
    if widths is None:
        return base
    resolution = 4 * 2 ** (len(widths) - 1)
    return _replace(base, channels=tuple(widths), resolution=resolution)


@functools.lru_cache(maxsize=4)
def faces(count: int, resolution: int):  # noqa: ANN201 - TensorTextFaceDataset
    """``count`` synthetic faces rendered once into memory (so training steps never render)."""
    import numpy as np

    from core.data import SyntheticFaces
    from core.data.base import TensorTextFaceDataset

    source = SyntheticFaces(count, resolution=resolution, seed=0)
    getter = getattr(source, "image_uint8", None)
    if callable(getter):
        images = np.stack([getter(i) for i in range(count)])
    else:  # pragma: no cover - older/newer dataset API
        images = ((source.images(list(range(count))).permute(0, 2, 3, 1) + 1) * 127.5).round().clamp(0, 255)
        images = images.byte().numpy()
    captions = [source.captions(i) for i in range(count)]
    return TensorTextFaceDataset(images, captions, source=f"{count} synthetic faces ({resolution}px, pre-rendered)")


def caption_corpus(count: int = 400) -> list[str]:
    """Synthetic captions (no image is rendered) to train a tokenizer on."""
    from core.data import SyntheticFaces

    data = SyntheticFaces(count, resolution=64, seed=0)
    return [c for i in range(count) for c in data.captions(i)] + list(TEXTS)


@functools.lru_cache(maxsize=2)
def tokenizer(vocab_size: int, max_tokens: int):  # noqa: ANN201 - Tokenizer
    from core.text.tokenizer import Tokenizer

    return Tokenizer.train(caption_corpus(), vocab_size, max_tokens)


def train_config(depths: int, batch: int, gp_every: int = 1, gp_weight: float | None = None,
                 stage_images: tuple[int, ...] | None = None, **values: Any):  # noqa: ANN201 - TrainConfig
    """A CPU training config whose logging, samples and checkpoints never fire unless asked."""
    from core.config import TrainConfig

    never = 10**9
    settings: dict[str, Any] = dict(
        stage_images=stage_images or (1000,) * depths, batch_sizes=(batch,) * depths, fade_fraction=0.5,
        gp_every=gp_every, device="cpu", mixed_precision="off", log_every=never, sample_every=never,
        checkpoint_every=never, sample_count=4, seed=0, num_workers=0,
    )
    if gp_weight is not None:
        settings["gp_weight"] = gp_weight
    settings.update(values)
    return _replace(TrainConfig(), **settings)


def position_at(train, depth: int, alpha: float):  # noqa: ANN001, ANN201 - TrainConfig → Position
    """The schedule :class:`Position` at ``depth`` with fade-in ``alpha`` (found by images seen)."""
    from core.training.schedule import position

    before = sum(train.stage_images[:depth])
    images = before + int(round(alpha * train.fade_fraction * train.stage_images[depth])) if depth else before
    pos = position(train, images)
    if pos.stage != depth or (depth and not math.isclose(pos.alpha, alpha, abs_tol=1e-6)):
        raise RuntimeError(f"could not place the schedule at depth {depth}, α {alpha}: got {pos}")
    return pos


def make_trainer(run_dir: Path, widths: tuple[int, ...], batch: int, *, gp_every: int = 1,
                 gp_weight: float | None = None, alpha: float = 0.5, dataset=None,  # noqa: ANN001
                 **train_values: Any):  # noqa: ANN201 - (Trainer, Position)
    """A :class:`Trainer` for ``widths`` at its last depth with fade-in ``alpha``, and that Position.

    The tokenizer is trained once per process and written into the run folder first, so building
    several trainers costs no repeated sentencepiece training.
    """
    from core.config import RunConfig
    from core.training.trainer import Trainer

    model = model_config(widths)
    tok = tokenizer(model.vocab_size, model.max_tokens)
    model = _replace(model, vocab_size=tok.vocab_size)
    train = train_config(len(widths), batch, gp_every, gp_weight, **train_values)
    base = bundled_run_config()
    config = RunConfig(model=model, train=train, data=base.data)
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    try:
        from core.training.rundir import RunDir

        tok.save(RunDir(run_dir).tokenizer)
    except (ImportError, AttributeError, OSError):
        pass  # the trainer trains its own
    data = dataset if dataset is not None else faces(max(2 * batch, 16), model.resolution)
    trainer = Trainer(run_dir, config, data)
    from core.training.device_data import device_data_enabled, to_device

    if device_data_enabled(train.device_data, trainer.device):  # as train() does before its first step
        trainer.batches.device_images, _ = to_device(data, trainer.device, workers=1)
    return trainer, position_at(trainer.config.train, len(widths) - 1, alpha)


def fresh_model(widths: tuple[int, ...] | None = None):  # noqa: ANN201 - T2F
    """A freshly initialised T2F of the bundled model config with a tokenizer trained on synthetic captions."""
    import torch

    from core.model.t2f import T2F

    config = model_config(widths)
    tok = tokenizer(config.vocab_size, config.max_tokens)
    config = _replace(config, vocab_size=tok.vocab_size)
    torch.manual_seed(0)
    return T2F(config, tok).eval()


def load_model(prefer_bundled: bool = True):  # noqa: ANN201 - (T2F, description)
    """The bundled model if it exists (and loads), else :func:`fresh_model`; with a description."""
    from core.model.t2f import T2F

    if prefer_bundled and (BUNDLED_MODEL / "config.json").is_file():
        try:
            return T2F.load(BUNDLED_MODEL, device="cpu"), f"bundled model ({BUNDLED_MODEL.relative_to(ROOT)})"
        except Exception as error:  # noqa: BLE001 - fall back, and say so
            return fresh_model(), f"fresh model of configs/bundled.json (bundled model failed to load: {error})"
    return fresh_model(), "freshly initialised model of configs/bundled.json (no resources/models/default)"
