"""Configuration dataclasses for the model and for training, with exact JSON round trips.

Configs are frozen: a run's resolved config is saved once in its run folder and is the single
source of truth when the run resumes or when its model is loaded.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: Forms of the matching-aware term (see core.losses and core.training.terms.MATCHING_FORMS):
#: "sum" is T2F's, "average" GAN-CLS's ("linear" in configs written before the forms were named).
MISMATCH_LOSSES = ("hinge", "sum", "average", "contrastive")
#: Names older configs used for a form, and the form they meant.
MISMATCH_ALIASES = {"linear": "average"}
#: Word vectors a text encoder may read (see ModelConfig.word_vectors; "" = none).
WORD_VECTORS = ("", "wordllama-256")
#: What the critic reads a caption with (see ModelConfig.critic_text).
CRITIC_TEXT = ("own", "generator")
#: Ways the text encoder summarises a caption (see core.text.encoder).
TEXT_SUMMARIES = ("last", "mean")
#: How the critic halves resolutions between blocks (see ModelConfig.critic_pooling).
CRITIC_POOLING = ("avg", "max")


def _from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Build a dataclass from a dict, refusing unknown keys (catches typos and wrong files) and values
    of the wrong type (a config file may come from anyone: "5" for 5 is one line, not a traceback)."""
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__} must be a JSON object, got {type(data).__name__}")
    names = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(data) - set(names)
    if unknown:
        raise ValueError(f"unknown {cls.__name__} fields: {', '.join(sorted(unknown))}")
    defaults = cls()
    values = {}
    for key, value in data.items():
        _check_type(cls.__name__, key, value, getattr(defaults, key))
        values[key] = tuple(value) if isinstance(value, list) else value
    return cls(**values)


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (_is_whole(value) or isinstance(value, float)) and math.isfinite(value)


def _check_type(section: str, name: str, value: object, default: object) -> None:
    """Refuse ``value`` for field ``name`` unless it has the type of the field's default."""
    if default is None:
        ok = value is None or isinstance(value, str)
        kind = "text or null"
    elif isinstance(default, bool):
        ok, kind = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        ok, kind = _is_whole(value), "a whole number"
    elif isinstance(default, float):
        ok, kind = _is_number(value), "a finite number"
    elif isinstance(default, str):
        ok, kind = isinstance(value, str), "text"
    elif isinstance(default, tuple):
        element = _is_number if any(isinstance(v, float) for v in default) else _is_whole
        ok = isinstance(value, (list, tuple)) and all(element(v) for v in value)
        kind = "a list of numbers" if element is _is_number else "a list of whole numbers"
    else:
        ok, kind = True, ""
    if not ok:
        raise ValueError(f"{section} field {name!r} must be {kind}, got {value!r:.60}")


