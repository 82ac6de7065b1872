"""Is a model's Fréchet distance in the drawing, or in which attributes it draws?

The judge reads every generated face's attributes (it reads real faces right ≥ 97 % of the time);
the renderer then draws a real face with exactly those attributes. Against the real faces ``t2f
evaluate`` measures quality with, as multiples of its real-vs-real distance:

* ``drawing`` — generated vs those renders: the same attributes, so what is left is the drawing;
* ``mix`` — the renders vs real: the attribute mix alone;
* ``unsaid_from_generator`` / ``stated_from_generator`` — renders with the held-out faces' own
  attributes except the *unsaid* ones (those the generator chose), or except the stated ones, vs
  real: which part of the mix;
* ``floor`` — renders of the held-out faces' own attributes vs real: this construction's floor
  (fresh renders of the right attributes are not the same faces, so it is above 1×).

Moved here from ``experiments/scripts/frechet_sources.py`` (now a thin wrapper over ``t2f evaluate
--frechet-split``); at the default 200 captions × 4 seeds both give the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

from core.data.synthetic import ATTRIBUTES, SyntheticFaces
from core.evaluate.artefacts import render_sets
from core.evaluate.captions import EvalCaption
from core.evaluate.distances import frechet_distance
from core.evaluate.judge import AttributeJudge

#: The seed of the renders' generator: the matched renders come first, then the three mixes.
RENDER_SEED = 123

#: Row key → what it compares (as ``experiments/scripts/frechet_sources.py`` prints it).
ROWS = {
    "total": "generated vs real (what t2f evaluate reports)",
    "drawing": "generated vs real renders of their own attributes (the drawing)",
    "mix": "those renders vs real (the attribute mix)",
    "unsaid_from_generator": "renders, generator's unsaid attributes, held-out face's stated ones, vs real",
    "stated_from_generator": "renders, generator's stated attributes, held-out face's unsaid ones, vs real",
    "floor": "renders of the held-out faces' own attributes vs real (this construction's floor)",
}


def frechet_split(judge: AttributeJudge, captions: Sequence[EvalCaption], held_out: SyntheticFaces,
                  drawn: Sequence[dict[str, str]], matched: torch.Tensor, generated_features: np.ndarray,
                  real_a: np.ndarray, real_b: np.ndarray, rng: np.random.Generator) -> dict:
    """The split as a JSON-able dict: ``{"real_vs_real": d, "distances": {row: d}, "ratios": {row: d / rr}}``.

    ``drawn[i]`` is the full attribute set the judge reads on generated face ``i`` (caption-major,
    ``len(drawn) // len(captions)`` seeds each), ``matched`` real renders of them drawn from ``rng``
    (which the three mixes go on drawing from), ``real_a``/``real_b`` two real feature samples.
    """
    seeds = len(drawn) // len(captions)
    resolution = matched.shape[-1]
    scale = frechet_distance(real_b, real_a)

    def mixed(use_drawn: Callable[[str, EvalCaption], bool]) -> np.ndarray:
        sets = []
        for face, read in enumerate(drawn):
            caption, own = captions[face // seeds], held_out.attributes(captions[face // seeds].source_index)
            sets.append({name: read[name] if use_drawn(name, caption) else own[name] for name in ATTRIBUTES})
        return judge.read(render_sets(sets, rng, resolution))[1]

    matched_features = judge.read(matched)[1]
    distances = {
        "total": frechet_distance(generated_features, real_a),
        "drawing": frechet_distance(generated_features, matched_features),
        "mix": frechet_distance(matched_features, real_a),
        "unsaid_from_generator": frechet_distance(mixed(lambda name, c: name not in c.attributes), real_a),
        "stated_from_generator": frechet_distance(mixed(lambda name, c: name in c.attributes), real_a),
        "floor": frechet_distance(mixed(lambda name, c: False), real_a),
    }
    return {"real_vs_real": round(scale, 4), "distances": {k: round(v, 4) for k, v in distances.items()},
            "ratios": {k: round(v / max(scale, 1e-9), 3) for k, v in distances.items()}}


def format_split(split: dict) -> list[str]:
    """The split as the lines ``frechet_sources.py`` has always printed."""
    lines = [f"real vs real: {split['real_vs_real']:.2f}"]
    for key, label in ROWS.items():
        value = split["distances"][key]
        lines.append(f"{label:82s} {value:7.2f}  {value / split['real_vs_real']:5.2f}×")
    return lines
