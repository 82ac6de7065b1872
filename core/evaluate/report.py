"""``evaluate_model``: text-faithfulness, paraphrase robustness, image quality, diversity, artefacts.

All four compare generated faces with real rendered faces through the attribute judge: its
predictions for faithfulness, its pooled features for distances and diversity. Diversity also says,
in the judge's words, how often what a caption leaves unsaid is the same on all of its seeds.
Wording robustness is scored twice: on the ``paraphrase`` split (held-out templates and synonyms,
which have guided the word reader's rules) and on the fresh-wordings file, which never has.
Artefacts are what the judge reads through: a small patch detector tells generated faces from real
renders of the attributes the judge reads on them (:mod:`core.evaluate.artefacts`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from core.data.synthetic import ATTRIBUTES, SyntheticFaces
from core.evaluate.artefacts import artefact_report, drawn_attributes, render_sets
from core.evaluate.captions import EVAL_SEED, FRESH_WORDINGS, EvalCaption, load_caption_file, synthetic_captions
from core.evaluate.distances import frechet_distance, kernel_distance, mean_pairwise_distance
from core.evaluate.frechet_split import RENDER_SEED, frechet_split
from core.evaluate.judge import AttributeJudge
from core.data.base import uint8_to_float
from core.losses import derangement


@dataclass
class Faithfulness:
    """Judge accuracy on the attributes each caption mentions."""

    per_attribute: dict[str, float]
    counts: dict[str, int]

    @property
    def mean(self) -> float:
        """Mean over attributes (each attribute counts once, however often it is mentioned)."""
        return float(np.mean(list(self.per_attribute.values()))) if self.per_attribute else float("nan")

    @property
    def worst(self) -> tuple[str, float]:
        name = min(self.per_attribute, key=self.per_attribute.get)
        return name, self.per_attribute[name]

    def to_dict(self) -> dict:
        return {"mean": round(self.mean, 4), "per_attribute": {k: round(v, 4) for k, v in self.per_attribute.items()},
                "mentions": self.counts}


def score_faithfulness(predictions: dict[str, np.ndarray], captions: Sequence[EvalCaption],
                       repeats: int = 1) -> Faithfulness:
    """Compare predictions for ``len(captions) × repeats`` images (caption-major) with what each caption asks."""
    hits: dict[str, int] = {}
    counts: dict[str, int] = {}
    for c, caption in enumerate(captions):
        for r in range(repeats):
            row = c * repeats + r
            for name, value in caption.attributes.items():
                counts[name] = counts.get(name, 0) + 1
                hits[name] = hits.get(name, 0) + int(ATTRIBUTES[name][predictions[name][row]] == value)
    order = [name for name in ATTRIBUTES if name in counts]
    return Faithfulness({n: hits[n] / counts[n] for n in order}, {n: counts[n] for n in order})


def generate_faces(model, texts: Sequence[str], seeds: int, batch_size: int = 64) -> torch.Tensor:
    """``len(texts) × seeds`` faces (caption-major) as floats in [−1, 1]."""
    all_texts = [t for t in texts for _ in range(seeds)]
    all_seeds = [s for _ in texts for s in range(seeds)]
    chunks = []
    for start in range(0, len(all_texts), batch_size):
        images = model.generate(all_texts[start : start + batch_size], all_seeds[start : start + batch_size])
        chunks.append(uint8_to_float(images))
    return torch.cat(chunks)


def _diversity(features: np.ndarray, groups: int, per_group: int) -> float:
    return float(np.mean([mean_pairwise_distance(features[g * per_group : (g + 1) * per_group])
                          for g in range(groups)]))


def unmentioned_fixed_share(predictions: dict[str, np.ndarray], captions: Sequence[EvalCaption],
                            groups: Sequence[Sequence[int]]) -> float | None:
    """Share of (caption, attribute it leaves unsaid) pairs whose group of faces all show one value.

    ``groups[i]`` indexes the faces made for (or sharing the attributes of) ``captions[i]``. What a
    caption leaves unsaid should vary between its faces, as it does between real faces that share
    what it says; a generator that ignores its noise fixes it. The judge reads the values.
    """
    fixed = []
    for caption, group in zip(captions, groups):
        if len(group) < 2:
            continue
        for name, values in predictions.items():
            if name not in caption.attributes:
                fixed.append(len(set(values[list(group)].tolist())) == 1)
    return float(np.mean(fixed)) if fixed else None


def _real_groups(captions: Sequence[EvalCaption], pool: SyntheticFaces, per_group: int) -> list[list[int]]:
    """For each caption, up to ``per_group`` pool faces that share every attribute it mentions
    (an empty group when fewer than two do)."""
    attrs = [pool.attributes(i) for i in range(len(pool))]
    groups = []
    for caption in captions:
        match = [i for i, a in enumerate(attrs) if all(a[k] == v for k, v in caption.attributes.items())]
        groups.append(match[:per_group] if len(match) >= 2 else [])
    return groups


def _score_wording(report: dict, key: str, model, judge: AttributeJudge,  # noqa: ANN001 - a T2F
                   captions: Sequence[EvalCaption], seeds: int) -> None:
    """``report[key]``: faithfulness on ``captions`` as the model reads them; and, without the word
    reader, ``report[key + "_as_written"]`` (see :func:`_score_as_written`)."""
    faces = generate_faces(model, [c.text for c in captions], seeds)
    report[key] = score_faithfulness(judge.predict(faces), captions, seeds).to_dict()
    _score_as_written(report, key, model, judge, captions, seeds)


def _score_as_written(report: dict, key: str, model, judge: AttributeJudge,  # noqa: ANN001 - a T2F
                      captions: Sequence[EvalCaption], seeds: int) -> None:
    """``report[key + "_as_written"]``: faithfulness with the words as written, for a model that
    exports its known words — what the word reader (core.text.lexicon) adds. Nothing otherwise."""
    if model.known_words is None:
        return
    with model.words_as_written():
        faces = generate_faces(model, [c.text for c in captions], seeds)
    report[f"{key}_as_written"] = score_faithfulness(judge.predict(faces), captions, seeds).to_dict()


def evaluate_model(model, judge: AttributeJudge, count: int = 200, seeds: int = 4,
                   captions: Sequence[EvalCaption] | None = None, with_paraphrase: bool = True,
                   progress: Callable[[str], None] = lambda _: None, artefacts: bool = True,
                   split_frechet: bool = False) -> dict:
    """The full report as a JSON-able dict (see the module docstring). ``artefacts``: the patch
    detector (:mod:`core.evaluate.artefacts`); ``split_frechet``: the Fréchet distance split into the
    drawing and the attribute mix (:mod:`core.evaluate.frechet_split`, held-out captions only)."""
    if count < 1 or seeds < 1:
        raise ValueError(f"need at least one caption and one seed, got count={count}, seeds={seeds}")
    report: dict = {"count": count, "seeds": seeds}
    notes: list[str] = []  # what could not be measured with these settings, and why
    custom = captions is not None
    if custom:
        real_faces = None
    else:
        captions, real_faces = synthetic_captions("test", count)
    progress(f"generating {len(captions) * seeds} faces for {len(captions)} captions")
    generated = generate_faces(model, [c.text for c in captions], seeds)
    predictions, gen_features = judge.read(generated)
    report["faithfulness"] = score_faithfulness(predictions, captions, seeds).to_dict()
    if custom:  # a person's own words: what the word reader adds
        _score_as_written(report, "faithfulness", model, judge, captions, seeds)
    drawn = drawn_attributes(predictions)
    render_rng = np.random.default_rng(RENDER_SEED)  # the matched renders, then the split's mixes
    matched = None
    if artefacts or (split_frechet and not custom):
        progress("rendering real faces with the attributes the judge reads on each generated face")
        matched = render_sets(drawn, render_rng, generated.shape[-1])
    if artefacts:
        if len(generated) >= 4:
            progress("training a patch detector: generated vs real renders, and real vs real")
            report["artefacts"] = artefact_report(generated, matched, render_sets(
                drawn, np.random.default_rng(RENDER_SEED + 1), generated.shape[-1]))
        else:
            notes.append("artefacts not measured: the patch detector needs at least 4 faces (raise --n or --seeds)")

    wrong = derangement(len(captions), torch.Generator().manual_seed(0)).tolist() if len(captions) > 1 else [0]
    shuffled = generate_faces(model, [captions[j].text for j in wrong], seeds)
    report["floor_shuffled_captions"] = score_faithfulness(judge.predict(shuffled), captions, seeds).to_dict()

    if seeds >= 2:
        report["diversity"] = {"generated": round(_diversity(gen_features, len(captions), seeds), 4)}
    else:  # one face per caption has nothing to differ from
        report["diversity"] = {"generated": None}
        notes.append("diversity not measured: it compares the faces of one caption (use --seeds 2 or more)")
    if real_faces is not None:
        real_images = real_faces.images(range(len(real_faces)))
        report["ceiling_real_faces"] = score_faithfulness(judge.predict(real_images), captions, 1).to_dict()
        progress("measuring image quality and diversity against real faces")
        pool = SyntheticFaces(max(2 * len(generated), 1000), resolution=64, seed=EVAL_SEED + 1, split="test")
        pool_images = pool.images(range(len(pool)))
        pool_predictions, pool_features = judge.read(pool_images)
        half = len(pool_features) // 2
        real_a, real_b = pool_features[:half], pool_features[half:]
        n = min(len(gen_features), half)
        if n >= 2:  # a distribution distance needs two samples a side
            report["quality"] = _quality(gen_features[:n], real_a[:n], real_b[:n])
            if split_frechet:
                progress("splitting the Fréchet distance: the drawing and the attribute mix")
                report["frechet_split"] = frechet_split(judge, captions, real_faces, drawn, matched,
                                                        gen_features[:n], real_a[:n], real_b[:n], render_rng)
        else:
            notes.append("image quality not measured: it needs at least 2 faces (raise --n or --seeds)")
        groups = _real_groups(captions, pool, seeds)
        if seeds >= 2:
            real_div = [mean_pairwise_distance(pool_features[g]) for g in groups if g]
            report["diversity"]["real_same_attributes"] = round(float(np.mean(real_div)), 4) if real_div else None
            if real_div and report["diversity"]["real_same_attributes"] > 0:
                ratio = report["diversity"]["generated"] / report["diversity"]["real_same_attributes"]
                report["diversity"]["ratio"] = round(ratio, 3)
                report["diversity"]["mode_collapse"] = ratio < 0.5
        # Only full groups: fewer faces agree more often by chance.
        full = [(caption, group) for caption, group in zip(captions, groups) if len(group) == seeds]
        if seeds >= 2 and full:
            seed_groups = [range(i * seeds, (i + 1) * seeds) for i in range(len(captions))]
            report["diversity"]["unmentioned_fixed"] = {
                "generated": round(unmentioned_fixed_share(predictions, captions, seed_groups), 4),
                "real_same_attributes": round(unmentioned_fixed_share(
                    pool_predictions, [c for c, _ in full], [g for _, g in full]), 4)}
    if with_paraphrase and not custom:
        progress("paraphrase split")
        _score_wording(report, "paraphrase", model, judge, synthetic_captions("paraphrase", count)[0], seeds)
        if FRESH_WORDINGS.is_file():  # the paraphrase split has guided the word reader; this set never has
            progress("fresh wordings")
            _score_wording(report, "fresh_wordings", model, judge, load_caption_file(FRESH_WORDINGS), seeds)
    if split_frechet and custom:
        notes.append("Fréchet split not measured: it needs the held-out captions' own faces (drop --captions)")
    if notes:
        report["notes"] = notes
    real = real_images if real_faces is not None else None
    report["_images"] = {"generated": generated, "captions": captions, "real": real}
    return report


def _quality(generated: np.ndarray, real_a: np.ndarray, real_b: np.ndarray) -> dict:
    """Fréchet and kernel distances from generated to real features, beside the same distances
    between two real samples of the same size (what "close" means at that sample size)."""
    quality = {
        "frechet_judge": round(frechet_distance(generated, real_a), 4),
        "frechet_real_vs_real": round(frechet_distance(real_b, real_a), 4),
        "kid_judge": round(kernel_distance(generated, real_a), 5),
        "kid_real_vs_real": round(kernel_distance(real_b, real_a), 5),
        "samples": len(generated),
    }
    quality["frechet_ratio"] = round(quality["frechet_judge"] / max(quality["frechet_real_vs_real"], 1e-9), 3)
    return quality
