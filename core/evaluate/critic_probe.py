"""``python -m core.evaluate.critic_probe RUN``: which attributes does a run's critic read from captions?

The generator only learns to draw what the critic can check. This probe takes held-out real faces and,
for each attribute, two captions written from the same random choices — one true, one with only that
attribute's value changed — and asks the critic (a run's latest checkpoint) which one fits the face
better. An attribute the critic prefers the true caption for about half the time is one it does not
read at all, and one the generator will not learn from it either.

It is how we found that T2F's jointly trained critic matched captions by background colour alone
(see core.training.matching).
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from core.config import RunConfig
from core.data.synthetic.attributes import ATTRIBUTES
from core.data.synthetic.captions import Caption, make_caption
from core.data.synthetic.dataset import SyntheticFaces
from core.model.discriminator import Discriminator
from core.text.tokenizer import Tokenizer
from core.training.checkpoint import load_checkpoint, sub_state
from core.training.rundir import RunDir
from core.training.schedule import real_images_at


@dataclass(frozen=True)
class AttributeProbe:
    """How the critic ranks true against one-attribute-changed captions."""

    pairs: int
    prefers_true: float
    median_margin: float


def changed_caption_pair(attributes: dict[str, str], name: str, seed: int,
                         tries: int = 20) -> tuple[Caption, Caption] | None:
    """A true caption and the same caption with ``name`` changed, both mentioning ``name``.

    Both captions are drawn with the same random seed, so they share template, wording and the
    other attributes mentioned; ``None`` when no try mentions ``name`` (e.g. a woman's facial hair).
    """
    others = [v for v in ATTRIBUTES[name] if v != attributes[name]]
    for attempt in range(tries):
        changed = dict(attributes, **{name: others[attempt % len(others)]})
        true = make_caption(attributes, np.random.default_rng(seed * tries + attempt))
        wrong = make_caption(changed, np.random.default_rng(seed * tries + attempt))
        if name in true.mentioned and name in wrong.mentioned and true.text != wrong.text:
            return true, wrong
    return None


def changed_caption_pairs(faces: SyntheticFaces, name: str) -> Iterator[tuple[int, tuple[Caption, Caption]]]:
    """``(face index, (true, changed))`` for every face whose ``name`` can be changed in a caption."""
    for index in range(len(faces)):
        pair = changed_caption_pair(faces.attributes(index), name, index)
        if pair is not None:
            yield index, pair


@torch.no_grad()
def probe_critic(discriminator: Discriminator, tokenizer: Tokenizer, faces: SyntheticFaces,
                 depth: int | None = None) -> dict[str, AttributeProbe]:
    """Per attribute: how often (and by how much) the critic scores the true caption higher."""
    discriminator.eval()
    depth = discriminator.max_depth if depth is None else depth
    features = discriminator.features(real_images_at(faces.images(range(len(faces))), depth, 1.0), depth)
    results = {}
    for name in ATTRIBUTES:
        margins = []
        for index, pair in changed_caption_pairs(faces, name):
            ids, lengths = tokenizer.batch([caption.text for caption in pair])
            scores = discriminator.head(features[index:index + 1].expand(2, -1),
                                        discriminator.encode_text(ids, lengths))
            margins.append(float(scores[0] - scores[1]))
        if margins:
            results[name] = AttributeProbe(len(margins), sum(m > 0 for m in margins) / len(margins),
                                           statistics.median(margins))
    return results


def load_critic(run_dir: Path) -> tuple[Discriminator, Tokenizer, RunConfig, Path]:
    """The critic of a run folder's latest checkpoint, with the run's tokenizer and config."""
    run = RunDir(run_dir)
    checkpoint = run.latest_checkpoint()
    if checkpoint is None:
        raise FileNotFoundError(f"{run.checkpoints} holds no checkpoint")
    config = RunConfig.load(run.config)
    tokenizer = Tokenizer.load(run.tokenizer, max_tokens=config.model.max_tokens)
    discriminator = Discriminator(config.model)
    tensors, _ = load_checkpoint(checkpoint)
    discriminator.load_state_dict(sub_state(tensors, "disc"))
    return discriminator, tokenizer, config, checkpoint


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a run folder with checkpoints")
    parser.add_argument("--faces", type=int, default=300, help="held-out faces to probe with")
    args = parser.parse_args(argv)
    discriminator, tokenizer, config, checkpoint = load_critic(args.run)
    faces = SyntheticFaces(args.faces, resolution=config.model.resolution, seed=0, split="test")
    print(f"{checkpoint.name}: does the critic prefer the true caption over one with a single attribute changed?")
    print(f"{'attribute':12s} {'pairs':>5s} {'prefers true':>12s} {'median margin':>13s}")
    for name, probe in probe_critic(discriminator, tokenizer, faces).items():
        print(f"{name:12s} {probe.pairs:5d} {probe.prefers_true:12.2f} {probe.median_margin:13.2f}")


if __name__ == "__main__":
    main()
