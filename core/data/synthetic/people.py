"""Face descriptions that sound like people wrote them, each stating exactly a chosen set of attributes.

The rigid caption dialect of :mod:`.captions` teaches the text encoder our own phrasing; people write
2-4 sentences, talk about noses, clothes and mood, give ages by decade, hedge ("I think her eyes were
green"), negate ("no glasses") and use colour words that belong to something else ("red lipstick").
This writer produces that kind of text (issue 23, item 1) while keeping the one property training
and evaluation need: the text plainly states the attributes in ``stated``, with their true values,
and no other attribute of the table. What it says beyond the table comes from :mod:`.people_extras`
and never names a table attribute.

Wordings live in :mod:`.people_words`; the ``paraphrase`` split also draws held-out wordings and
frames that the ``train`` split never produces (``people_words.held_out_phrases``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from core.data.synthetic import people_extras as ex
from core.data.synthetic.attributes import ATTRIBUTES
from core.data.synthetic.captions import Caption
from core.data.synthetic.people_parts import Ctx, fix_articles, render

PEOPLE_SPLITS = ("train", "paraphrase")

#: How often a person mentions an attribute (value-specific where people differ: a beard is worth
#: saying, its absence rarely). Background is said "sometimes", eye colour and face shape rarely.
_RATES: dict[str, float | dict[str, float]] = {
    "gender": 0.9, "age": 0.6, "skin_tone": 0.35, "hair_color": 0.65, "hair_style": 0.65, "eye_color": 0.15,
    "eyewear": {"none": 0.1, "glasses": 0.6, "sunglasses": 0.6},
    "facial_hair": {"none": 0.2, "moustache": 0.6, "beard": 0.6},
    "expression": {"smiling": 0.45, "neutral": 0.2, "surprised": 0.45},
    "face_shape": 0.12, "accessories": {"none": 0.08, "hat": 0.6, "earrings": 0.45}, "background": 0.3,
}
_MAX_STATED = 9
_MAX_WORDS = 120
#: Length modes: terse fragments, 1-2 sentences, 2-3 sentences, 3-5 sentences with much extra talk.
_MODES = ("terse", "short", "medium", "long")
_MODE_WEIGHTS = np.array([0.10, 0.17, 0.25, 0.48])
_FILLERS = {"terse": (0, 0), "short": (0, 1), "medium": (1, 4), "long": (7, 10)}
#: How many sentences a description of each mode aims at (more only when many attributes need them).
_SENTENCES = {"terse": (1, 1), "short": (1, 2), "medium": (2, 4), "long": (3, 5)}


def can_state(attributes: Mapping[str, str], name: str) -> bool:
    """Whether a description can state ``name``: a woman's facial hair never, nor unknown values."""
    if attributes.get(name) not in ATTRIBUTES.get(name, ()):
        return False
    return not (name == "facial_hair" and attributes.get("gender") == "woman")


def choose_stated(attributes: Mapping[str, str], rng: np.random.Generator) -> list[str]:
    """Which attributes a person would mention, at the rates people do (see ``_RATES``); 0 to 9.

    Gender and hair very often, age often, background sometimes, eye colour and face shape rarely;
    negations ("no glasses", "clean-shaven", "not smiling", "no hat or earrings") now and then. A
    bald person's hair colour is stated with the baldness ("bald with grey hair at the sides").
    """
    stated = []
    for name in ATTRIBUTES:
        if not can_state(attributes, name):
            continue
        rate = _RATES[name]
        rate = rate[attributes[name]] if isinstance(rate, dict) else rate
        if rng.random() < rate:
            stated.append(name)
    if "hair_color" in stated and attributes.get("hair_style") == "bald" and "hair_style" not in stated:
        stated.append("hair_style")
    if rng.random() < 0.02:
        stated = []
    while len(stated) > _MAX_STATED:
        stated.pop(int(rng.integers(len(stated))))
    return stated


def people_caption(attributes: Mapping[str, str], rng: np.random.Generator, split: str = "train") -> Caption:
    """:func:`choose_stated` + :func:`describe_like_people` as a :class:`Caption` (``mentioned`` = stated)."""
    stated = choose_stated(attributes, rng)
    text = describe_like_people(attributes, stated, rng, split)
    return Caption(text, {name: attributes[name] for name in stated}, (), f"people-{split}")


