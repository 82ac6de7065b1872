"""Where a model's paraphrase gap is: unseen words, or unseen sentence frames?

Scores the ``paraphrase`` split four ways with the attribute judge: as it is (with the WordNet word
reading, and with words as written), with its held-out words swapped for training words (held-out
sentence frames kept), and with its held-out words in training frames. The split's captions are
made again with one part of the caption generator switched back to training choices each time; the
same random stream picks the same faces and attributes, so only the wording differs.

    python experiments/scripts/paraphrase_gap.py [MODEL]     # default: resources/models/default

The bundled model (2026-12-07): 0.592, 0.399, 0.868, 0.628 — the words are the gap.
"""

from __future__ import annotations

import contextlib
import sys

from core.data.synthetic import templates
from core.data.synthetic.vocabulary import Words
from core.evaluate.captions import synthetic_captions
from core.evaluate.judge import AttributeJudge
from core.evaluate.report import generate_faces, score_faithfulness
from core.model.t2f import T2F


def score(model: T2F, judge: AttributeJudge, label: str, reader: bool = True) -> None:
    captions, _ = synthetic_captions("paraphrase", 200)
    with contextlib.nullcontext() if reader else model.words_as_written():
        faces = generate_faces(model, [c.text for c in captions], 4)
    result = score_faithfulness(judge.predict(faces), captions, 4).to_dict()
    print(f"{label:48s} {result['mean']:.3f}   e.g. {captions[0].text}", flush=True)


def main(argv: list[str]) -> int:
    model = T2F.load(argv[0] if argv else "resources/models/default", "cpu")
    judge = AttributeJudge.load()
    score(model, judge, "paraphrase split (word reading)")
    score(model, judge, "paraphrase split (words as written)", reader=False)
    held_out_pick = Words.pick
    Words.pick = lambda self, rng, paraphrase=False: held_out_pick(self, rng, False)
    try:
        score(model, judge, "held-out sentence frames, training words")
    finally:
        Words.pick = held_out_pick
    frames = templates.PARAPHRASE_FEATURES, templates.PARAPHRASE_SUBJECT_ONLY
    templates.PARAPHRASE_FEATURES = templates.TRAIN_FEATURES[: len(frames[0])]
    templates.PARAPHRASE_SUBJECT_ONLY = templates.TRAIN_SUBJECT_ONLY[: len(frames[1])]
    try:
        score(model, judge, "training sentence frames, held-out words (reading)")
    finally:
        templates.PARAPHRASE_FEATURES, templates.PARAPHRASE_SUBJECT_ONLY = frames
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
