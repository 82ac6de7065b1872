"""Latents of one face, and the moves a sketch artist makes with them.

A latent is ``[ĉ ; z]``: the conditioning part ĉ (what the description says, ``ca_dim`` numbers)
and the noise part z (everything the description leaves open, ``noise_dim`` numbers). Refining a
face keeps ĉ while the noise moves, and replaces ĉ when the description changes, so the person
keeps "this face" across rewordings.

Everything here works on 1-D latents (one face) or ``N×D`` stacks, on any device; nothing draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from core.explore import slerp

#: Variation strength: 1 draws a fresh noise vector ("explore widely"), small values stay near the
#: current face ("fine-tune"). The grid's slider moves between these.
MIN_STRENGTH, MAX_STRENGTH = 0.02, 1.0


def split(latent: torch.Tensor, ca_dim: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``(ĉ, z)`` of a latent (or of each row of a stack)."""
    return latent[..., :ca_dim], latent[..., ca_dim:]


def join(condition: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
    return torch.cat([condition, noise], dim=-1)


def check_strength(strength: float) -> float:
    if not MIN_STRENGTH <= float(strength) <= MAX_STRENGTH:
        raise ValueError(f"strength must be between {MIN_STRENGTH} and {MAX_STRENGTH}, got {strength}")
    return float(strength)


def variations(latent: torch.Tensor, ca_dim: int, count: int, strength: float, seed: int,
               truncation: float = 1.0) -> torch.Tensor:
    """``count×D`` latents near ``latent``: ĉ kept, z moved along great circles toward fresh noise.

    Each variation is ``slerp(z, ψ·ε_k, strength)`` with ``ε_k ~ N(0, I)`` drawn on the CPU from
    ``seed`` (so a grid is reproducible), which keeps z's norm typical: strength 1 is a new face
    for the same description, 0.05 a close cousin.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    strength = check_strength(strength)
    condition, noise = split(latent, ca_dim)
    generator = torch.Generator().manual_seed(int(seed))
    fresh = torch.randn(count, noise.shape[-1], generator=generator, dtype=torch.float32).to(latent)
    t = torch.tensor([strength], dtype=latent.dtype, device=latent.device)
    moved = torch.stack([slerp(noise, truncation * eps, t)[0] for eps in fresh])
    return join(condition.expand(count, -1), moved)


def spherical_mean(noises: torch.Tensor, iterations: int = 30) -> torch.Tensor:
    """The Karcher (Fréchet) mean of ``N×D`` vectors on the sphere, scaled to their mean norm.

    Gaussian noise lives near a sphere; the straight average of several noise vectors is shorter
    than any of them and draws a blander face. The spherical mean stays on the shell. For two
    vectors of equal norm it is their slerp midpoint. Deterministic (fixed iterations).
    """
    if noises.ndim != 2 or len(noises) == 0:
        raise ValueError("spherical_mean needs an N×D stack with N ≥ 1")
    if len(noises) == 1:
        return noises[0].clone()
    work = noises.double()
    norms = work.norm(dim=1, keepdim=True).clamp_min(1e-12)
    units = work / norms
    mean = units.sum(0)
    if mean.norm() < 1e-9:  # antipodal picks: no unique mean, fall back to the first direction
        mean = units[0].clone()
    mean = mean / mean.norm()
    for _ in range(iterations):
        cos = (units @ mean).clamp(-1.0, 1.0)
        theta = torch.arccos(cos)
        sin = torch.sin(theta)
        scale = torch.where(sin > 1e-9, theta / sin.clamp_min(1e-12), torch.ones_like(theta))
        tangent = ((units - cos[:, None] * mean[None]) * scale[:, None]).mean(0)  # log map, averaged
        step = tangent.norm()
        if step < 1e-12:
            break
        mean = torch.cos(step) * mean + torch.sin(step) * tangent / step  # exp map
        mean = mean / mean.norm()
    return (mean * norms.mean()).to(noises.dtype)


def mean_latent(latents: Sequence[torch.Tensor] | torch.Tensor, ca_dim: int) -> torch.Tensor:
    """One latent for several picked faces: ĉ averaged, z by :func:`spherical_mean`."""
    stack = torch.stack(list(latents)) if not isinstance(latents, torch.Tensor) else latents
    condition, noise = split(stack, ca_dim)
    return join(condition.mean(0), spherical_mean(noise))


def with_description(latent: torch.Tensor, condition: torch.Tensor, ca_dim: int) -> torch.Tensor:
    """The latent with its conditioning part replaced (a new description) and its noise kept."""
    if condition.shape[-1] != ca_dim:
        raise ValueError(f"a conditioning part has {ca_dim} numbers, got {condition.shape[-1]}")
    return join(condition.to(latent), split(latent, ca_dim)[1])
