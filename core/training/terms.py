"""The terms of the training objective, each a small object that declares what it is.

A term says its name, the ``TrainConfig`` field that holds its weight, whether it needs the
attribute reader, the metric key it logs under and the label and tooltip the app's loss plot shows.
Everything else reads those declarations: :mod:`core.training.objective` adds the active terms in
the order of :data:`GENERATOR_TERMS`, config validation refuses a reader term without a reader,
:func:`core.presets.without_attribute_reader` turns every reader term off, and the loss plot builds
its legend from :func:`plot_series`. Adding a term is one class here and one weight field.

The critic's part of the objective is T2F's: a Wasserstein estimate with a matching-aware term in
one of four forms (:data:`MATCHING_FORMS`), the drift penalty and the gradient penalty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, ClassVar

import torch

from core.losses import contrastive_matching_loss, mode_seeking_loss
from core.model.conditioning import kl_divergence
from core.training.attribute_reader import label_targets, reader_cross_entropy
from core.training.unsaid import unsaid_code_loss, unsaid_diversity_loss, unsaid_marginal_loss

if TYPE_CHECKING:
    from core.config import TrainConfig
    from core.model.classifier import AttributeClassifier
    from core.training.unsaid import UnsaidTargets


@dataclass(frozen=True)
class Series:
    """One curve of the loss plot: the metric key, a short legend label and a tooltip."""

    metric: str
    label: str
    tooltip: str


#: Curves every run logs, in legend order (the critic's and the generator's adversarial losses,
#: the gradient penalty, then drift, which the plot starts unchecked: it is logged before its
#: 0.001 weight and would flatten every other curve).
CORE_SERIES = (
    Series("d_loss", "D loss", "The critic's loss: Wasserstein estimate plus the matching term"),
    Series("g_loss", "G loss", "The generator's adversarial loss (minus the critic's score of its faces)"),
    Series("gp", "Grad. penalty", "WGAN-GP: how far the critic's gradient norm is from 1"),
)
DRIFT_SERIES = Series("drift", "Drift", "E[D(real)²] before its 0.001 weight; large, so unchecked at first")


class GeneratorStep:
    """What the generator's terms look at in one step, with the costly parts computed once.

    ``readings`` (the attribute reader's logits for the drawn faces) and ``twins`` (half the batch
    drawn again with new noise) are shared by every term that uses them.
    """

    def __init__(self, *, fake: torch.Tensor, fake_features: torch.Tensor, text: torch.Tensor, mu: torch.Tensor,
                 logvar: torch.Tensor, z: torch.Tensor, c: torch.Tensor, mentioned: list[dict[str, str]],
                 allowed: torch.Tensor | None, critic: Any, reader: AttributeClassifier | None,
                 unsaid: UnsaidTargets | None, draw_twins: Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]],
                 device: torch.device, z_host: torch.Tensor | None = None) -> None:
        self.fake, self.fake_features, self.text = fake, fake_features, text
        self.mu, self.logvar, self.z, self.c = mu, logvar, z, c
        #: ``z`` as drawn on the host: what the host reads of the noise, without waiting for the device.
        self.z_host = z.cpu() if z_host is None else z_host
        self.mentioned, self.allowed = mentioned, allowed
        self.critic, self.reader, self.unsaid = critic, reader, unsaid
        self.device = device
        self._draw_twins = draw_twins
        self._readings: dict[str, torch.Tensor] | None = None
        self._twins: tuple[torch.Tensor, torch.Tensor] | None = None

    @property
    def count(self) -> int:
        return self.fake.shape[0]

    @property
    def half(self) -> int:
        return self.count // 2

    @property
    def readings(self) -> dict[str, torch.Tensor]:
        if self._readings is None:
            self._readings = self.reader(self.fake)
        return self._readings

    @property
    def twins(self) -> tuple[torch.Tensor, torch.Tensor]:
        """``(twin faces, their noise)``: the first half of the batch drawn again with new noise."""
        if self._twins is None:
            self._twins = self._draw_twins(self.c[:self.half])
        return self._twins


class GeneratorTerm:
    """A weighted term of the generator's loss. Subclasses declare the class attributes and ``loss``."""

    name: ClassVar[str]
    #: The ``TrainConfig`` field holding the weight (0 = off).
    weight_field: ClassVar[str]
    needs_reader: ClassVar[bool] = False
    #: Whether the term needs the real faces' unsaid-attribute statistics (core.training.unsaid).
    needs_unsaid: ClassVar[bool] = False
    #: Whether the term looks at the drawn faces beyond the critic's score (the reader's readings
    #: are computed before the first such term, once, when any term needs them).
    reads_faces: ClassVar[bool] = True
    #: Terms that must be logged even at weight 0 (their value is informative on its own).
    always_on: ClassVar[bool] = False
    series: ClassVar[Series]

    def __init__(self, weight: float) -> None:
        self.weight = weight

    @classmethod
    def wanted(cls, train: TrainConfig) -> bool:
        """Whether ``train`` switches this term on."""
        return cls.always_on or getattr(train, cls.weight_field) > 0

    def applies(self, step: GeneratorStep) -> bool:
        """Whether the term can be computed for this batch (e.g. it needs two faces)."""
        return True

    def loss(self, step: GeneratorStep) -> torch.Tensor:
        raise NotImplementedError


