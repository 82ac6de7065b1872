"""The one training loop, used by the CLI, the desktop app and ``torchrun`` jobs alike.

A :class:`Trainer` owns the networks, optimizers, schedule position and random state of one run,
writes the run folder (see :mod:`core.training.rundir`) and reports through callbacks. Callers
control it from any thread with :meth:`request_stop`, :meth:`pause` and :meth:`resume`; stopping
always ends with a checkpoint, so a stopped run continues exactly where it left off.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import torch
import torch.nn.functional as F

from core.config import RunConfig
from core.data.base import TextFaceDataset
from core.devices import autocast_dtype, float32_fallback_reason, resolve_device, usable_cpu_cores
from core.explore import save_grid
from core.io import ModelFileError, atomic_write_text
from core.losses import (caption_pairs, contrastive_matching_loss, derangement, discriminator_loss, drift_penalty,
                         generator_loss, gradient_penalty, mode_seeking_loss)
from core.model.conditioning import ConditioningAugmentation, kl_divergence
from core.model.discriminator import Discriminator
from core.model.classifier import AttributeClassifier
from core.model.t2f import T2F, ModelInfo, load_state_strict, resolve_model_folder
from core.model.widen import grown_state, widening_problem
from core.text.lexicon import caption_words
from core.text.tokenizer import Tokenizer
from core.training import distributed as ddp
from core.training.checkpoint import (checkpoint_name, flatten_optimizer, load_checkpoint,
                                      prune_checkpoints, sub_state, unflatten_optimizer)
from core.training.attribute_reader import label_targets, reader_cross_entropy, reader_training_step
from core.training.events import (CheckpointSaved, Event, FreshCriticTraining, MatchingWarmup, ReaderTraining,
                                  SamplesSaved, StageChanged, StepMetrics, TrainingFinished, TrainingStarted,
                                  TrainingWarning)
from core.training.matching import NearMisses, depth_for_step, matching_loss, matching_step
from core.training.memory import memory_kept_for_training
from core.training.rundir import RunDir
from core.training.sampler import EpochSampler
from core.training.runlock import RunLock
from core.training.schedule import (Position, position, real_images_at, schedule_misfits_model,
                                    schedule_moves_back)
from core.training.unsaid import UnsaidTargets, unsaid_code_loss, unsaid_diversity_loss, unsaid_marginal_loss

Callback = Callable[[Event], None]


class RealBatch(NamedTuple):
    """Real faces at full resolution, the caption each is trained with, their near misses, and what
    each caption states (attribute → value; empty when the caption is empty, the data cannot say, or
    no attribute reader needs it)."""

    images: torch.Tensor
    captions: list[str]
    near_misses: NearMisses | None
    mentioned: list[dict[str, str]]


class TrainingError(RuntimeError):
    """Training cannot go on (too many bad steps, out of memory, disk full); the message says why."""


class _Averages:
    """Running sums of logged values between two metrics lines."""

    def __init__(self) -> None:
        self.sums: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    def add(self, **values: float) -> None:
        for key, value in values.items():
            self.sums[key] = self.sums.get(key, 0.0) + value
            self.counts[key] = self.counts.get(key, 0) + 1

    def means(self) -> dict[str, float]:
        return {k: self.sums[k] / self.counts[k] for k in self.sums}


class Trainer:
    """Trains T2F progressively. Create with a config for a new run, or ``resume=True``.

    A new run can continue a trained model (``start_from``: a model or run folder) instead of
    starting from random weights: the run takes the model's networks, tokenizer, step and image
    count, and trains a new critic (its matching warm-up, then ``fresh_critic_steps`` critic-only
    steps) before the generator trains again. Only the model's EMA generator is exported, so this is
    how an exported model — the bundled one included — is trained further or on other data.
    """

    def __init__(self, run_dir: str | Path, config: RunConfig | None = None,
                 dataset: TextFaceDataset | None = None, callbacks: Sequence[Callback] = (),
                 resume: bool = False, start_from: str | Path | None = None) -> None:
        self.run = RunDir(Path(run_dir))
        self.callbacks: list[Callback] = list(callbacks)
        self.context = ddp.from_environment()
        self._stop = threading.Event()
        self._unpaused = threading.Event()
        self._unpaused.set()
        self.resumed = resume
        saved: RunConfig | None = None
        if resume:
            if not self.run.is_run():
                raise FileNotFoundError(f"{self.run.root} is not a run folder (no config.json)")
            saved = RunConfig.load(self.run.config)
            config = saved if config is None else continued_config(saved, config)
        elif config is None:
            raise ValueError("a new run needs a config")
        elif self.run.is_run() and self.run.latest_checkpoint() is not None:
            raise FileExistsError(f"{self.run.root} already holds a run; resume it or choose another folder")
        self._source: T2F | None = None
        if start_from is not None:
            if resume:
                raise ValueError("a resumed run continues its own checkpoint; start_from is for a new run")
            self._source_folder = resolve_model_folder(Path(start_from))
            self._source = T2F.load(self._source_folder, device="cpu")
            # The model's networks, whatever the config says — but the critic is new (a model ships
            # without one), so its widths are the config's, and the generator may be grown.
            channels = self._source.config.channels
            if config.train.widen_generator:
                problem = widening_problem(channels, config.train.widen_generator)
                if problem is not None:
                    raise ValueError(problem)
                channels = config.train.widen_generator
            config = config.replace(model=dataclasses.replace(
                self._source.config, channels=channels, critic_channels=config.model.critic_channels))
            info = self._source.info
            misfit = schedule_misfits_model(config.train, info.depth, info.alpha, info.images_seen)
            if misfit is not None:
                raise ValueError(f"this schedule cannot continue the model: {misfit}")
        self.config: RunConfig = config
        self.dataset = dataset if dataset is not None else _open_dataset(config)
        self.device = self._choose_device()
        ddp.init_process_group(self.context, self.device)
        # Held from before the first write until train() ends: one trainer per run folder.
        self._lock = RunLock(self.run.root)
        if self.context.is_main:
            self.run.create()
            self._lock.acquire()
        try:
            self._set_up(saved)
        except BaseException:
            self._lock.release()
            raise

    def _set_up(self, saved: RunConfig | None) -> None:
        """Tokenizer, networks, optimizers and position — restored from the checkpoint when resuming
        (``saved``: the run's config before this resume)."""
        self.tokenizer = self._prepare_tokenizer()
        self._build()
        self.step = 0
        self.images_seen = 0
        self.warmup_step = 0
        self.reader_step = 0
        self.fresh_critic_step = 0
        self.origin: dict[str, Any] | None = None  # the model a run started from, if any
        self.bad_steps = 0
        self.wall_time = 0.0
        self.rng = torch.Generator().manual_seed(self.config.train.seed + 7919 * self.context.rank)
        self.sampler = EpochSampler(len(self.dataset), self.config.train.seed,
                                    self.context.rank, self.context.world_size)
        if saved is not None:
            self._restore(self.run.latest_checkpoint())
            self._adopt_changed_config(saved)
        elif self._source is not None:
            self._adopt_model(self._source)
        self._source = None  # its weights now live in self.model and self.ema
        self.sample_captions, self.sample_seeds = self._fixed_samples()

    def _adopt_changed_config(self, saved: RunConfig) -> None:
        """Record a resumed run's new training settings — only once they are known not to undo progress.

        Checked after the checkpoint is read (the position needs its image count) and before the
        run's ``config.json`` is rewritten, so a refused schedule leaves the run as it was.
        """
        if self.config == saved:
            return
        moved_back = schedule_moves_back(saved.train, self.config.train, self.images_seen)
        if moved_back:
            raise ValueError(moved_back)
        if self.context.is_main:
            changed = sorted(k for k, v in self.config.train.to_dict().items() if saved.train.to_dict()[k] != v)
            self.run.append_log(f"resumed with a changed training config: {', '.join(changed)}")
            self.config.save(self.run.config)

    # ---- control (thread-safe) ----------------------------------------------------------------
    def request_stop(self) -> None:
        """Finish the current step, save a checkpoint and return from :meth:`train`."""
        self._stop.set()
        self._unpaused.set()

    def pause(self) -> None:
        self._unpaused.clear()

    def resume(self) -> None:
        self._unpaused.set()

    @property
    def paused(self) -> bool:
        return not self._unpaused.is_set()

    @property
    def position(self) -> Position:
        return position(self.config.train, self.images_seen)

    # ---- set-up --------------------------------------------------------------------------------
    def _choose_device(self) -> torch.device:
        device = resolve_device(self.config.train.device)
        if self.context.enabled and device.type == "cuda":
            device = torch.device("cuda", self.context.local_rank)
            torch.cuda.set_device(device)
        return device

    def _prepare_tokenizer(self) -> Tokenizer:
        model_cfg = self.config.model
        if self._source is not None:  # a model's text encoder reads its own tokenizer's pieces
            tokenizer = self._source.tokenizer
            if self.context.is_main:
                tokenizer.save(self.run.tokenizer)
        elif self.run.tokenizer.is_file():
            tokenizer = Tokenizer.load(self.run.tokenizer, max_tokens=model_cfg.max_tokens)
        else:
            if self.context.is_main:
                tokenizer = Tokenizer.train(self.dataset.all_captions(), model_cfg.vocab_size or None,
                                            model_cfg.max_tokens)
                tokenizer.save(self.run.tokenizer)
            if self.context.enabled:
                torch.distributed.barrier()
            if not self.context.is_main:
                tokenizer = Tokenizer.load(self.run.tokenizer, max_tokens=model_cfg.max_tokens)
        if tokenizer.vocab_size != model_cfg.vocab_size:
            self.config = self.config.replace(model=dataclasses.replace(model_cfg, vocab_size=tokenizer.vocab_size))
        if self.context.is_main and not self.resumed:  # a resumed run's config is saved once it is checked
            self.config.save(self.run.config)
        return tokenizer

    def _build(self) -> None:
        cfg = self.config
        torch.manual_seed(cfg.train.seed)
        self.model = T2F(cfg.model, self.tokenizer).to(self.device)
        self.model.known_words = caption_words(self.dataset.all_captions())  # exported with the model
        self.discriminator = Discriminator(cfg.model).to(self.device)
        if self.context.enabled:
            ddp.broadcast_parameters(self.model)
            ddp.broadcast_parameters(self.discriminator)
        self.ema = copy.deepcopy(self.model).eval().requires_grad_(False)
        fused = self.device.type == "cuda"
        self.opt_g = torch.optim.Adam(self.model.parameters(), lr=cfg.train.lr, betas=cfg.train.betas,
                                      eps=1e-8, fused=fused or None)
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=cfg.train.lr, betas=cfg.train.betas,
                                      eps=1e-8, fused=fused or None)
        self.amp_dtype = autocast_dtype(cfg.train.mixed_precision, self.device)
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.amp_dtype == torch.float16)
        self.reader: AttributeClassifier | None = None
        if cfg.train.reader_steps > 0:
            table = self.dataset.attribute_table()
            if table is None:
                raise ValueError(f"reader_steps needs a dataset with attribute labels; "
                                 f"{self.dataset.summary.source} has none (set reader_steps to 0)")
            self.reader = AttributeClassifier(table, cfg.model.resolution, cfg.train.reader_width).to(self.device)
        self.unsaid: UnsaidTargets | None = None
        unsaid_weights = (cfg.train.unsaid_diversity_weight, cfg.train.unsaid_marginal_weight, cfg.train.unsaid_code_weight)
        if self.reader is not None and any(weight > 0 for weight in unsaid_weights):
            self.unsaid = UnsaidTargets(self.reader.table,
                                        [self.dataset.attributes(i) for i in range(len(self.dataset))])
            if cfg.train.unsaid_code_weight > 0 and cfg.model.noise_dim < len(self.unsaid.names):
                raise ValueError(f"unsaid_code_weight codes {len(self.unsaid.names)} attributes in the noise, "
                                 f"but noise_dim is {cfg.model.noise_dim}")

    def _adopt_model(self, source: T2F) -> None:
        """Start a new run from a trained model: its generator (the exported EMA weights) for both the
        live and the averaged copy, its step and image count, and the words it already knew."""
        info = source.info
        # A generator grown to the config's widths (widen_generator) keeps every trained weight.
        weights = grown_state(source.state_dict(), self.model.state_dict(), seed=self.config.train.seed)
        weights = {k: v.to(self.device) for k, v in weights.items()}
        self.model.load_state_dict(weights)
        self.ema.load_state_dict(weights)
        self.step, self.images_seen = info.step, info.images_seen
        # A model exported before known_words.txt existed: its words are unknown, so it reads as written.
        known = None if source.known_words is None else source.known_words | (self.model.known_words or frozenset())
        self.model.known_words = self.ema.known_words = known
        self.origin = {"model": str(self._source_folder), "step": info.step, "images_seen": info.images_seen}

    def _fixed_samples(self) -> tuple[list[str], list[int]]:
        """The run's sample captions and seeds: fixed for the whole run so grids compare over time."""
        count = self.config.train.sample_count
        gen = torch.Generator().manual_seed(self.config.train.seed + 1)
        order = torch.randperm(len(self.dataset), generator=gen)[:count].tolist()
        captions = [self.dataset.captions(i)[0] for i in order]
        while len(captions) < count:
            captions.append(captions[len(captions) % len(order)])
        if self.context.is_main and not self.run.sample_captions.exists():
            atomic_write_text(self.run.sample_captions, "\n".join(c.replace("\n", " ") for c in captions) + "\n")
        return captions, list(range(count))

    # ---- the loop ------------------------------------------------------------------------------
    def add_callback(self, callback: Callback) -> None:
        self.callbacks.append(callback)

    def _emit(self, event: Event) -> None:
        if not self.context.is_main:
            return
        if isinstance(event, TrainingWarning):
            self.run.append_log(f"warning: {event.message}")
        for callback in self.callbacks:
            callback(event)

    def train(self, max_steps: int | None = None) -> TrainingFinished:
        """Run until the schedule ends, :meth:`request_stop` is called or ``max_steps`` total steps.

        Returns (and emits) the :class:`TrainingFinished` event describing how it ended. The run
        folder's lock is released when it returns, so the run can be continued by anyone.
        """
        if self.context.is_main:
            self._lock.acquire()
        try:
            with memory_kept_for_training(enabled=self.device.type == "cpu"):
                return self._train(max_steps)
        finally:
            self._lock.release()

    def _train(self, max_steps: int | None) -> TrainingFinished:
        cfg = self.config.train
        self._emit(TrainingStarted(self.run.root, self.resumed, self.step, self.images_seen, cfg.total_images,
                                   self.dataset.summary.text(), str(self.device),
                                   self.origin["model"] if self.origin else None))
        fallback = float32_fallback_reason(cfg.mixed_precision, self.device)
        if fallback is not None:
            self._emit(TrainingWarning(f"mixed precision {cfg.mixed_precision} is not available: {fallback}; "
                                       "training in float32"))
        averages = _Averages()
        interval_start, interval_images = time.perf_counter(), 0
        last_clock = time.perf_counter()
        stage = None
        reason, message = "completed", ""
        try:
            if not (self._prerender_faces() and self._warm_up_matching() and self._train_reader()
                    and self._train_fresh_critic()):
                reason = "stopped"
            while reason != "stopped":
                if not self._unpaused.is_set():
                    self.wall_time += time.perf_counter() - last_clock
                    self._unpaused.wait()
                    last_clock = interval_start = time.perf_counter()
                    interval_images = 0
                if self._stop.is_set():
                    reason = "stopped"
                    break
                pos = self.position
                if pos.finished:
                    break
                if max_steps is not None and self.step >= max_steps:
                    reason = "max_steps"
                    break
                if pos.stage != stage:
                    stage = pos.stage
                    self._emit(StageChanged(pos.stage, pos.stages, pos.resolution, pos.batch_size))
                values = self._train_step(pos)
                now = time.perf_counter()
                self.wall_time += now - last_clock
                last_clock = now
                if values is None:
                    continue
                averages.add(**values)
                interval_images += self._global_batch(pos)
                if self.step % cfg.log_every == 0:
                    elapsed = max(now - interval_start, 1e-9)
                    self._log_metrics(pos, averages.means(), interval_images / elapsed)
                    averages, interval_start, interval_images = _Averages(), now, 0
                if self.step % cfg.sample_every == 0:
                    self.save_samples()
                if self.step % cfg.checkpoint_every == 0:
                    self.save_checkpoint()
        except TrainingError as error:
            reason, message = "failed", str(error)
        except torch.cuda.OutOfMemoryError:
            reason = "failed"
            message = (f"out of GPU memory at batch size {self.position.batch_size}; "
                       "try a smaller batch size or resolution")
        if averages.sums:  # the steps since the last logged line, so followers see the end
            now = time.perf_counter()
            self._log_metrics(self.position, averages.means(), interval_images / max(now - interval_start, 1e-9))
        if reason != "failed":
            try:
                self.save_samples()
                self.save_checkpoint()
            except OSError as error:
                reason, message = "failed", f"could not save the final checkpoint: {error}"
        if self.context.enabled:
            self._check_ranks_in_sync()
        finished = TrainingFinished(reason, self.step, self.images_seen, message)
        if message:
            self._emit(TrainingWarning(message))
        self._emit(finished)
        return finished

    def _global_batch(self, pos: Position) -> int:
        return self._rank_batch(pos) * self.context.world_size

    def _rank_batch(self, pos: Position) -> int:
        return max(1, pos.batch_size // self.context.world_size)

    def _batch(self, pos: Position) -> RealBatch:
        """Real images at the model's full resolution, one caption per image, and near misses if the
        contrastive term will rank them."""
        return self._real_batch(self._rank_batch(pos), self.config.train.contrastive_matching)

    def _real_batch(self, count: int, with_near_misses: bool = True) -> RealBatch:
        """``count`` real images at the model's full resolution, one caption each (some empty)."""
        indices = self.sampler.take(count)
        images = self._full_resolution(self.dataset.images(indices))
        choice = torch.rand(count, generator=self.rng)
        empty = torch.rand(count, generator=self.rng) < self.config.train.empty_caption_prob
        captions, mentioned = [], []
        for i, index in enumerate(indices):
            options = self.dataset.captions(index)
            pick = min(int(choice[i] * len(options)), len(options) - 1)
            captions.append("" if empty[i] else options[pick])
            stated = None if empty[i] or self.reader is None else self.dataset.mentioned_attributes(index)
            mentioned.append(dict(stated[pick]) if stated else {})
        near_misses = self._near_misses(indices, captions) if with_near_misses else None
        return RealBatch(images.to(self.device, non_blocking=True), captions, near_misses, mentioned)

    def _full_resolution(self, images: torch.Tensor) -> torch.Tensor:
        """Dataset images resized to the model's resolution (area down, bilinear up)."""
        size = self.config.model.resolution
        if images.shape[-1] == size:
            return images
        return F.interpolate(images, size=(size, size), mode="area" if images.shape[-1] > size else "bilinear",
                             align_corners=None if images.shape[-1] > size else False)

    def _near_misses(self, indices: Sequence[int], captions: Sequence[str]) -> NearMisses | None:
        """``near_miss_captions`` wrong-in-one-attribute captions per image, when the dataset can
        write them (see :mod:`core.data.synthetic.near_miss`); ``None`` when off or none came back.

        Their randomness is seeded from the trainer's generator, so a resumed run draws the same."""
        per_image = self.config.train.near_miss_captions
        if per_image <= 0:
            return None
        rng = np.random.default_rng(int(torch.randint(2**62, (1,), generator=self.rng)))
        texts: list[str] = []
        allowed = torch.zeros(len(captions), per_image, dtype=torch.bool)
        for row, (index, caption) in enumerate(zip(indices, captions)):
            found = self.dataset.near_miss_captions(int(index), per_image, rng)[:per_image] if caption else []
            allowed[row, :len(found)] = True
            texts += found + [""] * (per_image - len(found))
        if not bool(allowed.any()):
            return None
        ids, lengths = self.tokenizer.batch(texts)
        return NearMisses(ids.to(self.device), lengths.to(self.device), allowed.to(self.device))

    def _prerender_faces(self) -> bool:
        """Draw a procedural dataset's faces on all cores but one before the first step (False if
        stopped); the core left free keeps the app's window responsive meanwhile.

        Otherwise the first epoch waits on one thread rendering them: on a GPU that held the
        bundled recipe to 140–300 images/s instead of 500–700 for its first 40k images. With two
        cores this leaves one worker, so the faces are drawn on first use as before.
        """
        prerender = getattr(self.dataset, "prerender", None)
        if prerender is None:
            return True
        return prerender(max(1, usable_cpu_cores() // self.context.world_size - 1), self._stop.is_set)

    def _warm_up_matching(self) -> bool:
        """Run what is left of the matching warm-up (see :mod:`core.training.matching`).

        Returns ``False`` when a stop request interrupted it; the checkpoint written on the way out
        records how far it got, and a resumed run continues from there. When it ends, the
        generator's text encoder (and its EMA copy) start from the critic's, and a checkpoint
        marks the warm-up done.
        """
        cfg = self.config.train
        if self.warmup_step >= cfg.matching_warmup_steps or self.step > self._first_step:
            return True
        disc = self.discriminator
        optimizer = torch.optim.Adam(disc.parameters(), lr=cfg.matching_warmup_lr, betas=cfg.betas, eps=1e-8)
        losses: list[float] = []
        while self.warmup_step < cfg.matching_warmup_steps:
            self._unpaused.wait()
            if self._stop.is_set():
                return False
            batch = self._real_batch(max(2, cfg.matching_warmup_batch // self.context.world_size))
            ids, lengths = (t.to(self.device) for t in self.tokenizer.batch(batch.captions))
            depth = depth_for_step(self.warmup_step, disc.max_depth)
            # fp32: short, and no scaler
            loss = matching_step(disc, batch.images, ids, lengths, batch.captions, depth, batch.near_misses)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self._sync_and_step(optimizer, disc, scaled=False)
            self.warmup_step += 1
            losses.append(loss.item())
            # Ten progress events per warm-up: enough for a status line, few enough for a log.
            tenth = max(1, cfg.matching_warmup_steps // 10)
            if self.warmup_step % tenth == 0 or self.warmup_step == cfg.matching_warmup_steps:
                self._emit(MatchingWarmup(self.warmup_step, cfg.matching_warmup_steps,
                                          sum(losses) / len(losses)))
                losses = []
        if self.origin is None:  # a trained model keeps its own text encoder
            for generator in (self.model, self.ema):  # same architecture: start from the critic's weights
                generator.text_encoder.load_state_dict(disc.text_encoder.state_dict())
        self.save_checkpoint()
        return True

    @property
    def _first_step(self) -> int:
        """The step this run's GAN training began at: 0, or the step of the model it started from."""
        return 0 if self.origin is None else int(self.origin["step"])

    def _train_fresh_critic(self) -> bool:
        """Critic-only GAN steps, the generator frozen, before a run started from a model trains it.

        A new critic's first judgements are noise; a trained generator following them would lose
        what it learnt before the critic learns to tell its faces from real ones. These steps do not
        move the schedule (the images are the critic's alone). Returns ``False`` when stopped.
        """
        steps = self.config.train.fresh_critic_steps
        if self.origin is None or self.step > self._first_step:
            return True
        losses: list[float] = []
        while self.fresh_critic_step < steps:
            self._unpaused.wait()
            if self._stop.is_set():
                return False
            values = self._train_step(self.position, train_generator=False)
            if values is None:
                continue
            self.fresh_critic_step += 1
            losses.append(values["d_loss"])
            tenth = max(1, steps // 10)
            if self.fresh_critic_step % tenth == 0 or self.fresh_critic_step == steps:
                self._emit(FreshCriticTraining(self.fresh_critic_step, steps, sum(losses) / len(losses)))
                losses = []
        if steps:
            self.save_checkpoint()
        return True

    def _train_reader(self) -> bool:
        """Fit what is left of the attribute reader's steps, then freeze it (see
        :mod:`core.training.attribute_reader`).

        Returns ``False`` when a stop request interrupted it; a resumed run continues from the
        checkpoint written on the way out (with a fresh optimizer, as the warm-up does).
        """
        cfg = self.config.train
        reader = self.reader
        if reader is None:
            return True
        if self.reader_step < cfg.reader_steps:
            reader.train().requires_grad_(True)
            optimizer = torch.optim.Adam(reader.parameters(), lr=cfg.reader_lr)
            losses: list[float] = []
            while self.reader_step < cfg.reader_steps:
                self._unpaused.wait()
                if self._stop.is_set():
                    return False
                indices = self.sampler.take(max(2, cfg.reader_batch // self.context.world_size))
                images = self._full_resolution(self.dataset.images(indices)).to(self.device)
                labels = [self.dataset.attributes(int(i)) or {} for i in indices]
                loss = reader_training_step(reader, images, labels, self.reader_step,
                                            self.discriminator.max_depth, self.rng)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if self.context.enabled:
                    ddp.average_gradients(list(reader.parameters()), self.context.world_size)
                optimizer.step()
                self.reader_step += 1
                losses.append(loss.item())
                tenth = max(1, cfg.reader_steps // 10)
                if self.reader_step % tenth == 0 or self.reader_step == cfg.reader_steps:
                    self._emit(ReaderTraining(self.reader_step, cfg.reader_steps, sum(losses) / len(losses)))
                    losses = []
            self.save_checkpoint()
        reader.eval().requires_grad_(False)
        return True

    def _noise(self, count: int) -> tuple[torch.Tensor, torch.Tensor]:
        cfg = self.config.model
        z = torch.randn(count, cfg.noise_dim, generator=self.rng)
        eps = torch.randn(count, cfg.ca_dim, generator=self.rng)
        return z.to(self.device), eps.to(self.device)

    def _condition(self, mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        """The CA sample the generator trains on: μ + ca_noise·σ·ε (see ``TrainConfig.ca_noise``)."""
        return ConditioningAugmentation.sample(mu, logvar, self.config.train.ca_noise * eps)

    def _autocast(self) -> Any:
        return torch.autocast(self.device.type, dtype=self.amp_dtype or torch.float32,
                              enabled=self.amp_dtype is not None)

    def _train_step(self, pos: Position, train_generator: bool = True) -> dict[str, float] | None:
        """One discriminator step then one generator step. ``None`` when the step was skipped.

        Without ``train_generator`` only the critic steps and the schedule stays where it is (see
        :meth:`_train_fresh_critic`).
        """
        cfg = self.config.train
        depth, alpha = pos.stage, pos.alpha
        images, captions, near_misses, mentioned = self._batch(pos)
        count = images.shape[0]
        wrong = derangement(count, self.rng).to(self.device) if count > 1 else None
        contrastive = cfg.contrastive_matching
        allowed = caption_pairs(captions).to(self.device) if contrastive else None
        use_reader = self.reader is not None and cfg.reader_weight > 0
        seek_modes = cfg.mode_seeking_weight > 0 and count > 1
        vary_unsaid = self.unsaid is not None and cfg.unsaid_diversity_weight > 0 and count > 1
        match_unsaid = self.unsaid is not None and cfg.unsaid_marginal_weight > 0
        code_unsaid = self.unsaid is not None and cfg.unsaid_code_weight > 0
        mix = torch.rand(count, 1, 1, 1, generator=self.rng).to(self.device)
        z, eps = self._noise(count)
        tick = self.step if train_generator else self.fresh_critic_step
        apply_gp = cfg.gp_weight > 0 and (tick % cfg.gp_every == 0)
        model, disc = self.model, self.discriminator

        with self._autocast():
            real = real_images_at(images, depth, alpha)
            ids, lengths = (t.to(self.device) for t in self.tokenizer.batch(captions))
            # The generator draws the batch once, with its graph, for both steps: the critic's update
            # leaves the generator as it was, so its step would draw exactly these faces again (one
            # generator forward saved, ~5 % of an iteration; pro-gan-pth also feeds both steps the
            # same noise). A critic-only step needs neither the graph nor μ, σ as more than constants.
            with torch.set_grad_enabled(train_generator):
                mu, logvar = model.ca(model.text_encoder(ids, lengths))
                c = self._condition(mu, logvar, eps)
                fake = model.generator(torch.cat([c, z], 1), depth, alpha)
            text_d = disc.encode_text(ids, lengths)
            real_features = disc.features(real, depth, alpha)
            real_scores = disc.head(real_features, text_d).float()
            fake_scores = disc(fake.detach(), text_d, depth, alpha).float()
            if contrastive:
                with torch.no_grad():  # logged only
                    pairs = disc.pair_scores(real_features, text_d).float()
                    mismatched = pairs[~torch.eye(count, dtype=torch.bool, device=self.device) & allowed]
                d_loss = (discriminator_loss(real_scores, fake_scores, None) + cfg.mismatch_weight
                          * matching_loss(disc, real_features, text_d, allowed, near_misses))
            else:
                mismatched = disc.head(real_features, text_d[wrong]).float() if wrong is not None else None
                d_loss = discriminator_loss(real_scores, fake_scores, mismatched, cfg.mismatch_weight,
                                            cfg.mismatch_loss, cfg.mismatch_margin)
            drift = drift_penalty(real_scores)
            d_total = d_loss + cfg.drift_weight * drift
        gp = torch.zeros((), device=self.device)
        if apply_gp:
            scale = self.scaler.get_scale() if self.scaler.is_enabled() else 1.0
            with self._autocast():
                gp = gradient_penalty(lambda x: disc(x, text_d.detach(), depth, alpha).float(),
                                      real.float(), fake.detach().float(), mix, loss_scale=scale)
            d_total = d_total + cfg.gp_weight * cfg.gp_every * gp
        if not self._finite(d_total, "discriminator"):
            return None
        self.opt_d.zero_grad(set_to_none=True)
        self.scaler.scale(d_total).backward()
        self._sync_and_step(self.opt_d, disc)
        if not train_generator:
            self.scaler.update()
            return {"d_loss": d_loss.item(), "real_score": real_scores.mean().item(),
                    "fake_score": fake_scores.mean().item()}

        disc.requires_grad_(False)
        with torch.no_grad():  # the critic's text features after its update, as a constant
            text_d = disc.encode_text(ids, lengths).float()
        try:
            with self._autocast():
                fake_features = disc.features(fake, depth, alpha)
                g_loss = generator_loss(disc.head(fake_features, text_d).float())
                if contrastive and cfg.generator_matching_weight > 0:
                    g_loss = g_loss + cfg.generator_matching_weight * contrastive_matching_loss(
                        disc.pair_scores(fake_features, text_d).float(), allowed)
                kl = kl_divergence(mu.float(), logvar.float())
                g_total = g_loss + cfg.kl_weight * kl
                readings = self.reader(fake) if use_reader or vary_unsaid or match_unsaid or code_unsaid else None
                if use_reader:
                    misread = reader_cross_entropy(readings, label_targets(self.reader.table, mentioned, self.device))
                    g_total = g_total + cfg.reader_weight * misread
                if seek_modes or vary_unsaid:  # half the batch again, same conditions, new noise
                    half = count // 2
                    z_twin, _ = self._noise(half)
                    twins = model.generator(torch.cat([c[:half], z_twin], 1), depth, alpha)
                if seek_modes:
                    seeking = mode_seeking_loss(fake[:half].float(), twins.float(), z[:half], z_twin)
                    g_total = g_total + cfg.mode_seeking_weight * seeking
                if vary_unsaid:
                    targets, unsaid = self.unsaid.for_captions(mentioned[:half])
                    unsaid_cost = unsaid_diversity_loss({k: v[:half] for k, v in readings.items()},
                                                          self.reader(twins), self.unsaid.names, targets, unsaid)
                    g_total = g_total + cfg.unsaid_diversity_weight * unsaid_cost
                if match_unsaid:
                    _, all_unsaid = self.unsaid.for_captions(mentioned)
                    marginal_cost = unsaid_marginal_loss(readings, self.unsaid.frequencies(mentioned), all_unsaid)
                    g_total = g_total + cfg.unsaid_marginal_weight * marginal_cost
                if code_unsaid:
                    uniforms = torch.special.ndtr(z[:, :len(self.unsaid.names)].float()).cpu().numpy()
                    coded_values, coded = self.unsaid.complete(mentioned, uniforms)
                    code_cost = unsaid_code_loss(readings, coded_values, coded)
                    g_total = g_total + cfg.unsaid_code_weight * code_cost
            if not self._finite(g_total, "generator"):
                return None
            self.opt_g.zero_grad(set_to_none=True)
            self.scaler.scale(g_total).backward()
            self._sync_and_step(self.opt_g, model)
        finally:
            disc.requires_grad_(True)
        self.scaler.update()
        self._update_ema(ema_beta(cfg.ema_beta, self.step))
        self.bad_steps = 0
        self.step += 1
        self.images_seen += self._global_batch(pos)
        values = {"d_loss": d_loss.item(), "g_loss": g_loss.item(), "drift": drift.item(), "kl": kl.item(),
                  "real_score": real_scores.mean().item(), "fake_score": fake_scores.mean().item()}
        if mismatched is not None and mismatched.numel() > 0:
            values["mismatch_score"] = mismatched.mean().item()
        if apply_gp:
            values["gp"] = gp.item()
        if use_reader:
            values["reader_loss"] = misread.item()
        if seek_modes:
            values["mode_seeking"] = seeking.item()
        if vary_unsaid:
            values["unsaid_diversity"] = unsaid_cost.item()
        if match_unsaid:
            values["unsaid_marginal"] = marginal_cost.item()
        if code_unsaid:
            values["unsaid_code"] = code_cost.item()
        return values

    def _finite(self, loss: torch.Tensor, which: str) -> bool:
        """Skip a step whose loss is NaN or infinite; give up after too many in a row."""
        if torch.isfinite(loss).item():
            return True
        self.bad_steps += 1
        self.model.zero_grad(set_to_none=True)
        self.discriminator.zero_grad(set_to_none=True)
        self._emit(TrainingWarning(f"step {self.step}: non-finite {which} loss ({loss.detach().item()}); step skipped "
                                   f"({self.bad_steps} in a row)"))
        if self.bad_steps >= self.config.train.max_bad_steps:
            raise TrainingError(f"training stopped: {self.bad_steps} consecutive non-finite steps "
                                f"(last good checkpoint kept); try a lower learning rate")
        return False

    def _sync_and_step(self, optimizer: torch.optim.Optimizer, module: torch.nn.Module, scaled: bool = True) -> None:
        """Average gradients across processes, then step; ``scaled`` says whether the loss went through
        the fp16 grad scaler (the fp32 matching warm-up does not, and the scaler refuses to step
        an optimizer whose gradients it never scaled)."""
        if self.context.enabled:
            ddp.average_gradients(list(module.parameters()), self.context.world_size)
        if scaled:
            self.scaler.step(optimizer)
        else:
            optimizer.step()

    @torch.no_grad()
    def _update_ema(self, beta: float) -> None:
        ema_params = list(self.ema.parameters())
        live = [p.detach() for p in self.model.parameters()]
        torch._foreach_lerp_(ema_params, live, 1.0 - beta)

    # ---- outputs -------------------------------------------------------------------------------
    def _log_metrics(self, pos: Position, means: dict[str, float], images_per_s: float) -> None:
        if not self.context.is_main:
            return
        values: dict[str, Any] = {
            "step": self.step, "images_seen": self.images_seen, "stage": pos.stage, "stages": pos.stages,
            "resolution": pos.resolution, "alpha": round(pos.alpha, 6), "batch_size": pos.batch_size,
            "total_images": pos.total_images,
        }
        values.update({k: round(v, 6) for k, v in means.items()})
        values.update({"images_per_s": round(images_per_s, 3), "wall_time": round(self.wall_time, 3),
                       "time": round(time.time(), 3)})
        self.run.append_metrics(values)
        self._emit(StepMetrics(values))

    @torch.no_grad()
    def sample_images(self) -> torch.Tensor:
        """The fixed-caption, fixed-noise grid images from the EMA generator at the current position."""
        pos = self.position
        latents = self.ema.latents(self.sample_captions, self.sample_seeds)
        return self.ema.generator(latents, pos.stage, pos.alpha)

    def save_samples(self) -> Path | None:
        if not self.context.is_main:
            return None
        images = self.sample_images()
        scale = self.config.model.resolution // images.shape[-1]
        if scale > 1:  # every grid has the same size, so a time-lapse lines up
            images = F.interpolate(images, scale_factor=float(scale), mode="nearest")
        path = self.run.samples / f"{self.step:08d}.png"
        save_grid(images, path)
        self._emit(SamplesSaved(path, self.step, self.images_seen))
        return path

    def _checkpoint_state(self) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
        tensors: dict[str, torch.Tensor] = {}
        modules = [("model", self.model), ("ema", self.ema), ("disc", self.discriminator)]
        if self.reader is not None:
            modules.append(("reader", self.reader))
        for prefix, module in modules:
            tensors.update({f"{prefix}.{k}": v for k, v in module.state_dict().items()})
        meta: dict[str, Any] = {
            "step": self.step, "images_seen": self.images_seen, "bad_steps": self.bad_steps,
            "wall_time": self.wall_time, "sampler": self.sampler.state(), "warmup_step": self.warmup_step,
            "reader_step": self.reader_step, "fresh_critic_step": self.fresh_critic_step,
            "origin": self.origin,
            "opt_g": flatten_optimizer("opt_g", self.opt_g.state_dict(), tensors),
            "opt_d": flatten_optimizer("opt_d", self.opt_d.state_dict(), tensors),
            "world_size": self.context.world_size,
        }
        tensors["rng.trainer"] = self.rng.get_state()
        tensors["rng.torch"] = torch.get_rng_state()
        if self.scaler.is_enabled():
            meta["scaler"] = self.scaler.state_dict()
        return tensors, meta

    def save_checkpoint(self) -> Path | None:
        """Write a checkpoint and export the EMA model to ``model/`` (main rank only)."""
        from core.training.checkpoint import save_checkpoint

        if not self.context.is_main:
            return None
        tensors, meta = self._checkpoint_state()
        path = self.run.checkpoints / checkpoint_name(self.step)
        save_checkpoint(path, tensors, meta)
        prune_checkpoints(self.run.checkpoints, self.config.train.keep_checkpoints)
        self.export_model(self.run.model)
        self._emit(CheckpointSaved(path, self.step, self.images_seen))
        return path

    def export_model(self, folder: Path) -> None:
        """Save the EMA model at the current position, replacing ``folder`` in one rename."""
        pos = self.position
        self.ema.info = ModelInfo(depth=pos.stage, alpha=pos.alpha, images_seen=self.images_seen,
                                  dataset=self.dataset.summary.source, step=self.step)
        staging = folder.with_name(folder.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        self.ema.save(staging)
        previous = folder.with_name(folder.name + ".old")
        shutil.rmtree(previous, ignore_errors=True)
        if folder.exists():
            folder.rename(previous)
        staging.rename(folder)
        shutil.rmtree(previous, ignore_errors=True)

    def _restore(self, path: Path | None) -> None:
        if path is None:
            raise FileNotFoundError(f"{self.run.checkpoints} holds no checkpoint to resume from")
        tensors, meta = load_checkpoint(path)
        try:
            load_state_strict(self.model, sub_state(tensors, "model"), path)
            load_state_strict(self.ema, sub_state(tensors, "ema"), path)
            load_state_strict(self.discriminator, sub_state(tensors, "disc"), path)
            self.opt_g.load_state_dict(unflatten_optimizer("opt_g", meta["opt_g"], tensors))
            self.opt_d.load_state_dict(unflatten_optimizer("opt_d", meta["opt_d"], tensors))
            self._apply_optimizer_settings()
            self.rng.set_state(tensors["rng.trainer"])
            torch.set_rng_state(tensors["rng.torch"])
            self.step, self.images_seen = int(meta["step"]), int(meta["images_seen"])
            self.bad_steps, self.wall_time = int(meta["bad_steps"]), float(meta["wall_time"])
            self.sampler.load_state(meta["sampler"])
            self.warmup_step = int(meta.get("warmup_step", self.config.train.matching_warmup_steps))
            self.reader_step = int(meta.get("reader_step", 0))
            self.fresh_critic_step = int(meta.get("fresh_critic_step", 0))
            self.origin = meta.get("origin")
            if self.reader is not None and self.reader_step > 0:
                load_state_strict(self.reader, sub_state(tensors, "reader"), path)
            if "scaler" in meta and self.scaler.is_enabled():
                self.scaler.load_state_dict(meta["scaler"])
        except (KeyError, ValueError, RuntimeError) as error:
            if isinstance(error, ModelFileError):
                raise
            raise ModelFileError(path, f"checkpoint does not fit this run ({error})") from None
        if meta.get("world_size", 1) != self.context.world_size:
            self._emit(TrainingWarning(f"resuming a {meta.get('world_size')}-process run with "
                                       f"{self.context.world_size} process(es): data order will differ"))

    def _apply_optimizer_settings(self) -> None:
        """Give both optimizers this run's ``lr`` and ``betas`` after their state was read back.

        ``Optimizer.load_state_dict`` restores the hyperparameters saved with the moments, so
        without this a resume under a config with a new learning rate would log the change and go
        on training at the old one.
        """
        for optimizer in (self.opt_g, self.opt_d):
            for group in optimizer.param_groups:
                group["lr"] = self.config.train.lr
                group["betas"] = tuple(self.config.train.betas)

    def _check_ranks_in_sync(self) -> None:
        checksums = ddp.all_gather_floats(ddp.parameter_checksum(self.model))
        if self.context.is_main:
            atomic_write_text(self.run.root / "ranks.json",
                              '{"checksums": [' + ", ".join(repr(c) for c in checksums) + "]}\n")
            if any(not math.isclose(c, checksums[0], rel_tol=0, abs_tol=0) for c in checksums):
                self._emit(TrainingWarning(f"ranks hold different weights: {checksums}"))


def continued_config(saved: RunConfig, new: RunConfig) -> RunConfig:
    """The config of a run resumed under ``new`` training settings (a longer schedule, another loss).

    The networks and the data must stay what the checkpoint was trained with; a ``vocab_size`` of 0
    in ``new`` means "the run's tokenizer", as it does for a new run, and a ``widen_generator`` in
    ``new`` names the generator widths its run holds (it grew them from a model), so the config file
    that started such a run can resume it.
    """
    model = dataclasses.replace(new.model, vocab_size=new.model.vocab_size or saved.model.vocab_size)
    if new.train.widen_generator:
        model = dataclasses.replace(model, channels=new.train.widen_generator)
    if model != saved.model:
        diff = sorted(k for k, v in model.to_dict().items() if saved.model.to_dict()[k] != v)
        raise ValueError(f"a resumed run keeps its model; the new config changes {', '.join(diff)}")
    if new.data != saved.data:
        raise ValueError("a resumed run keeps its data; the new config names other data")
    return saved.replace(train=new.train)


def ema_beta(target: float, step: int) -> float:
    """EMA decay with a ramp-up: ``min(target, (1 + step) / (10 + step))``.

    With a fixed 0.999 a short run's averaged generator would still be mostly its random
    initialisation (0.999^750 ≈ 0.47); the ramp lets it follow the trained weights early and
    settle on the target decay after a few thousand steps, as ProGAN's implementation does.
    """
    return min(target, (1.0 + step) / (10.0 + step))


def _open_dataset(config: RunConfig) -> TextFaceDataset:
    """The dataset named by the run config (embedded synthetic faces or a folder)."""
    from core.data import open_dataset  # provided by the data package

    data = config.data
    source = data.source
    if source == "synthetic":
        source = f"synthetic:{data.synthetic_count}"
    return open_dataset(source, resolution=config.model.resolution, cache_dir=data.cache_dir,
                        seed=data.synthetic_seed)
