"""The small image classifier shared by the attribute judge and the trainer's attribute reader.

Plain convolutions with BatchNorm and ReLU, a strided 5×5 stem and max pooling between scales:
about 60 M multiply-adds per 64×64 face at width 32. Trained as an attribute classifier it reads
every synthetic attribute — eye colour and expression included — at 0.98–0.99 within a few hundred
steps, which the ProGAN critic's trunk does not (see core.training.attribute_reader).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from core.model.layout import cpu_channels_last


def conv_bn_relu(cin: int, cout: int, kernel: int = 3, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


#: Trunk designs: "max" (the judge's and the reader's), "avg" (a second opinion built differently).
DESIGNS = ("max", "avg")


def classifier_trunk(width: int = 32, design: str = "max") -> nn.Sequential:
    """``B×3×R×R`` → ``B×8·width×R/16×R/16`` feature maps.

    "max": a strided 5×5 stem, one ReLU convolution per scale, max pooling between. "avg": two
    LeakyReLU 3×3 convolutions per scale from full resolution, average pooling between — a judge
    built this way shares no design choice with the trainer's attribute reader except BatchNorm,
    so it can check that the generator did not learn to please that one design.
    """
    w = width
    if design == "avg":
        def stage(cin: int, cout: int) -> list[nn.Module]:
            return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.LeakyReLU(0.2),
                    nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.LeakyReLU(0.2),
                    nn.AvgPool2d(2)]
        return nn.Sequential(*stage(3, w), *stage(w, 2 * w), *stage(2 * w, 4 * w), *stage(4 * w, 8 * w))
    if design != "max":
        raise ValueError(f"unknown classifier design {design!r}; choose {', '.join(DESIGNS)}")
    return nn.Sequential(
        conv_bn_relu(3, w, 5, stride=2),                   # R/2
        conv_bn_relu(w, 2 * w), nn.MaxPool2d(2),           # R/4
        conv_bn_relu(2 * w, 4 * w), nn.MaxPool2d(2),       # R/8
        conv_bn_relu(4 * w, 8 * w), nn.MaxPool2d(2),       # R/16
        conv_bn_relu(8 * w, 8 * w),
    )


class AttributeClassifier(nn.Module):
    """Image (``B×3×r×r`` in [−1, 1]) → one logit vector per attribute of ``table``.

    Images of another size are resized to ``resolution`` first (area down, nearest up), so one
    classifier reads every stage of a progressive run.
    """

    def __init__(self, table: Mapping[str, Sequence[str]], resolution: int = 64, width: int = 32,
                 design: str = "max") -> None:
        super().__init__()
        self.table = {name: tuple(values) for name, values in table.items()}
        self.resolution = resolution
        self.width = width
        self.design = design
        self.trunk = classifier_trunk(width, design)
        self.feature_dim = 8 * width
        self.heads = nn.ModuleDict({name: nn.Linear(self.feature_dim, len(values))
                                    for name, values in self.table.items()})

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """Pooled trunk features ``B×feature_dim``."""
        if images.shape[-1] != self.resolution:
            images = F.interpolate(images, size=(self.resolution, self.resolution), mode="area"
                                   if images.shape[-1] > self.resolution else "nearest")
        return self.trunk(cpu_channels_last(images)).mean(dim=(2, 3))

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        h = self.features(images)
        return {name: head(h) for name, head in self.heads.items()}
