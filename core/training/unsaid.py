"""Vary what a caption leaves unsaid, as much as real faces with that description vary.

Why it exists. A model trained on captions that leave most attributes unsaid drew the same hair
style, eye colour or accessories on every seed of such a caption, far more often than real faces
sharing what the caption says agree on them. MSGAN's mode-seeking term
(:func:`core.losses.mode_seeking_loss`) rewards *any* pixel change between two seeds, and the
cheapest pixels to change are large colour areas — at a high weight the seeds began to vary the
background and skin tone the caption asked for.

:func:`unsaid_diversity_loss` asks the frozen attribute reader (:mod:`core.training.attribute_reader`)
instead. For two faces drawn from one caption with different noise ("twins") it computes, per
attribute the caption does not mention, the probability that the two readings agree, Σₖ p₁ₖ p₂ₖ,
and penalises only the agreement above what real faces would show: Σₖ fₖ², with f the attribute's
value frequencies among the dataset's faces that share every attribute the caption states. So a
woman's unmentioned facial hair (always "none" among real women: target 1) is never pushed to vary,
and an unmentioned hair colour is pushed only until seeds differ about as often as real faces do.
Agreement alone can also be lowered by drawing an attribute ambiguously — a blend the reader is
unsure of agrees less with anything — so each twin's reading of its unsaid attributes is also asked
to be confident: the term adds the readings' normalised entropy H(p) / log K.

Agreement says how often seeds differ, not *which* values they draw: a model's defaults, not the
words, set the mix of what captions leave unsaid. :func:`unsaid_marginal_loss` asks the batch as a
whole to draw each unsaid attribute as often as real faces sharing its captions' stated attributes
have each value: KL(f̄ ‖ p̄) between the mean of those frequencies and the mean of the reader's
probabilities over the batch's unsaid cells. A batch mean, so no single face is pushed towards a
blend.

Neither term says *which* face should draw which value. :meth:`UnsaidTargets.complete` and
:func:`unsaid_code_loss` give each face its own target: the generator's noise codes the unsaid
values. The first noise dimensions, through the normal CDF, are uniforms u₁ … u_A; attribute a (in
table order) left unsaid takes the value where u_a falls in the cumulative frequencies of real faces
that share what the caption states *and* the values already coded for earlier attributes — so a
caption's faces draw its unsaid attributes jointly as real faces do (no bearded woman), every seed
its own. The reader's cross-entropy on those values is the term; drawing needs nothing new (seeds
already fix the noise). Off by default. What each term measurably did to the bundled model is in
experiments/bundled-history.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import torch

#: Fewer real faces than this sharing a caption's stated attributes: no target for that caption
#: (frequencies from a handful of faces would be noise).
MIN_MATCHES = 8


class UnsaidTargets:
    """Per caption and attribute: whether the caption leaves it unsaid, and how often real faces
    sharing the caption's stated attributes agree on it (the twins' allowed agreement)."""

    def __init__(self, table: Mapping[str, Sequence[str]], labels: Sequence[Mapping[str, str] | None]) -> None:
        self.names = list(table)
        self._index = [{value: i for i, value in enumerate(table[name])} for name in self.names]
        #: Faces × attributes value indices; −1 where a face has no label for the attribute.
        self.labels = np.array([[self._index[a].get((face or {}).get(name, ""), -1)
                                 for a, name in enumerate(self.names)] for face in labels],
                               dtype=np.int16).reshape(len(labels), len(self.names))
        self._sizes = [len(table[name]) for name in self.names]
        self._rows: dict[tuple[tuple[str, str], ...], tuple[np.ndarray, np.ndarray, list[np.ndarray]]] = {}

    def for_captions(self, mentioned: Sequence[Mapping[str, str]]) -> tuple[torch.Tensor, torch.Tensor]:
        """``(targets, unsaid)``: float and bool tensors of shape captions × attributes.

        ``unsaid`` is true where the caption does not state the attribute and enough real faces
        share what it does state (:data:`MIN_MATCHES`); ``targets`` holds those faces' agreement
        Σₖ fₖ² there (1 elsewhere, which asks for nothing).
        """
        rows = [self._row(stated) for stated in mentioned]
        targets = np.stack([t for t, _, _ in rows]) if rows else np.ones((0, len(self.names)), np.float32)
        unsaid = np.stack([u for _, u, _ in rows]) if rows else np.zeros((0, len(self.names)), bool)
        return torch.from_numpy(targets), torch.from_numpy(unsaid)

    def frequencies(self, mentioned: Sequence[Mapping[str, str]]) -> dict[str, torch.Tensor]:
        """Per attribute, captions × values: how often real faces sharing each caption's stated
        attributes have each value (zeros where the attribute is not unsaid; see :meth:`for_captions`)."""
        rows = [self._row(stated)[2] for stated in mentioned]
        return {name: torch.from_numpy(np.stack([row[a] for row in rows]) if rows
                                       else np.zeros((0, self._sizes[a]), np.float32))
                for a, name in enumerate(self.names)}

    def complete(self, mentioned: Sequence[Mapping[str, str]], uniforms: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        """``(values, coded)``: long and bool tensors of shape captions × attributes — for each caption, a
        value for every attribute it leaves unsaid, drawn jointly from real faces by ``uniforms``.

        ``uniforms[i, a]`` in [0, 1) picks attribute ``a``'s value for caption ``i`` by inverse CDF of
        the value frequencies among the real faces that share the caption's stated attributes and the
        values picked for the attributes before ``a``. Coding stops at the first attribute with fewer
        than :data:`MIN_MATCHES` such faces (``coded`` false from there; ``values`` −1 where uncoded).
        """
        uniforms = np.asarray(uniforms, dtype=np.float64)
        values = np.full((len(mentioned), len(self.names)), -1, dtype=np.int64)
        for i, stated in enumerate(mentioned):
            faces = self.labels[self._matching(stated)]  # narrows as values are picked
            for a, name in enumerate(self.names):
                if name in stated:
                    continue
                labels = faces[:, a]
                labels = labels[labels >= 0]
                if len(labels) < MIN_MATCHES:
                    break
                cumulative = np.cumsum(np.bincount(labels, minlength=self._sizes[a])) / len(labels)
                value = min(int(np.searchsorted(cumulative, uniforms[i, a], side="right")), self._sizes[a] - 1)
                values[i, a] = value
                faces = faces[faces[:, a] == value]
        return torch.from_numpy(values), torch.from_numpy(values >= 0)

    def _matching(self, stated: Mapping[str, str]) -> np.ndarray:
        """Which real faces show every stated attribute (an unknown value matches none)."""
        match = np.ones(len(self.labels), dtype=bool)
        for a, name in enumerate(self.names):
            if name in stated:
                match &= self.labels[:, a] == self._index[a].get(stated[name], -2)
        return match

    def _row(self, stated: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        key = tuple(sorted(stated.items()))
        if key not in self._rows:  # captions repeat their stated sets often; a scan is 20k rows per attribute
            targets = np.ones(len(self.names), dtype=np.float32)
            unsaid = np.zeros(len(self.names), dtype=bool)
            frequencies = [np.zeros(size, dtype=np.float32) for size in self._sizes]
            match = self._matching(stated)
            if int(match.sum()) >= MIN_MATCHES:
                for a, name in enumerate(self.names):
                    values = self.labels[match, a]
                    values = values[values >= 0]
                    if name in stated or len(values) < MIN_MATCHES:
                        continue
                    freq = np.bincount(values, minlength=self._sizes[a]) / len(values)
                    targets[a] = float((freq ** 2).sum())
                    unsaid[a] = True
                    frequencies[a] = freq.astype(np.float32)
            self._rows[key] = (targets, unsaid, frequencies)
        return self._rows[key]


def unsaid_diversity_loss(logits: Mapping[str, torch.Tensor], twin_logits: Mapping[str, torch.Tensor],
                          names: Sequence[str], targets: torch.Tensor, unsaid: torch.Tensor) -> torch.Tensor:
    """Mean over unsaid (twin pair, attribute) cells of max(0, Σₖ p₁ₖ p₂ₖ − target) plus the two
    readings' mean normalised entropy (see the module docstring).

    ``logits`` and ``twin_logits`` are the reader's outputs for the two faces of each pair (rows
    match ``targets``); zero, with a zero gradient, when no cell is unsaid.
    """
    agreement, doubt = [], []
    for name in names:
        p, q = logits[name].float().softmax(-1), twin_logits[name].float().softmax(-1)
        agreement.append((p * q).sum(-1))
        scale = math.log(max(p.shape[-1], 2))
        doubt.append((_entropy(p) + _entropy(q)) / (2 * scale))
    excess = (torch.stack(agreement, 1) - targets.to(p.device, non_blocking=True)).clamp_min(0) + torch.stack(doubt, 1)
    mask = unsaid.to(p.device, non_blocking=True)
    return (excess * mask).sum() / mask.sum().clamp_min(1)


def _entropy(p: torch.Tensor) -> torch.Tensor:
    return -(p * p.clamp_min(1e-12).log()).sum(-1)


def unsaid_marginal_loss(logits: Mapping[str, torch.Tensor], frequencies: Mapping[str, torch.Tensor],
                         unsaid: torch.Tensor) -> torch.Tensor:
    """Mean over attributes with any unsaid cell in the batch of KL(f̄ ‖ p̄): f̄ the mean real-face
    frequencies of those cells (:meth:`UnsaidTargets.frequencies`), p̄ the mean of the reader's
    probabilities for the same faces. Zero, with a zero gradient, when nothing is unsaid."""
    total, counted = None, 0
    for a, (name, freq) in enumerate(frequencies.items()):
        cells = _rows(unsaid[:, a], logits[name].device)
        if cells is None:
            continue
        drawn = logits[name].float().softmax(-1).index_select(0, cells).mean(0)
        wanted = freq.to(drawn.device, non_blocking=True).index_select(0, cells).mean(0)
        kl = (wanted * (wanted.clamp_min(1e-12).log() - drawn.clamp_min(1e-12).log())).sum()
        total, counted = (kl if total is None else total + kl), counted + 1
    return _zero(logits) if total is None else total / counted


def unsaid_code_loss(logits: Mapping[str, torch.Tensor], values: torch.Tensor, coded: torch.Tensor) -> torch.Tensor:
    """Mean over coded (face, attribute) cells of the reader's cross-entropy on the value the noise
    coded (:meth:`UnsaidTargets.complete`); ``logits`` in the table's order, columns of ``values``
    likewise. Zero, with a zero gradient, when no cell is coded."""
    total, counted = None, 0
    for a, scores in enumerate(logits.values()):
        cells = _rows(coded[:, a], scores.device)
        if cells is None:
            continue
        cost = torch.nn.functional.cross_entropy(scores.float().index_select(0, cells),
                                                 values[:, a].to(scores.device, non_blocking=True).index_select(0, cells),
                                                 reduction="sum")
        total, counted = (cost if total is None else total + cost), counted + cells.numel()
    return _zero(logits) if total is None else total / counted


def _rows(mask: torch.Tensor, device: torch.device) -> torch.Tensor | None:
    """The indices where ``mask`` (a row mask, normally on the host) is true, on ``device``; None if
    none is. Found on the mask's own device, so a host mask never waits for the training device."""
    rows = mask.nonzero().squeeze(1)
    return None if rows.numel() == 0 else rows.to(device, non_blocking=True)


def _zero(logits: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """A zero loss still attached to ``logits``, so a batch with no cell to score backpropagates zeros."""
    return sum(v.sum() for v in logits.values()) * 0.0
