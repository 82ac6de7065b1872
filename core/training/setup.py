"""What a run starts from: its dataset, its tokenizer, its networks and optimizers, its fixed samples.

The trainer calls these once, in order, when it is created; each returns what it built, so a new
run, a resumed run and a run continuing a trained model differ only in what they pass in.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass

import torch

from core.config import RunConfig, TrainConfig
from core.data.base import TextFaceDataset
from core.devices import autocast_dtype
from core.model.classifier import AttributeClassifier
from core.model.discriminator import Discriminator
from core.model.t2f import T2F
from core.model.widen import widening_problem
from core.text.lexicon import caption_words
from core.text.tokenizer import Tokenizer
from core.training import distributed as ddp
from core.training.rundir import RunDir
from core.training.schedule import schedule_misfits_model
from core.training.syncfree import sync_free_enabled
from core.training.terms import UNSAID_WEIGHTS
from core.training.unsaid import UnsaidTargets


@dataclass
class Networks:
    """A run's networks, their optimizers and its mixed-precision settings."""

    model: T2F
    ema: T2F
    critic: Discriminator
    opt_g: torch.optim.Optimizer
    opt_d: torch.optim.Optimizer
    amp_dtype: torch.dtype | None
    scaler: torch.amp.GradScaler
    reader: AttributeClassifier | None
    unsaid: UnsaidTargets | None


def open_run_dataset(config: RunConfig) -> TextFaceDataset:
    """The dataset named by the run config (embedded synthetic faces or a folder)."""
    from core.data import open_dataset  # provided by the data package

    data = config.data
    source = data.source
    if source == "synthetic":
        source = f"synthetic:{data.synthetic_count}"
    return open_dataset(source, resolution=config.model.resolution, cache_dir=data.cache_dir,
                        seed=data.synthetic_seed)


def config_from_model(config: RunConfig, source: T2F) -> RunConfig:
    """``config`` for a new run that continues the trained model ``source``.

    The model's networks, whatever the config says — but the critic is new (a model ships without
    one), so its widths are the config's, and the generator may be grown (``widen_generator``).
    Raises ``ValueError`` when the widths or the schedule cannot continue the model.
    """
    channels = source.config.channels
    if config.train.widen_generator:
        problem = widening_problem(channels, config.train.widen_generator)
        if problem is not None:
            raise ValueError(problem)
        channels = config.train.widen_generator
    config = config.replace(model=dataclasses.replace(
        source.config, channels=channels, critic_channels=config.model.critic_channels))
    info = source.info
    misfit = schedule_misfits_model(config.train, info.depth, info.alpha, info.images_seen)
    if misfit is not None:
        raise ValueError(f"this schedule cannot continue the model: {misfit}")
    return config


def prepare_tokenizer(run: RunDir, config: RunConfig, dataset: TextFaceDataset, source: T2F | None,
                      context: ddp.DistributedContext, save_config: bool) -> tuple[Tokenizer, RunConfig]:
    """The run's tokenizer — a source model's, the run folder's, or one trained on the captions —
    and ``config`` with its ``vocab_size`` resolved; ``save_config`` writes that config to the run
    (a resumed run's config is saved only once it is checked)."""
    model_cfg = config.model
    if source is not None:  # a model's text encoder reads its own tokenizer's pieces
        tokenizer = source.tokenizer
        if context.is_main:
            tokenizer.save(run.tokenizer)
    elif model_cfg.word_vectors:  # the vectors' own tokenizer: nothing to learn from the captions
        from core.text.word_vectors import SubwordTokenizer

        tokenizer = SubwordTokenizer(model_cfg.word_vectors, model_cfg.max_tokens)
        if context.is_main:
            tokenizer.save(run.tokenizer)
    elif run.tokenizer.is_file():
        tokenizer = Tokenizer.load(run.tokenizer, max_tokens=model_cfg.max_tokens)
    else:
        if context.is_main:
            tokenizer = Tokenizer.train(dataset.all_captions(), model_cfg.vocab_size or None, model_cfg.max_tokens)
            tokenizer.save(run.tokenizer)
        if context.enabled:
            torch.distributed.barrier()
        if not context.is_main:
            tokenizer = Tokenizer.load(run.tokenizer, max_tokens=model_cfg.max_tokens)
    if tokenizer.vocab_size != model_cfg.vocab_size:
        config = config.replace(model=dataclasses.replace(model_cfg, vocab_size=tokenizer.vocab_size))
    if context.is_main and save_config:
        config.save(run.config)
    return tokenizer, config


def build_networks(config: RunConfig, tokenizer: Tokenizer, dataset: TextFaceDataset, device: torch.device,
                   context: ddp.DistributedContext) -> Networks:
    """New networks for ``config`` (the caller seeds torch first), their Adam optimizers, and the
    attribute reader and unsaid-attribute statistics when the config's terms need them."""
    train = config.train
    model = T2F(config.model, tokenizer).to(device)
    model.known_words = caption_words(dataset.all_captions())  # exported with the model
    critic = Discriminator(config.model).to(device)
    if context.enabled:
        ddp.broadcast_parameters(model)
        ddp.broadcast_parameters(critic)
    ema = copy.deepcopy(model).eval().requires_grad_(False)
    # Fused Adam on CUDA (one kernel for all tensors), and wherever steps are sync-free: it skips a
    # bad step on the device (core.training.syncfree).
    fused = device.type == "cuda" or sync_free_enabled(train.sync_free, device, train.mixed_precision)
    opt_g = torch.optim.Adam(model.parameters(), lr=train.lr, betas=train.betas, eps=1e-8, fused=fused or None)
    opt_d = torch.optim.Adam(critic.parameters(), lr=train.lr, betas=train.betas, eps=1e-8, fused=fused or None)
    amp_dtype = autocast_dtype(train.mixed_precision, device)
    scaler = torch.amp.GradScaler("cuda", enabled=amp_dtype == torch.float16)
    reader = None
    if train.reader_steps > 0:
        table = dataset.attribute_table()
        if table is None:
            raise ValueError(f"reader_steps needs a dataset with attribute labels; "
                             f"{dataset.summary.source} has none (set reader_steps to 0)")
        reader = AttributeClassifier(table, config.model.resolution, train.reader_width).to(device)
    unsaid = None
    if reader is not None and any(getattr(train, name) > 0 for name in UNSAID_WEIGHTS):
        unsaid = UnsaidTargets(reader.table, [dataset.attributes(i) for i in range(len(dataset))])
        if train.unsaid_code_weight > 0 and config.model.noise_dim < len(unsaid.names):
            raise ValueError(f"unsaid_code_weight codes {len(unsaid.names)} attributes in the noise, "
                             f"but noise_dim is {config.model.noise_dim}")
    return Networks(model, ema, critic, opt_g, opt_d, amp_dtype, scaler, reader, unsaid)


def fixed_sample_captions(train: TrainConfig, dataset: TextFaceDataset) -> list[str]:
    """The run's sample captions (seeds 0, 1, …): fixed for the whole run so grids compare over time."""
    count = train.sample_count
    gen = torch.Generator().manual_seed(train.seed + 1)
    order = torch.randperm(len(dataset), generator=gen)[:count].tolist()
    captions = [dataset.captions(i)[0] for i in order]
    while len(captions) < count:
        captions.append(captions[len(captions) % len(order)])
    return captions
