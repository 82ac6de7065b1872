"""One GAN iteration of T2F: a critic step, then a generator step (StyleGAN3 keeps this apart from
its loop in ``training/loss.py``; so do we).

The critic step is WGAN-GP with ProGAN's drift penalty and the matching-aware term in the form the
config names (:data:`core.training.terms.MATCHING_FORMS`). The generator step is the critic's score
of its faces plus the active terms of :mod:`core.training.terms`, each added in a fixed order. The
objective owns no schedule or counters: the loop passes the position in and gets logged values out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from core.config import TrainConfig
from core.losses import (caption_pairs, derangement, discriminator_loss, drift_penalty, generator_loss,
                         gradient_penalty)
from core.model.conditioning import ConditioningAugmentation
from core.model.classifier import AttributeClassifier
from core.model.discriminator import Discriminator
from core.model.t2f import T2F
from core.text.tokenizer import Tokenizer
from core.training import distributed as ddp
from core.training.batches import RealBatch
from core.training.matching import matching_loss
from core.training.schedule import Position, real_images_at
from core.training.syncfree import nonfinite, step_unless
from core.training.terms import GeneratorStep, active_generator_terms
from core.training.unsaid import UnsaidTargets

#: Called with a loss and which network it is for; returns False when the step must be skipped.
#: ``None`` instead: the sync-free step (core.training.syncfree), which skips on the device.
FiniteGuard = Callable[[torch.Tensor, str], bool]


class Objective:
    """The losses and optimizer steps of one iteration, for one run's networks."""

    def __init__(self, train: TrainConfig, model: T2F, critic: Discriminator, reader: AttributeClassifier | None,
                 unsaid: UnsaidTargets | None, tokenizer: Tokenizer, optimizers: tuple[torch.optim.Optimizer, ...],
                 scaler: torch.amp.GradScaler, amp_dtype: torch.dtype | None, rng: torch.Generator,
                 device: torch.device, context: ddp.DistributedContext) -> None:
        self.train = train
        self.model, self.critic, self.reader, self.unsaid = model, critic, reader, unsaid
        self.tokenizer = tokenizer
        self.opt_g, self.opt_d = optimizers
        self.scaler, self.amp_dtype = scaler, amp_dtype
        self.rng, self.device, self.context = rng, device, context
        self.terms = active_generator_terms(train, reader is not None)
        #: After a sync-free step: 1.0 on the device if it was skipped (a loss not finite), else 0.0.
        self.bad: torch.Tensor | None = None
        #: Compiled per-stage networks (core.training.kernels), or None: the modules themselves.
        self.kernels: Any = None

    # ---- pieces ---------------------------------------------------------------------------------
    def noise(self, count: int) -> tuple[torch.Tensor, torch.Tensor]:
        """``(z, ε)``: the generator's noise and the CA's, drawn from the run's generator."""
        z, eps = self.host_noise(count)
        return z.to(self.device, non_blocking=True), eps.to(self.device, non_blocking=True)

    def host_noise(self, count: int) -> tuple[torch.Tensor, torch.Tensor]:
        """``(z, ε)`` as drawn, on the host (the unsaid code term reads ``z`` there, without a sync)."""
        z = torch.randn(count, self.model.config.noise_dim, generator=self.rng)
        eps = torch.randn(count, self.model.config.ca_dim, generator=self.rng)
        return z, eps

    def condition(self, mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        """The CA sample the generator trains on: μ + ca_noise·σ·ε (see ``TrainConfig.ca_noise``)."""
        return ConditioningAugmentation.sample(mu, logvar, self.train.ca_noise * eps)

    def autocast(self) -> Any:
        return torch.autocast(self.device.type, dtype=self.amp_dtype or torch.float32,
                              enabled=self.amp_dtype is not None)

    def critic_text(self, ids: torch.Tensor, lengths: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        """The text the critic judges with: its own LSTM's summary, or (T2F) the generator's
        embedding ``embedding``, detached so only the generator's loss trains its encoder."""
        if self.critic.text_encoder is None:
            return embedding.detach()
        return self.critic.encode_text(ids, lengths)

    def step_optimizer(self, optimizer: torch.optim.Optimizer, module: torch.nn.Module, scaled: bool = True,
                       found_inf: torch.Tensor | None = None) -> None:
        """Average gradients across processes, then step; ``scaled`` says whether the loss went through
        the fp16 grad scaler (the fp32 pre-GAN phases do not, and the scaler refuses to step an
        optimizer whose gradients it never scaled). With ``found_inf`` (sync-free) the fused
        optimizer skips the update on the device when it is 1."""
        if self.context.enabled:
            ddp.average_gradients(list(module.parameters()), self.context.world_size)
        if found_inf is not None:
            step_unless(optimizer, found_inf)
        elif scaled:
            self.scaler.step(optimizer)
        else:
            optimizer.step()

    # ---- the iteration --------------------------------------------------------------------------
    def step(self, batch: RealBatch, pos: Position, tick: int, finite: FiniteGuard | None,
             train_generator: bool = True) -> dict[str, torch.Tensor] | None:
        """One critic step, then (``train_generator``) one generator step. Returns the values to log
        (0-d tensors, not yet read back from the device), or ``None`` when ``finite`` skipped it.

        With ``finite=None`` the step reads nothing back from the device (core.training.syncfree):
        a non-finite loss makes the fused optimizers skip their update on the device, and
        :attr:`bad` holds the step's flag for the EMA and the bad-step count.
        ``tick`` counts the critic's steps for the lazy gradient penalty (every ``gp_every``-th).
        """
        cfg = self.train
        depth, alpha = pos.stage, pos.alpha
        images, captions, near_misses, mentioned = batch
        count = images.shape[0]
        wrong = derangement(count, self.rng).to(self.device, non_blocking=True) if count > 1 else None
        contrastive = cfg.contrastive_matching
        # On the host: the losses index with it there, which never waits for the device.
        allowed = caption_pairs(captions) if contrastive else None
        mix = torch.rand(count, 1, 1, 1, generator=self.rng).to(self.device, non_blocking=True)
        z_host, eps = self.host_noise(count)
        z, eps = z_host.to(self.device, non_blocking=True), eps.to(self.device, non_blocking=True)
        apply_gp = cfg.gp_weight > 0 and (tick % cfg.gp_every == 0)
        model, critic = self.model, self.critic
        draw, features = self._generator_at(depth, alpha), self._features_at(depth, alpha)

        with self.autocast():
            real = real_images_at(images, depth, alpha)
            ids, lengths = (t.to(self.device, non_blocking=True) for t in self.tokenizer.batch(captions))
            # The generator draws the batch once, with its graph, for both steps unless the config
            # asks for fresh noise (T2F): the critic's update leaves the generator as it was, so its
            # step would draw exactly these faces again (one generator forward saved). A
            # critic-only step needs neither the graph nor μ, σ as more than constants.
            with torch.set_grad_enabled(train_generator):
                embedding = model.text_encoder(ids, lengths)
                mu, logvar = model.ca(embedding)
                c = self.condition(mu, logvar, eps)
                fake = draw(torch.cat([c, z], 1))
            text_d = self.critic_text(ids, lengths, embedding)
            real_features = features(real)
            real_scores = critic.head(real_features, text_d).float()
            fake_scores = critic.final.head(features(fake.detach()), text_d).float()  # = critic(fake, text)
            if contrastive:
                with torch.no_grad():  # logged only
                    pairs = critic.pair_scores(real_features, text_d).float()
                    wrong_pairs = (~torch.eye(count, dtype=torch.bool) & allowed).flatten().nonzero().squeeze(1)
                    mismatched = pairs.flatten().index_select(0, wrong_pairs.to(self.device, non_blocking=True))
                d_loss = (discriminator_loss(real_scores, fake_scores, None) + cfg.mismatch_weight
                          * matching_loss(critic, real_features, text_d, allowed, near_misses))
            else:
                mismatched = critic.head(real_features, text_d[wrong]).float() if wrong is not None else None
                d_loss = discriminator_loss(real_scores, fake_scores, mismatched, cfg.mismatch_weight, cfg.mismatch_loss,
                                            cfg.mismatch_margin)
            drift = drift_penalty(real_scores)
            d_total = d_loss + cfg.drift_weight * drift
        gp = None
        if apply_gp:
            scale = self.scaler.get_scale() if self.scaler.is_enabled() else 1.0
            with self.autocast():
                gp = gradient_penalty(lambda x: critic(x, text_d.detach(), depth, alpha).float(),
                                      real.float(), fake.detach().float(), mix, loss_scale=scale)
            d_total = d_total + cfg.gp_weight * cfg.gp_every * gp
        bad = None
        if finite is None:
            bad = nonfinite(d_total)
        elif not finite(d_total, "discriminator"):
            return None
        self.opt_d.zero_grad(set_to_none=True)
        self.scaler.scale(d_total).backward()
        self.step_optimizer(self.opt_d, critic, found_inf=bad)
        values = {"d_loss": d_loss.detach(), "real_score": real_scores.detach().mean(),
                  "fake_score": fake_scores.detach().mean()}
        self.bad = bad
        if not train_generator:
            self.scaler.update()
            return values
        values["drift"] = drift.detach()
        if mismatched is not None and mismatched.numel() > 0:
            values["mismatch_score"] = mismatched.detach().mean()
        if gp is not None:
            values["gp"] = gp.detach()
        if cfg.generator_fresh_noise:  # T2F: the generator's step draws its own faces
            z_host, eps = self.host_noise(count)
            z, eps = z_host.to(self.device, non_blocking=True), eps.to(self.device, non_blocking=True)
            with self.autocast():
                c = self.condition(mu, logvar, eps)
                fake = draw(torch.cat([c, z], 1))
        generated = self._generator_step(fake, c, z, z_host, mu, logvar, embedding, ids, lengths, mentioned, allowed,
                                         pos, finite, bad)
        if generated is None:
            return None
        values.update(generated)
        return values

    def _generator_step(self, fake: torch.Tensor, c: torch.Tensor, z: torch.Tensor, z_host: torch.Tensor,
                        mu: torch.Tensor, logvar: torch.Tensor, embedding: torch.Tensor, ids: torch.Tensor,
                        lengths: torch.Tensor, mentioned: list[dict[str, str]], allowed: torch.Tensor | None,
                        pos: Position, finite: FiniteGuard | None,
                        bad: torch.Tensor | None) -> dict[str, torch.Tensor] | None:
        """The generator's loss on ``fake`` (drawn from ``[c ; z]``) and its optimizer step; ``bad``
        (sync-free) is the critic step's flag, which skips this update too."""
        depth, alpha = pos.stage, pos.alpha
        model, critic = self.model, self.critic
        values: dict[str, torch.Tensor] = {}
        critic.requires_grad_(False)
        if critic.text_encoder is None:  # T2F: the critic's score reaches the generator's text encoder
            text_d = embedding.float()
        else:
            with torch.no_grad():  # the critic's text features after its update, as a constant
                text_d = critic.encode_text(ids, lengths).float()
        try:
            with self.autocast():
                fake_features = self._features_at(depth, alpha)(fake)
                g_loss = generator_loss(critic.head(fake_features, text_d).float())
                step = GeneratorStep(fake=fake, fake_features=fake_features, text=text_d, mu=mu, logvar=logvar, z=z,
                                     c=c, mentioned=mentioned, allowed=allowed, critic=critic, reader=self.reader,
                                     unsaid=self.unsaid, draw_twins=self._twins(depth, alpha), device=self.device,
                                     z_host=z_host)
                g_total = g_loss
                wants_readings = any(term.needs_reader and term.applies(step) for term in self.terms)
                for term in self.terms:
                    if not term.applies(step):
                        continue
                    if wants_readings and term.reads_faces:
                        step.readings  # noqa: B018 - computed once, before the first term that looks at faces
                        wants_readings = False
                    value = term.loss(step)
                    g_total = g_total + term.weight * value
                    values[term.series.metric] = value.detach()
            if bad is not None:
                bad = torch.maximum(bad, nonfinite(g_total))
            elif not finite(g_total, "generator"):
                return None
            self.opt_g.zero_grad(set_to_none=True)
            self.scaler.scale(g_total).backward()
            self.step_optimizer(self.opt_g, model, found_inf=bad)
        finally:
            critic.requires_grad_(True)
        self.scaler.update()
        values["g_loss"] = g_loss.detach()
        self.bad = bad
        return values

    def _generator_at(self, depth: int, alpha: float) -> Callable[[torch.Tensor], torch.Tensor]:
        """The generator at ``depth``, ``alpha``: compiled for the stage (core.training.kernels) or not."""
        if self.kernels is not None:
            return self.kernels.generator(depth, alpha)
        return lambda latent: self.model.generator(latent, depth, alpha)

    def _features_at(self, depth: int, alpha: float) -> Callable[[torch.Tensor], torch.Tensor]:
        """The critic's image features at ``depth``, ``alpha`` (compiled or not, as the generator).
        The gradient penalty's double backward always runs the module itself."""
        if self.kernels is not None:
            return self.kernels.features(depth, alpha)
        return lambda images: self.critic.features(images, depth, alpha)

    def _twins(self, depth: int, alpha: float) -> Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
        """Draws faces again for conditions ``c`` with new noise: ``(faces, noise)``."""
        generator = self._generator_at(depth, alpha)

        def draw(c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            z_twin, _ = self.noise(c.shape[0])
            return generator(torch.cat([c, z_twin], 1)), z_twin
        return draw
