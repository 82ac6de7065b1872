"""T2F's losses: WGAN-GP with drift, the mismatched-text term, and the CA's KL term.

The gradient penalty takes each sample's gradient norm over all of C×H×W. The original T2F code
took the norm over channels only (one norm per pixel), which penalises a different and much
weaker constraint than the 1-Lipschitz one WGAN-GP asks for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

Critic = Callable[[torch.Tensor], torch.Tensor]


def derangement(n: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """A random permutation of ``0..n−1`` with no fixed point (n ≥ 2).

    Shuffle, then give each position the caption of its successor in the shuffled cycle: a random
    cyclic shift of a random order never maps an element to itself.
    """
    if n < 2:
        raise ValueError("a derangement needs at least two elements")
    order = torch.randperm(n, generator=generator)
    shift = int(torch.randint(1, n, (1,), generator=generator))
    result = torch.empty(n, dtype=torch.long)
    result[order] = order.roll(-shift)
    return result


def gradient_penalty(critic: Critic, real: torch.Tensor, fake: torch.Tensor,
                     mix: torch.Tensor, loss_scale: float = 1.0) -> torch.Tensor:
    """Mean over the batch of ``(‖∇ₓ D(x̂)‖₂ − 1)²`` with x̂ = real + mix·(fake − real).

    ``mix`` is ``B×1×1×1`` in [0, 1]; the norm of each sample is over all its C×H×W values.
    ``loss_scale`` is fp16's gradient scale: scores are scaled before differentiating (so small
    gradients survive fp16) and the gradient unscaled before its norm is taken.
    """
    mixed = (real + mix * (fake - real)).detach().requires_grad_(True)
    scores = critic(mixed)
    (grad,) = torch.autograd.grad(scores.sum() * loss_scale, mixed, create_graph=True)
    grad = grad / loss_scale
    norms = grad.flatten(1).norm(2, dim=1)
    return (norms - 1.0).pow(2).mean()


def discriminator_loss(real_scores: torch.Tensor, fake_scores: torch.Tensor,
                       mismatched_scores: torch.Tensor | None, mismatch_weight: float = 1.0,
                       mismatch_loss: str = "hinge", margin: float = 5.0) -> torch.Tensor:
    """Wasserstein critic loss with the matching-aware term (``mismatch_loss``, weight ``w``).

    ``"sum"`` is T2F's form: a real face with a wrong caption is scored as a second fake and its
    mean score added, ``mean D(fake) − mean D(real) + w·mean D(x, t̃)``.

    ``"average"`` (``"linear"`` in configs written before the forms were named) is GAN-CLS's: the
    fake side is the average of generated and mismatched scores,
    ``(mean D(fake) + w·mean D(x, t̃)) / (1 + w) − mean D(real)``.

    Nothing bounds either: the critic can keep lowering mismatched scores without any Lipschitz
    cost, since the gradient penalty only looks along real–fake lines. In our 64×64 run with the
    average form it did exactly that: mismatched scores fell to −140 and the critic rated generated
    faces above real ones — it had stopped judging realism.

    ``"hinge"`` (default) keeps the Wasserstein real/fake term and asks only that each real image
    score higher with its own caption than with a wrong one by ``margin``:
    ``mean(relu(margin − D(x, t) + D(x, t̃)))``. Once pairs are separated the term stops pulling.
    """
    wasserstein = fake_scores.mean() - real_scores.mean()
    if mismatched_scores is None or mismatch_weight <= 0:
        return wasserstein
    if mismatch_loss == "sum":
        return wasserstein + mismatch_weight * mismatched_scores.mean()
    if mismatch_loss in ("average", "linear"):
        fake_side = (fake_scores.mean() + mismatch_weight * mismatched_scores.mean()) / (1.0 + mismatch_weight)
        return fake_side - real_scores.mean()
    if mismatch_loss == "hinge":
        return wasserstein + mismatch_weight * torch.relu(margin - real_scores + mismatched_scores).mean()
    raise ValueError(f"mismatch_loss must be 'sum', 'average' or 'hinge', got {mismatch_loss!r}")


def caption_pairs(captions: Sequence[str]) -> torch.Tensor:
    """``B×B`` bool: may caption ``j`` be scored against image ``i`` in the contrastive term?

    The diagonal (each image's own caption) is always allowed. Off the diagonal, a caption is a
    usable *wrong* caption only if it differs from the image's own text and neither is empty: two
    images that happen to share a caption both match it, and an empty caption matches every face.
    A row whose own caption is empty keeps only its diagonal, so it adds nothing to the loss.
    """
    n = len(captions)
    same = torch.tensor([[a == b for b in captions] for a in captions], dtype=torch.bool).reshape(n, n)
    nonempty = torch.tensor([bool(c.strip()) for c in captions], dtype=torch.bool)
    allowed = ~same & nonempty[:, None] & nonempty[None, :]
    return allowed | torch.eye(n, dtype=torch.bool)


def contrastive_matching_loss(pair_scores: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of picking each image's own caption among every caption in the batch.

    ``pair_scores[i, j]`` is the critic's ``D(x_i, t_j)``; ``allowed`` comes from
    :func:`caption_pairs`. This is the matching-aware idea of T2F (a real image with a wrong caption
    is not a match) taken over all ``B − 1`` wrong captions instead of one derangement, the way
    contrastive text-to-image GANs (XMC-GAN) do it. Why it matters here: with one wrong caption and
    a hinge, the critic learned to tell captions apart by the background colour alone — the largest,
    easiest cue, which separates most random pairs by a wide margin, after which the hinge stops
    pulling. In a batch of 32, several wrong captions share the background (or do not mention
    it), so only the other attributes can rank the right caption first. Rows are shift-invariant,
    so the term shapes only the text-dependent part of the score, never the real/fake level the
    Wasserstein term sets. The mean is over rows that have at least one wrong caption.

    ``allowed`` may live on the host (the trainer keeps it there): the rows that count are then
    found on the host, and the step never waits for the device to learn which they are.
    """
    device = pair_scores.device
    logits = pair_scores.float().masked_fill(~allowed.to(device, non_blocking=True), float("-inf"))
    rows = (allowed.sum(dim=1) > 1).nonzero().squeeze(1)  # row i's target is i
    if rows.numel() == 0:
        return pair_scores.sum() * 0.0
    rows = rows.to(device, non_blocking=True)
    return torch.nn.functional.cross_entropy(logits.index_select(0, rows), rows)


def drift_penalty(real_scores: torch.Tensor) -> torch.Tensor:
    """E[D(real)²]: keeps critic outputs near zero (ProGAN's ε_drift term, weighted by the caller)."""
    return real_scores.pow(2).mean()


def generator_loss(fake_scores: torch.Tensor) -> torch.Tensor:
    """The generator wants high critic scores for its images with their own captions."""
    return -fake_scores.mean()


def mode_seeking_loss(images: torch.Tensor, twins: torch.Tensor, noise: torch.Tensor, twin_noise: torch.Tensor,
                      eps: float = 1e-5) -> torch.Tensor:
    """MSGAN's term (Mao et al., 2019): the reciprocal of how much the image changes per change of noise.

    ``images`` and ``twins`` share their text condition and differ only in noise. A generator that
    ignores its noise — every seed of a caption the same face — makes the ratio small and this
    loss large; minimising it makes the noise matter.
    """
    ratio = (images - twins).abs().mean() / (noise - twin_noise).abs().mean()
    return 1.0 / (ratio + eps)
