"""The matching-aware progressive discriminator: (image, text embedding) → realism-and-match score.

Text enters the final 4×4 block as a *projection* (Miyato & Koyama, 2018): the score is
``ψ(h) + ⟨φ(t), h⟩`` where ``h`` is the image feature vector and ``φ(t)`` a learned projection of
the text embedding. We chose projection over T2F's concatenation because it makes "does this image
fit this text" an explicit inner product — the form a conditional density ratio takes — which
gives the mismatched-text term a direct lever, costs one small linear layer, and leaves the
convolutional trunk identical to an unconditional ProGAN discriminator.

The critic reads captions with its *own* LSTM (same architecture as the generator's), trained by
the critic's loss. In T2F the critic saw the generator's text embedding, which only the generator
trains: the critic could not learn which words matter for telling matching from mismatched pairs,
so the matching-aware term was weak. An LSTM costs little next to the convolutions.

``ModelConfig.critic_text = "generator"`` builds T2F's critic instead (its paper preset): no LSTM of
its own, the generator's text embedding compressed by a linear layer, tiled over the 4×4 features
after the final block's first convolution and concatenated, then a 1×1, a 4×4 and a 1×1 convolution.
"""

from __future__ import annotations

import torch
from torch import nn

from core.config import ModelConfig
from core.model.conditioning import leaky
from core.model.layers import EqualizedConv2d, EqualizedLinear, MinibatchStdDev, downsample2x, fade
from core.text.encoder import TextEncoder, text_encoder_for


class _DownBlock(nn.Module):
    """Two 3×3 convolutions with LeakyReLU, then 2×2 average (ProGAN) or max pooling.

    Max pooling keeps a small, strong response — an iris, an open mouth — where averaging dilutes
    it with its surroundings (see ``ModelConfig.critic_pooling`` for what that measured).
    """

    def __init__(self, in_channels: int, out_channels: int, pooling: str = "avg") -> None:
        super().__init__()
        self.conv1 = EqualizedConv2d(in_channels, in_channels, 3, padding=1)
        self.conv2 = EqualizedConv2d(in_channels, out_channels, 3, padding=1)
        self.pool = downsample2x if pooling == "avg" else nn.MaxPool2d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(leaky(self.conv2(leaky(self.conv1(x)))))


