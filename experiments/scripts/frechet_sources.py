"""Is a model's Fréchet distance in the drawing, or in which attributes it draws? Real faces rendered
with the generated faces' own attributes tell them apart.

The judge reads every generated face's attributes (it reads real faces right ≥ 97 % of the time);
the renderer then draws a real face with exactly those attributes. Against the 800 real faces
``t2f evaluate`` uses, as multiples of its real-vs-real distance:

* generated vs those renders — the same attributes, so what is left is the drawing itself;
* the renders vs real — the attribute mix alone;
* renders with the held-out faces' own attributes except the *unsaid* ones (those the generator
  chose) vs real, and the converse (only the stated ones the generator's): which part of the mix.

    python experiments/scripts/frechet_sources.py [MODEL]     # default: resources/models/default (~2 min)

The bundled model of 969,664 images: 7.28× in all; the drawing 4.01×; the mix 4.38×; unsaid from the
generator 4.16×, stated from the generator 2.05× (a floor for this construction: the held-out
faces' own attributes everywhere give 2.18×, four renders of each of 200 attribute sets). So the
stated attributes cost nothing; the generator's choice of what is left unsaid and the drawing
itself each cost about as much as the whole 5× target. Its successor (1,238,528 images, a wider
critic): 6.63× in all; the drawing 4.27×, the mix 4.20× (unsaid 3.99×, stated 2.03×): the wider
critic moved the mix, not the drawing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping

import numpy as np
import torch

from core.data.base import uint8_to_float
from core.data.synthetic import ATTRIBUTES, SyntheticFaces
from core.data.synthetic.dataset import render_at
from core.evaluate.captions import EVAL_SEED, EvalCaption, synthetic_captions
from core.evaluate.distances import frechet_distance
from core.evaluate.judge import AttributeJudge
from core.evaluate.report import generate_faces
from core.model.t2f import T2F

CAPTIONS, SEEDS = 200, 4


def render(attribute_sets: list[Mapping[str, str]], rng: np.random.Generator) -> torch.Tensor:
    """One real face per attribute set, as the evaluation's float images."""
    return uint8_to_float(torch.from_numpy(np.stack([render_at(dict(a), rng, 64) for a in attribute_sets])))


def main(argv: list[str]) -> int:
    model = T2F.load(argv[0] if argv else "resources/models/default", "cpu")
    judge = AttributeJudge.load()
    captions, held_out = synthetic_captions("test", CAPTIONS)
    generated = generate_faces(model, [c.text for c in captions], SEEDS)
    read, generated_features = judge.read(generated)
    pool = SyntheticFaces(2 * CAPTIONS * SEEDS, resolution=64, seed=EVAL_SEED + 1, split="test")
    _, pool_features = judge.read(pool.images(range(len(pool))))
    real_a, real_b = pool_features[: CAPTIONS * SEEDS], pool_features[CAPTIONS * SEEDS:]
    scale = frechet_distance(real_b, real_a)
    rng = np.random.default_rng(123)
    names = list(ATTRIBUTES)

    def drawn(face: int) -> dict[str, str]:
        return {name: ATTRIBUTES[name][int(read[name][face])] for name in names}

    def mixed(use_drawn: Callable[[str, EvalCaption], bool]) -> np.ndarray:
        sets = []
        for face in range(CAPTIONS * SEEDS):
            caption, own = captions[face // SEEDS], held_out.attributes(face // SEEDS)
            sets.append({name: drawn(face)[name] if use_drawn(name, caption) else own[name] for name in names})
        return judge.read(render(sets, rng))[1]

    matched = judge.read(render([drawn(face) for face in range(CAPTIONS * SEEDS)], rng))[1]
    rows = [("generated vs real (what t2f evaluate reports)", frechet_distance(generated_features, real_a)),
            ("generated vs real renders of their own attributes (the drawing)",
             frechet_distance(generated_features, matched)),
            ("those renders vs real (the attribute mix)", frechet_distance(matched, real_a)),
            ("renders, generator's unsaid attributes, held-out face's stated ones, vs real",
             frechet_distance(mixed(lambda name, c: name not in c.attributes), real_a)),
            ("renders, generator's stated attributes, held-out face's unsaid ones, vs real",
             frechet_distance(mixed(lambda name, c: name in c.attributes), real_a)),
            ("renders of the held-out faces' own attributes vs real (this construction's floor)",
             frechet_distance(mixed(lambda name, c: False), real_a))]
    print(f"real vs real: {scale:.2f}")
    for label, value in rows:
        print(f"{label:82s} {value:7.2f}  {value / scale:5.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