def describe_like_people(attributes: Mapping[str, str], stated: Sequence[str], rng: np.random.Generator,
                         split: str = "train") -> str:
    """A free-style description of a face that plainly states exactly the attributes named in
    ``stated`` (with their values from ``attributes``) and no other attribute of the table, though
    it may talk about things the table does not cover (nose, clothes, mood, the photo).

    ``split`` "paraphrase" mixes in held-out wordings and frames that "train" never uses.
    """
    if split not in PEOPLE_SPLITS:
        raise ValueError(f"split must be one of {', '.join(PEOPLE_SPLITS)}, got {split!r}")
    for name in stated:
        if not can_state(attributes, name):
            raise ValueError(f"cannot state {name}={attributes.get(name)!r} for this face")
    ctx = Ctx(attributes, list(dict.fromkeys(stated)), rng, split == "paraphrase")
    mode = _MODES[int(rng.choice(len(_MODES), p=_MODE_WEIGHTS / _MODE_WEIGHTS.sum()))]
    terse = mode == "terse" or (mode == "short" and len(ctx.units) >= 5 and rng.random() < 0.25)
    if terse and (ctx.units or ctx.gender):
        text = _fragments(ctx)
    else:
        text = _prose(ctx, mode)
    text = fix_articles(text)
    if rng.random() < 0.1:
        text = _informal(text, rng)
    return text


# -- terse fragments and lists ----------------------------------------------------------------------

def _fragments(ctx: Ctx) -> str:
    """"old guy, beard, glasses" or "Black woman; long curly hair; smiling; in front of a blue wall"."""
    head = ctx.noun_phrase(adjectives=[u for u in ("age", "skin_tone") if u in ctx.units and ctx.chance(0.6)],
                           article=ctx.chance(0.3))
    frags = [ctx.fill(render(ctx, u, "frag")) for u in ctx.units if u not in ctx.used]
    ctx.rng.shuffle(frags)  # type: ignore[arg-type]
    sep = "; " if len(frags) > 3 and ctx.chance(0.5) else ", "
    text = sep.join([head] + frags)
    if ctx.chance(0.2):
        text = ctx.choice(("Description: ", "Quick one: ", "Basically: ")) + text
    if ctx.chance(0.5):
        text += "."
    return _capital(text) if ctx.chance(0.6) else text


# -- prose --------------------------------------------------------------------------------------------

def _prose(ctx: Ctx, mode: str) -> str:
    """An opening sentence around the person, predicate sentences for the rest, and extra talk."""
    rng = ctx.rng
    units = [u for u in ctx.units]
    rng.shuffle(units)  # type: ignore[arg-type]
    adjectives, withs, rest, with_units = [], [], [], []
    post = loc = None
    max_with = 3 if mode == "short" else 2
    for unit in units:
        if unit == "background" and ctx.chance(0.45):
            loc = render(ctx, unit, "loc")
        elif unit == "age" and ctx.chance(0.6):
            if ctx.chance(0.7):
                adjectives.append(unit)
            else:
                post = render(ctx, unit, "post")
        elif unit != "age" and len(adjectives) < 2 and ctx.adjective_ok(unit, adjectives) and ctx.chance(0.3):
            adjectives.append(unit)
        elif unit not in ("age", "background") and len(withs) < max_with and ctx.chance(0.5) and not (
                unit.startswith("hair") and any(u.startswith("hair") for u in with_units)):
            withs.append(render(ctx, unit, "with"))
            with_units.append(unit)
        else:
            rest.append(unit)
    np_text = ctx.noun_phrase(adjectives, post=post, withs=withs, loc=loc)
    frames = ex.OPEN_PAST if ctx.past else ex.OPEN_PRESENT
    if ctx.paraphrase and ctx.chance(0.3):
        frames = ex.OPEN_HELD
    opening = _capital(ctx.choice(frames).replace("{NP}", np_text))
    lo, hi = _FILLERS[mode]
    remarks = int(rng.integers(lo, hi + 1))
    if remarks and ctx.chance(0.7 if mode == "long" else 0.45):
        opening = opening[:-1] + ", " + ctx.fill(ctx.filler(ex.CLAUSES)) + "."
        remarks -= 1
    sentences = _predicate_sentences(ctx, rest, 2 if mode == "long" else 3)
    low, high = _SENTENCES[mode]
    room = max(0, min(remarks, int(rng.integers(low, high + 1)) - 1 - len(sentences)))
    sizes = [1] * room
    for i in range(remarks - room):  # more remarks than room: up to three (four when long) to a sentence
        if room:
            sizes[i % room] = min(4 if mode == "long" else 3, sizes[i % room] + 1)
    fillers = [_filler_sentence(ctx, size) for size in sizes]
    body: list[tuple[str, bool]] = [(s, False) for s in sentences] + [(f, True) for f in fillers]
    body = [body[i] for i in rng.permutation(len(body))]
    parts = [(opening, False)] + body
    if body and body[0][1] and ctx.chance(0.15):  # sometimes a remark comes first
        parts = [body[0], (opening, False)] + body[1:]
    text = " ".join(s for s, _ in parts)
    while len(text.split()) > _MAX_WORDS and any(f for _, f in parts):
        idx = max(i for i, (_, f) in enumerate(parts) if f)
        parts.pop(idx)
        text = " ".join(s for s, _ in parts)
    return text