class _FinalBlock(nn.Module):
    """4×4 features + text → score: minibatch std, 3×3 conv, 4×4 conv, then projection."""

    def __init__(self, channels: int, text_dim: int, projected_text_dim: int, mbstd_group: int) -> None:
        super().__init__()
        self.mbstd = MinibatchStdDev(mbstd_group)
        self.conv = EqualizedConv2d(channels + 1, channels, 3, padding=1)
        self.conv4 = EqualizedConv2d(channels, channels, 4)
        self.score = EqualizedLinear(channels, 1, gain=1.0)
        self.text_compress = EqualizedLinear(text_dim, projected_text_dim)
        self.text_project = EqualizedLinear(projected_text_dim, channels, gain=1.0)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """4×4 trunk features → the image feature vector ``h`` (``B×C``)."""
        return leaky(self.conv4(leaky(self.conv(self.mbstd(x))))).flatten(1)

    def head(self, h: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """``ψ(h) + ⟨φ(text), h⟩``: cheap, so one ``h`` can be scored against several captions."""
        return self.score(h).squeeze(1) + (self.project_text(text) * h).sum(dim=1)

    def pair_head(self, h: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """Every image against every caption: ``B×B`` scores, ``[i, j] = ψ(h_i) + ⟨φ(text_j), h_i⟩``."""
        return self.score(h) + h @ self.project_text(text).t()

    def project_text(self, text: torch.Tensor) -> torch.Tensor:
        """φ(text): the caption as a direction in image-feature space."""
        return self.text_project(leaky(self.text_compress(text)))


class _ConcatFinalBlock(nn.Module):
    """T2F's final block: minibatch std, 3×3 conv → features; then the compressed text tiled and
    concatenated, 1×1 conv, 4×4 conv, 1×1 conv → score. The text acts before two nonlinear layers,
    so image and text interact in the score (unlike a sum of an image term and a text term)."""

    def __init__(self, channels: int, text_dim: int, compressed_text_dim: int, mbstd_group: int) -> None:
        super().__init__()
        self.mbstd = MinibatchStdDev(mbstd_group)
        self.conv = EqualizedConv2d(channels + 1, channels, 3, padding=1)
        self.text_compress = EqualizedLinear(text_dim, compressed_text_dim)
        self.mix = EqualizedConv2d(channels + compressed_text_dim, channels, 1)
        self.conv4 = EqualizedConv2d(channels, channels, 4)
        self.score = EqualizedConv2d(channels, 1, 1, gain=1.0)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """4×4 trunk features before the text joins (``B×C×4×4``)."""
        return leaky(self.conv(self.mbstd(x)))

    def head(self, h: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        text = self.text_compress(text.to(h.dtype))[:, :, None, None].expand(-1, -1, *h.shape[-2:])
        y = leaky(self.mix(torch.cat([h, text], dim=1)))
        return self.score(leaky(self.conv4(y))).flatten()

    def pair_head(self, h: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """Every image against every caption: ``B×B`` scores, one head pass per pair."""
        count = h.shape[0]
        return self.head(h.repeat_interleave(text.shape[0], dim=0), text.repeat(count, 1)).view(count, -1)


class Discriminator(nn.Module):
    """ProGAN discriminator mirrored from the generator, with text projection at 4×4."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        widths = config.critic_widths
        text_dim = config.text_hidden
        #: None when the critic reads the generator's text embedding (T2F, ``critic_text="generator"``).
        self.text_encoder: TextEncoder | None = None
        if config.critic_text == "own":  # built first: parameters are initialised in creation order
            self.text_encoder = text_encoder_for(config)
        self.from_rgb = nn.ModuleList(EqualizedConv2d(3, w, 1) for w in widths)
        # blocks[d - 1] takes depth d's resolution down to depth d − 1's.
        self.blocks = nn.ModuleList(_DownBlock(widths[d], widths[d - 1], config.critic_pooling)
                                    for d in range(1, len(widths)))
        if config.critic_text == "generator":
            self.final: nn.Module = _ConcatFinalBlock(widths[0], text_dim, config.d_text_dim, config.mbstd_group)
        else:
            self.final = _FinalBlock(widths[0], text_dim, config.d_text_dim, config.mbstd_group)
        self.max_depth = len(widths) - 1

    def encode_text(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The critic's own text summaries ``B×text_hidden`` (pass them to :meth:`forward`)."""
        if self.text_encoder is None:
            raise ValueError("this critic reads the generator's text embedding (critic_text='generator')")
        return self.text_encoder(ids, lengths)

    def forward(self, images: torch.Tensor, text: torch.Tensor, depth: int | None = None,
                alpha: float = 1.0) -> torch.Tensor:
        """Scores ``B`` for images at depth ``depth`` given text summaries from :meth:`encode_text`;
        fade-in mirrors the generator's."""
        return self.final.head(self.features(images, depth, alpha), text)

    def features(self, images: torch.Tensor, depth: int | None = None, alpha: float = 1.0) -> torch.Tensor:
        """The image feature vector ``h`` the text is projected onto (no text involved).

        Training scores real images against their own and against wrong captions from one ``h``:
        with a projection head the trunk does not depend on the text, so that saves a full
        discriminator pass per step without changing any number.
        """
        depth = self.max_depth if depth is None else depth
        if not 0 <= depth <= self.max_depth:
            raise ValueError(f"depth must be in 0..{self.max_depth}, got {depth}")
        x = leaky(self.from_rgb[depth](images))
        if depth > 0:
            x = self.blocks[depth - 1](x)
            if alpha < 1.0:
                old = leaky(self.from_rgb[depth - 1](downsample2x(images)))
                x = fade(old, x, alpha)
            for d in range(depth - 1, 0, -1):
                x = self.blocks[d - 1](x)
        return self.final.features(x)

    def head(self, features: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """Score precomputed :meth:`features` against ``text``."""
        return self.final.head(features, text)

    def pair_scores(self, features: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """``B×B`` scores of each image's :meth:`features` against every caption in ``text``
        (one matrix product: the projection head makes the contrastive matching term cheap)."""
        return self.final.pair_head(features, text)