class GeneratorMatching(GeneratorTerm):
    """With contrastive matching: reward faces the critic matches to their own caption rather than
    to the batch's others (XMC-GAN's generator term)."""

    name = "generator matching"
    weight_field = "generator_matching_weight"
    reads_faces = False
    series = Series("g_matching", "G matching",
                    "How far the critic is from picking each drawn face's own caption among the batch's (cross-entropy)")

    @classmethod
    def wanted(cls, train: TrainConfig) -> bool:
        return train.contrastive_matching and train.generator_matching_weight > 0

    def loss(self, step: GeneratorStep) -> torch.Tensor:
        return contrastive_matching_loss(step.critic.pair_scores(step.fake_features, step.text).float(), step.allowed)


class KLTerm(GeneratorTerm):
    """Conditioning augmentation's KL divergence from N(0, I), logged at any weight."""

    name = "KL"
    weight_field = "kl_weight"
    reads_faces = False
    always_on = True
    series = Series("kl", "KL", "Conditioning augmentation's KL divergence from a unit Gaussian")

    def loss(self, step: GeneratorStep) -> torch.Tensor:
        return kl_divergence(step.mu.float(), step.logvar.float())


class ReaderTerm(GeneratorTerm):
    """The attribute reader's cross-entropy on what each caption states (core.training.attribute_reader)."""

    name = "attribute reader"
    weight_field = "reader_weight"
    needs_reader = True
    series = Series("reader_loss", "Attr. reader",
                    "Cross-entropy of the attribute reader on what each caption states (lower: more faithful faces)")

    def loss(self, step: GeneratorStep) -> torch.Tensor:
        # Targets on the host: the loss counts the labelled ones there and moves them without a sync.
        return reader_cross_entropy(step.readings, label_targets(step.reader.table, step.mentioned))


class ModeSeekingTerm(GeneratorTerm):
    """MSGAN's term: faces of one condition must change with their noise (core.losses.mode_seeking_loss)."""

    name = "mode seeking"
    weight_field = "mode_seeking_weight"
    series = Series("mode_seeking", "Mode seeking",
                    "MSGAN's term: 1 / (image change per noise change) between two seeds of a caption")

    def applies(self, step: GeneratorStep) -> bool:
        return step.count > 1

    def loss(self, step: GeneratorStep) -> torch.Tensor:
        twins, twin_noise = step.twins
        return mode_seeking_loss(step.fake[:step.half].float(), twins.float(), step.z[:step.half], twin_noise)


class UnsaidDiversityTerm(GeneratorTerm):
    """Two seeds of a caption disagree about what it leaves unsaid as often as real faces do."""

    name = "unsaid diversity"
    weight_field = "unsaid_diversity_weight"
    needs_reader = True
    needs_unsaid = True
    series = Series("unsaid_diversity", "Seed spread",
                    "How much more two seeds agree on what a caption leaves unsaid than real faces do, plus how "
                    "unsure the attribute reader is of those attributes")

    def applies(self, step: GeneratorStep) -> bool:
        return step.count > 1

    def loss(self, step: GeneratorStep) -> torch.Tensor:
        half = step.half
        targets, unsaid = step.unsaid.for_captions(step.mentioned[:half])
        twins, _ = step.twins
        return unsaid_diversity_loss({k: v[:half] for k, v in step.readings.items()}, step.reader(twins),
                                     step.unsaid.names, targets, unsaid)


