"""The one training loop, used by the CLI, the desktop app and ``torchrun`` jobs alike.

A :class:`Trainer` owns the networks, optimizers, schedule position and random state of one run,
writes the run folder (see :mod:`core.training.rundir`) and reports through callbacks. Callers
control it from any thread with :meth:`request_stop`, :meth:`pause` and :meth:`resume`; stopping
always ends with a checkpoint, so a stopped run continues exactly where it left off.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from core.config import RunConfig
from core.data.base import TextFaceDataset
from core.devices import float32_fallback_reason, resolve_device
from core.explore import save_grid
from core.io import ModelFileError, atomic_write_text
from core.model.t2f import T2F, resolve_model_folder
from core.model.widen import grown_state
from core.training import distributed as ddp
from core.training.batches import RealBatch, RealBatches
from core.training.checkpoint import checkpoint_name, list_checkpoints, prune_checkpoints
from core.training.events import (CheckpointSaved, Event, SamplesSaved, StageChanged, StepMetrics, TrainingFinished,
                                  TrainingStarted, TrainingWarning)
from core.training.kernels import StageKernels, to_channels_last
from core.training.memory import memory_kept_for_training
from core.training.objective import Objective
from core.training.pre_gan import before_the_gan
from core.training.rundir import RunDir
from core.training.run_state import (RunProgress, TrainingState, apply_optimizer_settings, changed_training_settings,
                                     continued_config, ema_beta, export_model)
from core.training.sampler import EpochSampler
from core.training.setup import (build_networks, config_from_model, fixed_sample_captions, open_run_dataset,
                                  prepare_tokenizer)
from core.training.runlock import RunLock
from core.training.syncfree import Averages, DeviceGuard, ema_update_, sync_free_enabled
from core.training.schedule import Position, position

Callback = Callable[[Event], None]

__all__ = ["Trainer", "TrainingError", "RealBatch", "continued_config", "ema_beta"]


class TrainingError(RuntimeError):
    """Training cannot go on (too many bad steps, out of memory, disk full); the message says why."""


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
        self._last_checkpoint = time.monotonic()
        self.resumed = resume
        saved: RunConfig | None = None
        if resume:
            if not self.run.is_run():
                raise FileNotFoundError(f"{self.run.root} is not a run folder (no config.json)")
            saved = RunConfig.load(self.run.config)
            config = saved if config is None else continued_config(saved, config)
        elif config is None:
            raise ValueError("a new run needs a config")
        elif self.run.latest_checkpoint() is not None:
            raise FileExistsError(f"{self.run.root} already holds a run; resume it or choose another folder")
        self._source: T2F | None = None
        if start_from is not None:
            if resume:
                raise ValueError("a resumed run continues its own checkpoint; start_from is for a new run")
            self._source_folder = resolve_model_folder(Path(start_from))
            self._source = T2F.load(self._source_folder, device="cpu")
            config = config_from_model(config, self._source)
        self.config: RunConfig = config
        self.dataset = dataset if dataset is not None else open_run_dataset(config)
        self.device = self._choose_device()
        ddp.init_process_group(self.context, self.device)
        # Held from before the first write until train() ends: one trainer per run folder.
        self._lock = RunLock(self.run.root)
        aside = None
        if self.context.is_main:
            self.run.create()
            self._lock.acquire()
            aside = None if resume else self.run.set_aside_unfinished()
        try:
            self._set_up(saved)
        except BaseException:
            self._lock.release()
            raise
        if self.context.is_main and aside is not None:
            self.run.append_log(f"a run here had stopped before its first checkpoint; its files are in {aside.name}")

    def _set_up(self, saved: RunConfig | None) -> None:
        """Tokenizer, networks, optimizers and position — restored from the checkpoint when resuming
        (``saved``: the run's config before this resume)."""
        self.tokenizer, self.config = prepare_tokenizer(self.run, self.config, self.dataset, self._source,
                                                        self.context, save_config=not self.resumed)
        torch.manual_seed(self.config.train.seed)
        nets = build_networks(self.config, self.tokenizer, self.dataset, self.device, self.context)
        self.model, self.ema, self.discriminator, self.reader, self.unsaid = (nets.model, nets.ema, nets.critic,
                                                                              nets.reader, nets.unsaid)
        self.opt_g, self.opt_d, self.scaler, self.amp_dtype = nets.opt_g, nets.opt_d, nets.scaler, nets.amp_dtype
        #: Steps that never wait for the device (core.training.syncfree); bad steps counted there.
        self.sync_free = sync_free_enabled(self.config.train.sync_free, self.device, self.config.train.mixed_precision)
        self.guard = DeviceGuard(self.device) if self.sync_free else None
        self.progress = RunProgress()
        self.rng = torch.Generator().manual_seed(self.config.train.seed + 7919 * self.context.rank)
        self.sampler = EpochSampler(len(self.dataset), self.config.train.seed,
                                    self.context.rank, self.context.world_size)
        self.batches = RealBatches(self.config, self.dataset, self.sampler, self.rng, self.tokenizer, self.device,
                                   wants_mentions=self.reader is not None)
        self.objective = Objective(self.config.train, self.model, self.discriminator, self.reader, self.unsaid,
                                   self.tokenizer, (self.opt_g, self.opt_d), self.scaler, self.amp_dtype, self.rng,
                                   self.device, self.context)
        train = self.config.train
        if train.channels_last:
            to_channels_last(self.model.generator, self.ema.generator, self.discriminator)
        if train.compile != "off":
            self.objective.kernels = StageKernels(self.model.generator, self.discriminator, train.compile,
                                                  channels_last=train.channels_last)
        self.state = TrainingState(self.model, self.ema, self.discriminator, self.reader,
                                   {"opt_g": self.opt_g, "opt_d": self.opt_d}, self.scaler, self.rng, self.sampler)
        if saved is not None:
            self._restore_newest()
            self._adopt_changed_config(saved)
        elif self._source is not None:
            self._adopt_model(self._source)
        self._source = None  # its weights now live in self.model and self.ema
        self.sample_captions = fixed_sample_captions(self.config.train, self.dataset)
        self.sample_seeds = list(range(len(self.sample_captions)))
        if self.context.is_main and not self.run.sample_captions.exists():
            atomic_write_text(self.run.sample_captions,
                              "\n".join(c.replace("\n", " ") for c in self.sample_captions) + "\n")

    def _adopt_changed_config(self, saved: RunConfig) -> None:
        """Record a resumed run's new training settings — only once they are known not to undo progress.

        Checked after the checkpoint is read (the position needs its image count) and before the
        run's ``config.json`` is rewritten, so a refused schedule leaves the run as it was.
        """
        changed = changed_training_settings(saved, self.config, self.images_seen)
        if changed and self.context.is_main:
            self.run.append_log(f"resumed with a changed training config: {', '.join(changed)}")
            self.config.save(self.run.config)

    # ---- counters ------------------------------------------------------------------------------
    @property
    def step(self) -> int:
        """GAN steps so far (a run from a model starts at that model's)."""
        return self.progress.step

    @property
    def images_seen(self) -> int:
        return self.progress.images_seen

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

    def _adopt_model(self, source: T2F) -> None:
        """Start a new run from a trained model: its generator (the exported EMA weights) for both the
        live and the averaged copy, its step and image count, and the words it already knew."""
        info = source.info
        # A generator grown to the config's widths (widen_generator) keeps every trained weight.
        weights = grown_state(source.state_dict(), self.model.state_dict(), seed=self.config.train.seed)
        weights = {k: v.to(self.device) for k, v in weights.items()}
        self.model.load_state_dict(weights)
        self.ema.load_state_dict(weights)
        self.progress.step, self.progress.images_seen = info.step, info.images_seen
        # A model exported before known_words.txt existed: its words are unknown, so it reads as written.
        known = None if source.known_words is None else source.known_words | (self.model.known_words or frozenset())
        self.model.known_words = self.ema.known_words = known
        self.progress.origin = {"model": str(self._source_folder), "step": info.step, "images_seen": info.images_seen}

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
                                   self.progress.origin["model"] if self.progress.origin else None))
        fallback = float32_fallback_reason(cfg.mixed_precision, self.device)
        if fallback is not None:
            self._emit(TrainingWarning(f"mixed precision {cfg.mixed_precision} is not available: {fallback}; "
                                       "training in float32"))
        averages = Averages()
        interval_start, interval_images = time.perf_counter(), 0
        last_clock = time.perf_counter()
        stage = None
        reason, message = "completed", ""
        try:
            if not before_the_gan(self):
                reason = "stopped"
            while reason != "stopped":
                if not self._unpaused.is_set():
                    self.progress.wall_time += time.perf_counter() - last_clock
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
                values = self.train_step(pos)
                now = time.perf_counter()
                self.progress.wall_time += now - last_clock
                last_clock = now
                if values is None:
                    continue
                averages.add(values, self.objective.bad)
                interval_images += self._global_batch(pos)
                if self.step % cfg.log_every == 0:
                    self._check_device_guard()
                    elapsed = max(now - interval_start, 1e-9)
                    self._log_metrics(pos, averages.means(), interval_images / elapsed)
                    averages, interval_start, interval_images = Averages(), now, 0
                if self.step % cfg.sample_every == 0:
                    self.save_samples()
                if self.step % cfg.checkpoint_every == 0 or self._checkpoint_due():
                    self.save_checkpoint()
        except TrainingError as error:
            reason, message = "failed", str(error)
        except torch.cuda.OutOfMemoryError:
            reason = "failed"
            message = (f"out of GPU memory at batch size {self.position.batch_size}; "
                       "try a smaller batch size or resolution")
        if reason != "failed":
            try:
                self._check_device_guard()
            except TrainingError as error:
                reason, message = "failed", str(error)
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

    def train_step(self, pos: Position, train_generator: bool = True) -> dict[str, torch.Tensor] | None:
        """One critic step then one generator step (:class:`~core.training.objective.Objective`) and the
        bookkeeping after them. Returns the values to log, or ``None`` when the step was skipped.

        Without ``train_generator`` only the critic steps and the schedule stays where it is (see
        :func:`core.training.pre_gan.train_fresh_critic`).
        """
        batch = self.batches.take(self._rank_batch(pos), self.config.train.contrastive_matching)
        tick = self.step if train_generator else self.progress.fresh_critic_step
        values = self.objective.step(batch, pos, tick, None if self.sync_free else self._finite, train_generator)
        if self.guard is not None:
            self.guard.record(self.objective.bad)
        if values is None or not train_generator:
            return values
        self._update_ema(ema_beta(self.config.train.ema_beta, self.step))
        if self.guard is None:
            self.progress.bad_steps = 0
        self.progress.step += 1
        self.progress.images_seen += self._global_batch(pos)
        return values

    # ---- step guards and averages ----------------------------------------------------------------
    def _finite(self, loss: torch.Tensor, which: str) -> bool:
        """Skip a step whose loss is NaN or infinite; give up after too many in a row."""
        if torch.isfinite(loss).item():
            return True
        self.progress.bad_steps += 1
        self.model.zero_grad(set_to_none=True)
        self.discriminator.zero_grad(set_to_none=True)
        self._emit(TrainingWarning(f"step {self.step}: non-finite {which} loss ({loss.detach().item()}); step skipped "
                                   f"({self.progress.bad_steps} in a row)"))
        if self.progress.bad_steps >= self.config.train.max_bad_steps:
            raise TrainingError(f"training stopped: {self.progress.bad_steps} consecutive non-finite steps "
                                f"(last good checkpoint kept); try a lower learning rate")
        return False

    def _check_device_guard(self) -> None:
        """Sync-free steps: read the device's bad-step count (at a metrics line), say how many steps
        were skipped, and stop as :meth:`_finite` would when ``max_bad_steps`` came in a row."""
        if self.guard is None:
            return
        self.progress.bad_steps, worst, skipped = self.guard.read()
        if skipped:
            self._emit(TrainingWarning(f"step {self.step}: {skipped} step(s) with a non-finite loss skipped since the "
                                       f"last metrics line ({self.progress.bad_steps} in a row now)"))
        if worst >= self.config.train.max_bad_steps:
            raise TrainingError(f"training stopped: {worst} consecutive non-finite steps "
                                f"(last good checkpoint kept); try a lower learning rate")

    def _update_ema(self, beta: float) -> None:
        """Move the EMA generator towards the live one; a sync-free step's flag holds it still when bad."""
        bad = self.objective.bad if self.guard is not None else None
        ema_update_(list(self.ema.parameters()), [p.detach() for p in self.model.parameters()], beta, bad)

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
        values.update({"images_per_s": round(images_per_s, 3), "wall_time": round(self.progress.wall_time, 3),
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

    def _checkpoint_due(self) -> bool:
        """Whether ``checkpoint_minutes`` of training passed since the last checkpoint (or the start)."""
        minutes = self.config.train.checkpoint_minutes
        return minutes > 0 and time.monotonic() - self._last_checkpoint >= 60.0 * minutes

    def save_checkpoint(self) -> Path | None:
        """Write a checkpoint and export the EMA model to ``model/`` (main rank only)."""
        from core.training.checkpoint import save_checkpoint

        self._last_checkpoint = time.monotonic()
        if not self.context.is_main:
            return None
        tensors, meta = self.state.checkpoint(self.progress, self.context.world_size)
        path = self.run.checkpoints / checkpoint_name(self.step)
        save_checkpoint(path, tensors, meta)
        prune_checkpoints(self.run.checkpoints, self.config.train.keep_checkpoints)
        self.export_model(self.run.model)
        self._emit(CheckpointSaved(path, self.step, self.images_seen))
        return path

    def export_model(self, folder: Path) -> None:
        """Save the EMA model at the current position, replacing ``folder`` in one rename."""
        export_model(self.ema, folder, self.position, self.progress, self.dataset.summary.source)

    def _restore_newest(self) -> None:
        """Restore the newest checkpoint that reads back whole, saying which newer ones were skipped
        and why; then drop the metrics of steps after it, which the run will replay."""
        found = list_checkpoints(self.run.checkpoints)
        if not found:
            raise FileNotFoundError(f"{self.run.checkpoints} holds no checkpoint to resume from")
        skipped: list[str] = []
        for path in reversed(found):
            try:
                meta = self.state.restore(path, self.progress, self.config.train.matching_warmup_steps)
                break
            except (ModelFileError, OSError) as error:
                skipped.append(f"{path.name} ({error})")
        else:
            raise ModelFileError(self.run.checkpoints, "no checkpoint here reads back whole: "
                                 + "; ".join(skipped))
        for reason in skipped:
            self._emit(TrainingWarning(f"skipped an unreadable checkpoint: {reason}; resuming from {path.name}"))
        apply_optimizer_settings((self.opt_g, self.opt_d), self.config.train.lr, self.config.train.betas)
        if self.context.is_main:
            self.run.trim_metrics(self.step)
        if meta.get("world_size", 1) != self.context.world_size:
            self._emit(TrainingWarning(f"resuming a {meta.get('world_size')}-process run with "
                                       f"{self.context.world_size} process(es): data order will differ"))

    def _check_ranks_in_sync(self) -> None:
        checksums = ddp.all_gather_floats(ddp.parameter_checksum(self.model))
        if self.context.is_main:
            atomic_write_text(self.run.root / "ranks.json",
                              '{"checksums": [' + ", ".join(repr(c) for c in checksums) + "]}\n")
            if any(not math.isclose(c, checksums[0], rel_tol=0, abs_tol=0) for c in checksums):
                self._emit(TrainingWarning(f"ranks hold different weights: {checksums}"))