def _predicate_sentences(ctx: Ctx, units: list[str], max_sentences: int) -> list[str]:
    """The remaining units as 1-3 predicates per sentence, or as sentences of their own."""
    out: list[str] = []
    units = list(units)
    while units:
        left = max_sentences - len(out)
        size = len(units) if left <= 1 else min(len(units), int(ctx.rng.integers(1, 4)))
        chunk, units = units[:size], units[size:]
        if size == 1 and ctx.chance(0.45):
            sentence = render(ctx, chunk[0], "sent")
            if sentence:
                out.append(ctx.sentence(sentence))
                continue
        preds = [render(ctx, u, "pred") for u in chunk]
        frames = ex.PRED_FRAMES_HELD if ctx.paraphrase and ctx.chance(0.3) else ex.PRED_FRAMES
        frame = ctx.choice(frames if out else frames[:3] + frames[4:8])
        out.append(ctx.sentence(frame.replace("{X}", ctx.join(preds))))
    return out


def _filler_sentence(ctx: Ctx, size: int) -> str:
    """``size`` remarks about what the table does not cover, joined into one sentence."""
    pools = (ex.FEATURES, ex.FEATURES, ex.CLOTHES, ex.CLOTHES, ex.MAKEUP, ex.MOOD, ex.GUESSES, ex.PHOTO)
    out = ctx.sentence(ctx.filler(pools[int(ctx.rng.integers(len(pools)))]))
    for _ in range(size - 1):
        more = ctx.sentence(ctx.filler(pools[int(ctx.rng.integers(6))]))
        glue = ctx.choice((", and ", ", and ", "; ", ", but ", " and ", ", and also "))
        out = out[:-1] + glue + (more if more.startswith(("I ", "I'")) else more[0].lower() + more[1:])
    return out


def _informal(text: str, rng: np.random.Generator) -> str:
    """Informal spelling: "w/", dropped apostrophes, lower case, "&", "prob", no final stop."""
    if rng.random() < 0.6:
        text = text.replace(" with ", " w/ ")
    if rng.random() < 0.7:
        text = text.replace("'", "")
    if rng.random() < 0.5:
        text = text.lower()
    if rng.random() < 0.3:
        text = text.replace(" and ", " & ")
    if rng.random() < 0.5:
        text = re.sub(r"\b[Pp]robably\b", "prob", text)
    if rng.random() < 0.4:
        text = text.rstrip(".")
    return text


def _capital(text: str) -> str:
    """``text`` with its first letter in upper case."""
    return text[:1].upper() + text[1:]


__all__ = ["PEOPLE_SPLITS", "can_state", "choose_stated", "describe_like_people", "people_caption"]