class UnsaidMarginalTerm(GeneratorTerm):
    """Over a batch, what captions leave unsaid is drawn in the mix real faces have it."""

    name = "unsaid marginal"
    weight_field = "unsaid_marginal_weight"
    needs_reader = True
    needs_unsaid = True
    series = Series("unsaid_marginal", "Unsaid mix",
                    "How far the batch's mix of what its captions leave unsaid (hair colour, skin, …) is from "
                    "real faces with those descriptions (KL divergence; 0 = the same mix)")

    def loss(self, step: GeneratorStep) -> torch.Tensor:
        _, unsaid = step.unsaid.for_captions(step.mentioned)
        return unsaid_marginal_loss(step.readings, step.unsaid.frequencies(step.mentioned), unsaid)


class UnsaidCodeTerm(GeneratorTerm):
    """The first noise dimensions pick the values of what the caption leaves unsaid."""

    name = "unsaid code"
    weight_field = "unsaid_code_weight"
    needs_reader = True
    needs_unsaid = True
    series = Series("unsaid_code", "Unsaid code",
                    "Cross-entropy of the attribute reader on the values the noise picked for what each caption "
                    "leaves unsaid (lower: each seed draws its own, as real faces vary)")

    def loss(self, step: GeneratorStep) -> torch.Tensor:
        uniforms = torch.special.ndtr(step.z_host[:, :len(step.unsaid.names)].float()).numpy()
        values, coded = step.unsaid.complete(step.mentioned, uniforms)
        return unsaid_code_loss(step.readings, values, coded)


#: The generator's terms in the order they join its loss.
GENERATOR_TERMS: tuple[type[GeneratorTerm], ...] = (GeneratorMatching, KLTerm, ReaderTerm, ModeSeekingTerm,
                                                    UnsaidDiversityTerm, UnsaidMarginalTerm, UnsaidCodeTerm)

#: The weight fields of every term that needs the attribute reader.
READER_WEIGHTS: tuple[str, ...] = tuple(t.weight_field for t in GENERATOR_TERMS if t.needs_reader)
#: The weight fields of every term that needs the unsaid-attribute statistics.
UNSAID_WEIGHTS: tuple[str, ...] = tuple(t.weight_field for t in GENERATOR_TERMS if t.needs_unsaid)


def active_generator_terms(train: TrainConfig, has_reader: bool) -> list[GeneratorTerm]:
    """The terms ``train`` switches on, weighted, in order (reader terms only with a reader)."""
    return [term(getattr(train, term.weight_field)) for term in GENERATOR_TERMS
            if term.wanted(train) and (has_reader or not term.needs_reader)]


# ---- the critic's matching-aware term -------------------------------------------------------------

#: Forms of the matching-aware term, with what each is: the score of a real face with a wrong
#: caption (``D(x, t̃)``) enters the critic's loss …
MATCHING_FORMS = {
    "sum": "T2F: as a second fake, added — mean D(fake) + w·mean D(x, t̃) − mean D(real)",
    "average": "GAN-CLS: averaged with the fakes — (mean D(fake) + w·mean D(x, t̃)) / (1 + w) − mean D(real)",
    "hinge": "through a hinge — w·mean relu(margin − D(x, t) + D(x, t̃)) added to the Wasserstein loss",
    "contrastive": "as a ranking — each real face must pick its own caption among the batch's (cross-entropy)",
}


def plot_series() -> tuple[list[Series], list[Series]]:
    """The loss plot's curves in legend order: ``(always, optional)``. Every run logs the first
    (the adversarial losses, the penalty, KL, drift); each optional one is a term only some runs
    switch on, shown once a run logs it."""
    always = [*CORE_SERIES, *(t.series for t in GENERATOR_TERMS if t.always_on), DRIFT_SERIES]
    optional = [t.series for t in GENERATOR_TERMS if not t.always_on]
    return always, optional
