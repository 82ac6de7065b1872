"""The attribute reader: a classifier trained on the real faces' labels, whose reading of each
*generated* face must agree with what its caption says.

Why it exists. The generator learns to draw only what the critic checks, and through three bundled
runs our ProGAN critic (equalised learning rate, leaky ReLU, no normalisation, a Wasserstein score)
never learned to check gender, age, eye colour, eyewear, facial hair or expression: the critic probe
(``python -m core.evaluate.critic_probe``) stayed near chance for them, and so did the faces
(``t2f evaluate``: text-faithfulness 0.55, those six at 0.30–0.45). Trained as a plain classifier for
600 steps, the critic's trunk read expression 0.36 and eye colour 0.64, while a small
BatchNorm/ReLU/max-pool network (:func:`core.model.classifier.classifier_trunk`) read them 0.99 and
0.98. Learning the same from captions alone was no faster: a CLIP-style image–caption matcher on that
network, 2,000 contrastive steps with near misses, still read only skin tone and background.

So, where a dataset labels its faces and knows which attributes each caption states (the synthetic
faces do; see :meth:`core.data.base.TextFaceDataset.mentioned_attributes`), the trainer first fits
this reader to the real faces' labels, freezes it, and adds to the generator's loss the reader's
cross-entropy for exactly the attributes each caption mentions — the auxiliary-classifier idea of
AC-GAN and of attribute-guided text-to-face models. Unmentioned attributes are left free, so the
faces still vary in everything the text does not fix. The text itself still reaches the generator
only through its text encoder; the labels teach the generator which of its drawings carry the words.

The reader is not the attribute judge that measures faithfulness: the judge is trained separately
(its own faces and seed) and never seen by training.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
import torch.nn.functional as F

from core.data.augment import jitter
from core.model.classifier import AttributeClassifier
from core.training.schedule import real_images_at


def reader_depth(step: int, max_depth: int) -> int:
    """Even steps at full resolution; odd steps cycle through the smaller depths 0 … max_depth − 1."""
    if step % 2 == 0 or max_depth == 0:
        return max_depth
    return (step // 2) % max_depth


def label_targets(table: Mapping[str, Sequence[str]], labels: Sequence[Mapping[str, str]],
                  device: torch.device | None = None) -> dict[str, torch.Tensor]:
    """Class index per attribute and image; −100 (ignored by cross-entropy) where a label is missing."""
    targets = {}
    for name, values in table.items():
        index = {value: i for i, value in enumerate(values)}
        targets[name] = torch.tensor([index.get(label.get(name, ""), -100) for label in labels],
                                     dtype=torch.long, device=device)
    return targets


def reader_loss(reader: AttributeClassifier, images: torch.Tensor,
                targets: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """Mean cross-entropy over every (image, labelled attribute) pair.

    Each attribute's term is weighted by its share of the labelled pairs, so an attribute a caption
    rarely states (a woman's facial hair) weighs in proportion, and a batch with no labels at all
    gives zero with a gradient of zero.
    """
    return reader_cross_entropy(reader(images), targets)


def reader_cross_entropy(logits: Mapping[str, torch.Tensor], targets: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """:func:`reader_loss` from readings already made (the trainer reuses them for the unsaid term)."""
    total = sum(output.sum() for output in logits.values()) * 0.0  # in the graph even with no labels
    count = 0
    for name, target in targets.items():
        labelled = int((target >= 0).sum())  # targets made on the host (label_targets) are read without a sync
        if labelled:
            total = total + F.cross_entropy(logits[name].float(), target.to(logits[name].device, non_blocking=True),
                                            ignore_index=-100, reduction="sum")
            count += labelled
    return total / max(count, 1)


def reader_training_step(reader: AttributeClassifier, images: torch.Tensor, labels: Sequence[Mapping[str, str]],
                         step: int, max_depth: int, gen: torch.Generator) -> torch.Tensor:
    """The loss of one batch of real full-resolution faces and their full labels (no optimizer step)."""
    shown = real_images_at(jitter(images.cpu(), gen).to(images.device), reader_depth(step, max_depth), 1.0)
    return reader_loss(reader, shown, label_targets(reader.table, labels, images.device))
