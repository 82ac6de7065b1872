"""Matching warm-up: teach the critic which caption belongs to which face before the GAN starts.

Why this exists. T2F trains its text encoders from scratch, jointly with the GAN. On our synthetic
faces that left the text almost unused. ``python -m core.evaluate.critic_probe`` asks a critic
whether it prefers a face's own caption to the same caption with one attribute changed; after
262,848 images at 64×64 (hinge matching term, no warm-up) it did so for the background colour 0.99
of the time, skin tone 0.76, hair colour 0.60 and every other attribute 0.45–0.61 — at chance, so
the generator had no reason to draw hair style, glasses or a smile as asked (``t2f evaluate``:
text-faithfulness 0.35, shuffled captions 0.30). The background is the largest, easiest cue and
sits at the end of most captions; once the critic separated captions by it, nothing pushed further.

Trained first on real image–caption pairs with the contrastive matching loss, the same critic
learns much more, fast: after this warm-up's 4,000 steps of batch 32 (about six minutes on two CPU
cores, the bundled configuration) the probe gives skin tone 0.97, hair colour 0.89, hair style
0.86, face shape 0.82, accessories 0.92, background 1.00 (gender, age, eye colour, eyewear, facial
hair and expression still 0.49–0.66). Text-to-image GANs since AttnGAN pretrain a text–image
matching model before the GAN for the same reason; here the critic itself is warmed up, and the
generator's text encoder starts as a copy of the critic's, so both begin with captions organised by
what they describe.

Every depth's ``fromRGB`` and block is trained: steps cycle through the resolutions, each batch
shown at the resolution of its depth, so whichever stage the GAN is in, its critic path has learned.

Near misses (``near_miss_captions`` in the config, see :mod:`core.data.synthetic.near_miss`) add,
for each face, captions that are wrong in exactly one attribute to the captions it is ranked
against — in the warm-up and in the GAN's contrastive term alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from core.losses import caption_pairs, contrastive_matching_loss
from core.model.discriminator import Discriminator
from core.training.schedule import real_images_at


def depth_for_step(step: int, max_depth: int) -> int:
    """Steps cycle through every depth, 0, 1, …, max_depth, 0, …"""
    return step % (max_depth + 1)


@dataclass(frozen=True)
class NearMisses:
    """``K`` near-miss captions per image of a batch, tokenized: ``B·K`` rows, image-major.

    ``allowed[i, k]`` is false where image ``i`` got fewer than ``K`` (its row is padded with empty
    captions) — always for an image trained on the empty caption, which nothing can contradict.
    It lives on the host, like :func:`caption_pairs`' mask, so reading it never waits for the device.
    """

    ids: torch.Tensor
    lengths: torch.Tensor
    allowed: torch.Tensor

    @property
    def per_image(self) -> int:
        return self.allowed.shape[1]


def near_miss_scores(discriminator: Discriminator, features: torch.Tensor, near: NearMisses) -> torch.Tensor:
    """``B×K`` critic scores of each image's features against its own near-miss captions."""
    text = discriminator.encode_text(near.ids, near.lengths)
    repeated = features.repeat_interleave(near.per_image, dim=0)
    return discriminator.head(repeated, text).view(features.shape[0], near.per_image)


def matching_loss(discriminator: Discriminator, features: torch.Tensor, text: torch.Tensor,
                  allowed: torch.Tensor, near: NearMisses | None = None) -> torch.Tensor:
    """The contrastive matching loss: each real image must rank its own caption above the batch's
    other captions (``allowed`` from :func:`caption_pairs`) and above its near misses, if any."""
    scores = discriminator.pair_scores(features, text).float()
    if near is not None:
        scores = torch.cat([scores, near_miss_scores(discriminator, features, near).float()], dim=1)
        allowed = torch.cat([allowed, near.allowed], dim=1)
    return contrastive_matching_loss(scores, allowed)


def matching_step(discriminator: Discriminator, images: torch.Tensor, ids: torch.Tensor,
                  lengths: torch.Tensor, captions: Sequence[str], depth: int,
                  near: NearMisses | None = None) -> torch.Tensor:
    """The contrastive matching loss of one batch of real faces at ``depth`` (no optimizer step)."""
    features = discriminator.features(real_images_at(images, depth, 1.0), depth, 1.0)
    allowed = caption_pairs(captions)  # on the host: see contrastive_matching_loss
    return matching_loss(discriminator, features, discriminator.encode_text(ids, lengths), allowed, near)