@dataclass(frozen=True)
class ModelConfig:
    """Architecture of the text encoder, conditioning augmentation and both GAN networks."""

    resolution: int = 64
    #: Channels of each block from 4×4 up to ``resolution`` (one entry per resolution).
    channels: tuple[int, ...] = (256, 256, 128, 64, 32)
    ca_dim: int = 64
    noise_dim: int = 64
    #: Tokenizer pieces; 0 = chosen from the training captions when a run starts (then resolved).
    vocab_size: int = 0
    max_tokens: int = 64
    embedding_dim: int = 128
    text_hidden: int = 256
    text_layers: int = 2
    #: Projection width of the text embedding inside the discriminator.
    d_text_dim: int = 128
    mbstd_group: int = 4
    #: How the LSTM's outputs become one caption vector: "last" (T2F) reads the output at the last
    #: real token; "mean" averages the outputs over the real tokens. Both ignore padding exactly.
    #: See core.text.encoder for why the bundled model uses "mean".
    text_summary: str = "last"
    #: How the critic's blocks halve the resolution: "avg" (ProGAN) or "max". Max pooling keeps an
    #: eye or a mouth, a few pixels wide, that averaging washes into its surroundings (measured in
    #: experiments/analyses.md, "Figures behind the config's defaults").
    critic_pooling: str = "avg"
    #: The critic's widths per resolution, 4×4 up (like ``channels``); empty = mirror the generator
    #: (ProGAN). Only the generator ships, so a wider critic costs training time, never the app's
    #: (what it bought the bundled model: experiments/README.md, the -13 leg).
    critic_channels: tuple[int, ...] = ()
    #: How the critic reads a caption. "own": its own LSTM, trained by the critic's loss, and a
    #: projection head ψ(h) + ⟨φ(t), h⟩ after its 4×4 convolution (core.model.discriminator says
    #: why). "generator" (T2F): the generator's text embedding, compressed by a linear layer, tiled
    #: and concatenated to the 4×4 features after the first convolution of the final block; the
    #: critic's step sees it detached, the generator's step lets the critic's score reach the
    #: generator's text encoder through it, as T2F's code does.
    critic_text: str = "own"
    #: Pretrained word vectors the text encoders read (core.text.word_vectors: "wordllama-256"), with
    #: their subword tokenizer; empty: a sentencepiece tokenizer trained on the run's captions and
    #: embeddings learned from them alone.
    word_vectors: str = ""

    def __post_init__(self) -> None:
        if self.resolution < 16 or self.resolution > 256 or self.resolution & (self.resolution - 1):
            raise ValueError(f"resolution must be a power of two from 16 to 256, got {self.resolution}")
        if len(self.channels) != self.depths:
            raise ValueError(
                f"channels needs one width per resolution 4..{self.resolution} "
                f"({self.depths} entries), got {len(self.channels)}"
            )
        if any(c <= 0 for c in self.channels):
            raise ValueError("channel widths must be positive")
        if self.critic_channels and len(self.critic_channels) != self.depths:
            raise ValueError(f"critic_channels needs one width per resolution 4..{self.resolution} "
                             f"({self.depths} entries), or none to mirror channels; got {len(self.critic_channels)}")
        if any(c <= 0 for c in self.critic_channels):
            raise ValueError("critic channel widths must be positive")
        if self.text_summary not in TEXT_SUMMARIES:
            raise ValueError(f"text_summary must be one of {', '.join(TEXT_SUMMARIES)}, got {self.text_summary!r}")
        if self.word_vectors not in WORD_VECTORS:
            raise ValueError(f"word_vectors must be one of {', '.join(repr(w) for w in WORD_VECTORS)}, "
                             f"got {self.word_vectors!r}")
        if self.critic_text not in CRITIC_TEXT:
            raise ValueError(f"critic_text must be one of {', '.join(CRITIC_TEXT)}, got {self.critic_text!r}")
        if self.critic_pooling not in CRITIC_POOLING:
            raise ValueError(f"critic_pooling must be one of {', '.join(CRITIC_POOLING)}, got {self.critic_pooling!r}")
        if self.vocab_size < 0:
            raise ValueError("vocab_size must be positive (or 0 to choose it from the captions)")
        for name in ("ca_dim", "noise_dim", "max_tokens", "embedding_dim",
                     "text_hidden", "text_layers", "d_text_dim", "mbstd_group"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")

    @property
    def depths(self) -> int:
        """Number of resolutions the networks grow through (4×4 is depth 0)."""
        return int(math.log2(self.resolution)) - 1

    @property
    def critic_widths(self) -> tuple[int, ...]:
        """The critic's widths per resolution: ``critic_channels``, or ``channels`` mirrored."""
        return self.critic_channels or self.channels

    @property
    def latent_dim(self) -> int:
        """Size of the generator input ``[ĉ ; z]``."""
        return self.ca_dim + self.noise_dim

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        return _from_dict(cls, data)


def default_channels(resolution: int, base: int = 256, minimum: int = 16) -> tuple[int, ...]:
    """ProGAN-style widths: ``base`` at 4 and 8, halving each resolution after, never below ``minimum``."""
    depths = int(math.log2(resolution)) - 1
    return tuple(max(minimum, base >> max(0, d - 1)) for d in range(depths))


@dataclass(frozen=True)
class TrainConfig:
    """The progressive schedule, optimisation and bookkeeping of a training run."""

    #: Images shown at each depth (one entry per resolution, 4×4 first).
    stage_images: tuple[int, ...] = (40_000, 80_000, 120_000, 160_000, 300_000)
    #: Batch size at each depth.
    batch_sizes: tuple[int, ...] = (64, 64, 32, 32, 32)
    #: Fraction of each stage (after the first) spent fading the new block in.
    fade_fraction: float = 0.5
    lr: float = 0.001
    betas: tuple[float, float] = (0.0, 0.99)
    gp_weight: float = 10.0
    drift_weight: float = 0.001
    #: Weight of the CA's KL term (KL summed over dimensions, averaged over the batch). At T2F's 1.0
    #: the KL pulls every caption's Gaussian onto N(0, I) and the generator learns to ignore the text
    #: (toy test in experiments/analyses.md). StackGAN's code averages over dimensions, an effective
    #: weight of about 1/ca_dim.
    kl_weight: float = 0.05
    #: Scale of the CA's noise in training: ĉ = μ + ca_noise·σ·ε (StackGAN and T2F: 1). Captions that
    #: differ in a small attribute (expression, eye colour) get means a fraction of a noise length apart
    #: (``python -m core.evaluate.condition_probe``), so at 1 the generator trains on conditions in
    #: which those words are drowned; a smaller scale keeps them legible. Generation uses μ either way.
    ca_noise: float = 1.0
    mismatch_weight: float = 1.0
    #: The matching-aware term's form: "hinge" (default): a real image must score ``mismatch_margin``
    #: higher with its own caption than with a wrong one; "sum" (T2F) and "average" (GAN-CLS): the
    #: mismatched pair counts as a fake, unbounded (see core.losses); "contrastive": each real image
    #: must pick its own caption among all the batch's captions (core.losses.contrastive_matching_loss).
    #: The toy test behind the default margin is in experiments/analyses.md.
    mismatch_loss: str = "hinge"
    mismatch_margin: float = 5.0
    #: With "contrastive", also reward the generator (this weight) for faces the critic matches to
    #: their own caption rather than the batch's others (XMC-GAN does). 0 keeps T2F's generator loss.
    #: Tried at 1.0 in the bundled configuration (with the matching warm-up and critic weight 1): the
    #: 8×8 and 16×16 samples were colour noise that ignored even the background colour, which a run
    #: without it had followed by then. Not measured on its own.
    generator_matching_weight: float = 0.0
    #: Steps of the matching warm-up before the GAN (0 = none, as in T2F): the critic learns on real
    #: pairs which caption belongs to which face, and the generator's text encoder starts as a copy
    #: of the critic's. See core.training.matching for why and for what it measured.
    matching_warmup_steps: int = 0
    matching_warmup_lr: float = 0.004
    matching_warmup_batch: int = 32
    #: With "contrastive" (and in the warm-up): this many captions per real face that are true of
    #: it except for one attribute, ranked against its own caption too — so the critic must read
    #: every attribute, not just the few that tell random captions apart. Only datasets that write
    #: captions from attributes (the synthetic faces) can make them. See core.data.synthetic.near_miss.
    near_miss_captions: int = 0
    #: Steps of fitting the attribute reader to the real faces' labels before the GAN (0 = none, as
    #: in T2F). Then it is frozen and the generator's loss gains ``reader_weight`` × its
    #: cross-entropy on the attributes each caption states (see core.training.attribute_reader).
    #: Needs a dataset that labels its faces and knows what each caption says (the synthetic faces).
    reader_steps: int = 0
    reader_weight: float = 0.0
    reader_lr: float = 0.002
    reader_batch: int = 64
    reader_width: int = 32
    #: Weight of MSGAN's mode-seeking term (core.losses.mode_seeking_loss) in the generator's loss;
    #: 0 = off, as in T2F. Against faces whose unsaid attributes are fixed by the words, not the noise.
    #: Costs a second generator pass over half the batch.
    mode_seeking_weight: float = 0.0
    #: Weight of the unsaid-attribute diversity term (core.training.unsaid): two seeds of a caption
    #: should disagree about what it leaves unsaid as often as real faces with that description do,
    #: as the attribute reader sees them. 0 = off. Needs the reader; shares mode seeking's second
    #: generator pass when both are on.
    unsaid_diversity_weight: float = 0.0
    #: Weight of the unsaid-attribute marginal term (core.training.unsaid.unsaid_marginal_loss): over
    #: a batch, each attribute its captions leave unsaid should be drawn with each value as often as
    #: real faces with those descriptions have it. 0 = off. Needs the reader.
    unsaid_marginal_weight: float = 0.0
    #: Weight of the unsaid-attribute code term (core.training.unsaid.unsaid_code_loss): the first
    #: noise dimensions pick each face's values for what its caption leaves unsaid, drawn jointly
    #: as real faces with that description have them, and the attribute reader's cross-entropy on
    #: those values joins the generator's loss. 0 = off. Needs the reader and a noise_dim of at
    #: least the number of attributes.
    unsaid_code_weight: float = 0.0
    #: Critic-only GAN steps (the generator frozen) at the start of a run that continues a trained
    #: model with a new critic (``t2f train --from-model``), after the critic's warm-up: until the
    #: new critic tells the model's faces from real ones, its gradients would only push the
    #: trained generator around. Unused by other runs.
    fresh_critic_steps: int = 1000
    #: With a model to start from (``t2f train --from-model``): grow its generator to these widths,
    #: one per resolution, 4×4 up, each at least the model's, keeping what it draws
    #: (core.model.widen). Empty keeps the model's widths; a run from new networks ignores it.
    widen_generator: tuple[int, ...] = ()
    #: Apply the gradient penalty every N discriminator steps (scaled by N); 1 = every step.
    #: StyleGAN2 also scales Adam's lr and betas by N/(N+1) for a lazy penalty; that corrects for
    #: the extra optimizer steps its separate regularisation pass takes. Here the penalty joins
    #: every N-th critic loss, so the number of steps does not change and no correction applies.
    gp_every: int = 1
    #: Steps that never wait for the device (core.training.syncfree): "auto" (on CUDA, unless fp16),
    #: "on" (also on the CPU; tests) or "off". Losses and the non-finite check stay on the device and
    #: are read once per ``log_every``; a bad step is skipped there by the fused optimizers.
    sync_free: str = "auto"
    #: The training set as one uint8 tensor on the device, batches gathered there
    #: (core.training.device_data): "auto" (on CUDA, when it takes under a quarter of the GPU's
    #: memory and the data is synthetic or cached), "on" (also on the CPU; tests) or "off".
    device_data: str = "auto"
    #: torch.compile the generator and the critic's trunk per stage (core.training.kernels): "off",
    #: "on", or "graphs" (also CUDA graphs). Off by default: not yet measured on a GPU, and on the
    #: CPU compiling costs tens of seconds a stage.
    compile: str = "off"
    #: Convolution weights and images in NHWC (channels-last) layout; for CUDA tensor cores. Unmeasured.
    channels_last: bool = False
    #: Draw new noise for the generator's step (T2F's code) instead of scoring the critic step's
    #: faces again (one generator forward pass saved; the conditions ĉ are the same either way).
    generator_fresh_noise: bool = False
    ema_beta: float = 0.999
    #: Probability of training on an empty caption, so "no description" has a learned meaning.
    empty_caption_prob: float = 0.05
    seed: int = 0
    log_every: int = 10
    sample_every: int = 200
    checkpoint_every: int = 1000
    keep_checkpoints: int = 3
    #: Also write a checkpoint when this many minutes of training passed since the last one (0 = only
    #: every ``checkpoint_every`` steps): bounds what a crash or a kill can lose on a slow machine.
    checkpoint_minutes: float = 10.0
    sample_count: int = 16
    #: Stop after this many consecutive non-finite steps.
    max_bad_steps: int = 10
    #: "auto", "cpu", "cuda", "cuda:1", "mps".
    device: str = "auto"
    #: "off", "bf16" or "fp16": autocast for the GAN steps. bf16 runs on CUDA and on CPUs with
    #: hardware bfloat16 (AVX-512 BF16 / AMX), fp16 on CUDA only; elsewhere the run warns and
    #: trains in float32. Off by default: it paid on a bf16 CPU and not on a GPU at these widths
    #: (benchmarks/RESULTS.md).
    mixed_precision: str = "off"
    #: Data loader worker processes (0 = load in the training thread).
    num_workers: int = 0

    def __post_init__(self) -> None:
        if self.mismatch_loss in MISMATCH_ALIASES:  # a config written before the forms were named
            object.__setattr__(self, "mismatch_loss", MISMATCH_ALIASES[self.mismatch_loss])
        if len(self.stage_images) != len(self.batch_sizes):
            raise ValueError("stage_images and batch_sizes need one entry per stage each")
        if any(n <= 0 for n in self.stage_images) or any(b <= 0 for b in self.batch_sizes):
            raise ValueError("stage lengths and batch sizes must be positive")
        if not 0.0 <= self.fade_fraction <= 1.0:
            raise ValueError(f"fade_fraction must be in [0, 1], got {self.fade_fraction}")
        if not 0.0 <= self.ca_noise <= 1.0:
            raise ValueError(f"ca_noise must be in [0, 1], got {self.ca_noise}")
        from core.training.terms import GENERATOR_TERMS  # the terms declare their weights and needs

        for term in GENERATOR_TERMS:
            weight = getattr(self, term.weight_field)
            if weight < 0:
                raise ValueError(f"{term.weight_field} must be 0 or more, got {weight}")
            if term.needs_reader and weight > 0 and self.reader_steps == 0:
                raise ValueError(f"{term.weight_field} needs the attribute reader: set reader_steps above 0")
        for name in ("gp_every", "log_every", "sample_every", "checkpoint_every", "keep_checkpoints",
                     "sample_count", "max_bad_steps"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.num_workers < 0:
            raise ValueError(f"num_workers must be 0 or more, got {self.num_workers}")
        if not (self.checkpoint_minutes >= 0 and math.isfinite(self.checkpoint_minutes)):
            raise ValueError(f"checkpoint_minutes must be 0 or more, got {self.checkpoint_minutes}")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise ValueError(f"lr must be a positive number, got {self.lr}")
        if len(self.betas) != 2 or not all(0.0 <= b < 1.0 for b in self.betas):
            raise ValueError(f"betas must be two numbers in [0, 1), got {list(self.betas)}")
        for name in ("gp_weight", "drift_weight", "kl_weight", "mismatch_weight", "mismatch_margin"):
            value = getattr(self, name)
            if not (value >= 0 and math.isfinite(value)):
                raise ValueError(f"{name} must be 0 or more, got {value}")
        if self.fresh_critic_steps < 0:
            raise ValueError(f"fresh_critic_steps must be 0 or more, got {self.fresh_critic_steps}")
        if any(w <= 0 for w in self.widen_generator):
            raise ValueError(f"widen_generator widths must be positive, got {list(self.widen_generator)}")
        if self.matching_warmup_steps < 0 or self.matching_warmup_batch < 2 or self.matching_warmup_lr <= 0:
            raise ValueError("the matching warm-up needs steps ≥ 0, a batch of at least 2 and a positive lr")
        if self.reader_steps < 0 or self.reader_batch < 2 or self.reader_lr <= 0:
            raise ValueError("the attribute reader needs steps ≥ 0, a batch of at least 2 and a positive lr")
        if self.reader_width < 1:
            raise ValueError(f"reader_width must be positive, got {self.reader_width}")
        if self.near_miss_captions < 0:
            raise ValueError(f"near_miss_captions must be 0 or more, got {self.near_miss_captions}")
        if self.mismatch_loss not in MISMATCH_LOSSES:
            raise ValueError(f"mismatch_loss must be one of {', '.join(MISMATCH_LOSSES)}, got {self.mismatch_loss!r}")
        if self.compile not in ("off", "on", "graphs"):
            raise ValueError(f"compile must be off, on or graphs, got {self.compile!r}")
        if self.device_data not in ("auto", "on", "off"):
            raise ValueError(f"device_data must be auto, on or off, got {self.device_data!r}")
        if self.sync_free not in ("auto", "on", "off"):
            raise ValueError(f"sync_free must be auto, on or off, got {self.sync_free!r}")
        if self.sync_free == "on" and self.mixed_precision == "fp16":
            raise ValueError("sync_free 'on' does not combine with mixed_precision 'fp16' (use bf16 or off)")
        if self.mixed_precision not in ("off", "bf16", "fp16"):
            raise ValueError(f"mixed_precision must be off, bf16 or fp16, got {self.mixed_precision!r}")
        if not 0.0 <= self.ema_beta < 1.0:
            raise ValueError("ema_beta must be in [0, 1)")

    @property
    def total_images(self) -> int:
        return sum(self.stage_images)

    @property
    def contrastive_matching(self) -> bool:
        """Whether the GAN's critic step uses the contrastive matching term (and so the near misses)."""
        return self.mismatch_loss == "contrastive" and self.mismatch_weight > 0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        return _from_dict(cls, data)


@dataclass(frozen=True)
class DataConfig:
    """Where training data comes from: ``"synthetic"`` (embedded faces) or a folder path."""

    source: str = "synthetic"
    #: Number of synthetic images (ignored for folders).
    synthetic_count: int = 20_000
    synthetic_seed: int = 0
    cache_dir: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataConfig:
        return _from_dict(cls, data)


@dataclass(frozen=True)
class RunConfig:
    """Everything a run needs; saved as the run folder's ``config.json``."""

    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    data: DataConfig = field(default_factory=DataConfig)

    def __post_init__(self) -> None:
        if len(self.train.stage_images) != self.model.depths:
            raise ValueError(
                f"the schedule has {len(self.train.stage_images)} stages but resolution "
                f"{self.model.resolution} needs {self.model.depths} (4×4 … {self.model.resolution}×"
                f"{self.model.resolution})"
            )
        if self.model.critic_text == "generator":
            if self.train.matching_warmup_steps > 0:
                raise ValueError("the matching warm-up trains the critic's own text encoder, and critic_text "
                                 "'generator' gives it none: set matching_warmup_steps to 0")
            if self.train.near_miss_captions > 0:
                raise ValueError("near-miss captions are read by the critic's own text encoder, and critic_text "
                                 "'generator' gives it none: set near_miss_captions to 0")

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model.to_dict(), "train": self.train.to_dict(), "data": self.data.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunConfig:
        unknown = set(data) - {"model", "train", "data"}
        if unknown:
            raise ValueError(f"unknown RunConfig sections: {', '.join(sorted(unknown))}")
        return cls(
            model=ModelConfig.from_dict(data.get("model", {})),
            train=TrainConfig.from_dict(data.get("train", {})),
            data=DataConfig.from_dict(data.get("data", {})),
        )

    def save(self, path: str | Path) -> None:
        from core.io import atomic_write_text

        atomic_write_text(Path(path), json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> RunConfig:
        """A config file; one that names ``"extends": "other.json"`` (a path relative to its own
        folder) is that file with this one's fields replacing its own, section by section.

        Why: a training leg usually changes two or three settings of the one before it, and a file
        holding only those says what the leg is, where a full copy hides it among 70 others. A run
        folder always saves its config resolved, so a run never depends on the files it came from.
        """
        return cls.from_dict(_resolved_config_dict(Path(path), ()))

    def replace(self, **sections: Any) -> RunConfig:
        return dataclasses.replace(self, **sections)


#: The key of a config file naming the file it changes (see RunConfig.load).
EXTENDS = "extends"


def _resolved_config_dict(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    """``path``'s sections with every ``extends`` followed and merged (base first); ``chain``: the
    files that led here, to refuse a circle."""
    from core.io import ModelFileError, read_json

    data = read_json(path)
    if not isinstance(data, dict):
        raise ModelFileError(path, "a config file holds one JSON object")
    base_name = data.pop(EXTENDS, None)
    if base_name is None:
        return data
    if not isinstance(base_name, str):
        raise ModelFileError(path, f'"{EXTENDS}" names one config file, got {base_name!r}')
    chain = (*chain, path.resolve())
    base_path = (path.parent / base_name).resolve()
    if base_path in chain:
        names = " → ".join(p.name for p in (*chain, base_path))
        raise ModelFileError(path, f"config files extend each other in a circle: {names}")
    base = _resolved_config_dict(base_path, chain)
    merged = dict(base)
    for section, values in data.items():
        if isinstance(values, dict) and isinstance(base.get(section), dict):
            merged[section] = {**base[section], **values}
        else:
            merged[section] = values
    return merged
