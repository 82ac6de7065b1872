"""Is a model's Fréchet distance in the drawing, or in which attributes it draws? Real faces rendered
with the generated faces' own attributes tell them apart.

This is now part of ``t2f evaluate --frechet-split`` (``core/evaluate/frechet_split.py`` says what
each row compares); this script prints the same rows, at the same settings (200 held-out captions ×
4 seeds), with the same numbers:

    python experiments/scripts/frechet_sources.py [MODEL]     # default: resources/models/default

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

from core.evaluate.frechet_split import format_split
from core.evaluate.judge import AttributeJudge
from core.evaluate.report import evaluate_model
from core.model.t2f import T2F

CAPTIONS, SEEDS = 200, 4


def main(argv: list[str]) -> int:
    model = T2F.load(argv[0] if argv else "resources/models/default", "cpu")
    report = evaluate_model(model, AttributeJudge.load(), CAPTIONS, SEEDS, with_paraphrase=False,
                            artefacts=False, split_frechet=True)
    print("\n".join(format_split(report["frechet_split"])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
