"""Captions that describe a random subset of a face's attributes, recording exactly which.

A caption is built in three steps: choose which attributes to mention (at least two), word each one
(the person's noun and adjectives, then a list of features), and pour the words into a sentence
template. Background and Face2Text-style filler ("posing for the camera") are attached afterwards
as a phrase or a separate sentence. Because every word comes from a known attribute value, each
:class:`Caption` can say precisely what it mentions; the evaluation relies on that to score whether
generated faces match their text.

The same machinery words real data with labels (CelebA): attributes may be partial, and ``extras``
adds features that are not in the public table ("heavy makeup", "bangs").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from core.data.synthetic import templates
from core.data.synthetic.attributes import ATTRIBUTES
from core.data.synthetic import vocabulary as vocab
from core.data.synthetic.vocabulary import Words, article

#: Attributes worded into the person ("a young woman") rather than listed as features.
_PERSON = ("gender", "age")
#: How many things one caption mentions, and how likely each count is.
_COUNTS = (2, 3, 4, 5, 6)
_COUNT_WEIGHTS = np.array([0.22, 0.30, 0.25, 0.14, 0.09])


@dataclass(frozen=True)
class Caption:
    """One caption and exactly what it says about the face."""

    text: str
    #: Attribute name → value for every attribute the text mentions (and no other).
    mentioned: dict[str, str]
    #: Names of extra, non-table features the text mentions (real-data labels such as ``Bangs``).
    extras: tuple[str, ...] = ()
    #: Which template produced it, e.g. ``"train:7"`` or ``"paraphrase:2"``.
    template: str = ""


@dataclass
class _Feature:
    """One listed feature: the attributes it covers, its noun phrase, and an optional adjective form."""

    names: tuple[str, ...]
    phrase: str
    adjective: str | None = None
    extra: bool = False


@dataclass
class _Parts:
    person: list[str] = field(default_factory=list)  # adjectives + noun, in order
    features: list[_Feature] = field(default_factory=list)
    pronoun: str = "they"


def make_captions(attributes: Mapping[str, str], rng: np.random.Generator, count: int = 5,
                  paraphrase: bool = False, extras: Mapping[str, Words] | None = None) -> list[Caption]:
    """``count`` distinct captions (fewer only if the attributes allow fewer distinct texts)."""
    captions: list[Caption] = []
    seen: set[str] = set()
    for _ in range(count * 6):
        caption = make_caption(attributes, rng, paraphrase, extras)
        if caption.text not in seen:
            seen.add(caption.text)
            captions.append(caption)
            if len(captions) == count:
                break
    return captions


def make_caption(attributes: Mapping[str, str], rng: np.random.Generator, paraphrase: bool = False,
                 extras: Mapping[str, Words] | None = None, must_mention: str | None = None) -> Caption:
    """One caption mentioning at least two of ``attributes`` (fewer only if fewer are known).

    ``paraphrase`` selects the held-out templates and wordings. ``extras`` maps extra feature
    names to their wordings; they are mentioned like attributes and reported in ``Caption.extras``.
    ``must_mention`` names an attribute the caption has to mention if it can be worded at all
    (a woman's facial hair and "no accessories" never are).
    """
    extras = extras or {}
    chosen = _choose(attributes, extras, rng, must_mention)
    parts = _word(attributes, chosen, extras, rng, paraphrase)
    text, template = _compose(parts, rng, paraphrase)
    if "background" in chosen:
        text = _add_background(text, attributes["background"], rng, paraphrase)
    if rng.random() < 0.3:
        text = _add_filler(text, rng, paraphrase)
    mentioned = {name: attributes[name] for name in chosen if name in attributes}
    return Caption(text, mentioned, tuple(name for name in chosen if name in extras), template)


def caption_stating(attributes: Mapping[str, str], names: list[str], rng: np.random.Generator,
                    paraphrase: bool = False) -> Caption:
    """A caption in the training dialect that mentions exactly ``names`` (those that can be worded
    at all, see :func:`can_mention`): the same statement as another description, in this dialect —
    what a model trained on these captions reads best."""
    chosen = [name for name in names if can_mention(attributes, name)]
    parts = _word(attributes, chosen, {}, rng, paraphrase)
    text, template = _compose(parts, rng, paraphrase)
    if "background" in chosen:
        text = _add_background(text, attributes["background"], rng, paraphrase)
    return Caption(text, {name: attributes[name] for name in chosen}, (), template)


# -- step 1: what to mention ----------------------------------------------------------------------

def can_mention(attributes: Mapping[str, str], name: str) -> bool:
    """Whether a caption of this face can word ``name`` at all: "no accessories" and a woman's
    facial hair never are, nor values outside the public table."""
    value = attributes.get(name)
    if value not in ATTRIBUTES.get(name, ()):
        return False
    if name == "accessories" and value == "none":
        return False
    return not (name == "facial_hair" and attributes.get("gender") == "woman")


def _mentionable(attributes: Mapping[str, str], rng: np.random.Generator, must: str | None = None) -> list[str]:
    """Attributes worth saying for this face; "no accessories" and a woman's lack of beard are not.

    Names or values outside the public table (possible in user-supplied labels) are never worded.
    "No beard" and "no glasses" are said only some of the time, unless ``must`` names them.
    """
    names = []
    for name, value in attributes.items():
        if not can_mention(attributes, name):
            continue
        if name == "facial_hair" and value == "none" and rng.random() < 0.5 and name != must:
            continue
        if name == "eyewear" and value == "none" and rng.random() < 0.7 and name != must:
            continue
        names.append(name)
    return names


def _choose(attributes: Mapping[str, str], extras: Mapping[str, Words], rng: np.random.Generator,
            must: str | None = None) -> list[str]:
    pool = _mentionable(attributes, rng, must) + list(extras)
    weights = _COUNT_WEIGHTS / _COUNT_WEIGHTS.sum()
    count = min(len(pool), int(rng.choice(_COUNTS, p=weights)))
    chosen = [pool[i] for i in rng.permutation(len(pool))[:count]]
    if must in pool and must not in chosen:
        chosen[-1] = must
    features = [name for name in pool if name not in _PERSON and name != "background"]
    if features and not any(name in features for name in chosen):
        chosen.append(features[int(rng.integers(len(features)))])
    return chosen


# -- step 2: wording ------------------------------------------------------------------------------

def _word(attributes: Mapping[str, str], chosen: list[str], extras: Mapping[str, Words],
          rng: np.random.Generator, paraphrase: bool) -> _Parts:
    parts = _Parts()
    features = _features(attributes, chosen, extras, rng, paraphrase)
    rng.shuffle(features)  # type: ignore[arg-type]
    moved: _Feature | None = None
    if len(features) >= 2 and rng.random() < 0.4:
        candidates = [f for f in features if f.adjective]
        if candidates:
            moved = candidates[int(rng.integers(len(candidates)))]
            features.remove(moved)
    parts.features = features
    # Adjective order as a native speaker would say it: "a smiling old bearded man".
    expression = moved.adjective if moved is not None and moved.names == ("expression",) else None
    other = moved.adjective if moved is not None and moved.names != ("expression",) else None
    age = vocab.AGE[attributes["age"]].pick(rng, paraphrase) if "age" in chosen else None
    if "gender" in chosen:
        noun = vocab.NOUN[attributes["gender"]].pick(rng, paraphrase)
        parts.pronoun = "he" if attributes["gender"] == "man" else "she"
    else:
        noun = vocab.NEUTRAL_NOUN.pick(rng, paraphrase)
    parts.person = [word for word in (expression, age, other, noun) if word]
    return parts


def _features(attributes: Mapping[str, str], chosen: list[str], extras: Mapping[str, Words],
              rng: np.random.Generator, paraphrase: bool) -> list[_Feature]:
    """A feature per chosen attribute, except hair colour and style, which share one phrase."""
    def pick(words: Mapping[str, Words], value: str) -> str | None:
        return words[value].pick(rng, paraphrase) if value in words else None

    out: list[_Feature] = []
    if "hair_color" in chosen or "hair_style" in chosen:
        out.append(_hair(attributes, chosen, rng, paraphrase))
    for name in chosen:
        value = attributes.get(name)
        if name in extras:
            out.append(_Feature((name,), extras[name].pick(rng, paraphrase), extra=True))
        elif name == "skin_tone":
            color = vocab.SKIN[value].pick(rng, paraphrase)
            phrase = vocab.SKIN_PHRASE.pick(rng).replace("{c}", color)
            out.append(_Feature((name,), _with_article(phrase), pick(vocab.SKIN_ADJECTIVE, value)))
        elif name == "eye_color":
            out.append(_Feature((name,), vocab.EYE_COLOR[value].pick(rng, paraphrase) + " eyes",
                                pick(vocab.EYE_ADJECTIVE, value)))
        elif name == "eyewear":
            out.append(_Feature((name,), vocab.EYEWEAR[value].pick(rng, paraphrase),
                                pick(vocab.EYEWEAR_ADJECTIVE, value)))
        elif name == "facial_hair":
            out.append(_Feature((name,), vocab.FACIAL_HAIR[value].pick(rng, paraphrase),
                                pick(vocab.FACIAL_HAIR_ADJECTIVE, value)))
        elif name == "expression":
            out.append(_Feature((name,), vocab.EXPRESSION[value].pick(rng, paraphrase),
                                pick(vocab.EXPRESSION_ADJECTIVE, value)))
        elif name == "face_shape":
            out.append(_Feature((name,), vocab.FACE_SHAPE[value].pick(rng, paraphrase),
                                pick(vocab.FACE_SHAPE_ADJECTIVE, value)))
        elif name == "accessories":
            out.append(_Feature((name,), vocab.ACCESSORIES[value].pick(rng, paraphrase)))
    return out


def _hair(attributes: Mapping[str, str], chosen: list[str], rng: np.random.Generator, paraphrase: bool) -> _Feature:
    style = attributes.get("hair_style") if "hair_style" in chosen else None
    color = vocab.HAIR_COLOR[attributes["hair_color"]].pick(rng, paraphrase) if "hair_color" in chosen else None
    names = tuple(n for n in ("hair_style", "hair_color") if n in chosen)
    if style == "bald":
        if color is None:
            return _Feature(names, vocab.BALD.pick(rng, paraphrase), vocab.HAIR_STYLE_ADJECTIVE["bald"].pick(rng))
        return _Feature(names, vocab.BALD_WITH_COLOR.pick(rng, paraphrase).replace("{c}", color))
    if style is None:
        adjective = vocab.HAIR_COLOR_ADJECTIVE[attributes["hair_color"]].pick(rng)
        return _Feature(names, f"{color} hair", None if paraphrase else adjective)
    style_word = vocab.HAIR_STYLE[style].pick(rng, paraphrase)
    if color is None:
        return _Feature(names, f"{style_word} hair", vocab.HAIR_STYLE_ADJECTIVE[style].pick(rng))
    if style == "curly" and rng.random() < 0.3:
        return _Feature(names, f"{color} curls")
    return _Feature(names, f"{style_word} {color} hair")


def _with_article(phrase: str) -> str:
    """Fix "a {c} complexion" after the colour is known ("an olive complexion")."""
    if phrase.startswith("a "):
        rest = phrase[2:]
        return f"{article(rest)} {rest}"
    return phrase


# -- step 3: sentences ----------------------------------------------------------------------------

def _join(items: list[str], rng: np.random.Generator) -> str:
    if len(items) <= 1:
        return "".join(items)
    comma = "," if len(items) > 2 and rng.random() < 0.3 else ""
    return ", ".join(items[:-1]) + f"{comma} and {items[-1]}"


def _compose(parts: _Parts, rng: np.random.Generator, paraphrase: bool) -> tuple[str, str]:
    if parts.features:
        pool = templates.PARAPHRASE_FEATURES if paraphrase else templates.TRAIN_FEATURES
    else:
        pool = templates.PARAPHRASE_SUBJECT_ONLY if paraphrase else templates.TRAIN_SUBJECT_ONLY
    index = int(rng.integers(len(pool)))
    person = " ".join(word for word in parts.person if word)
    a = f"{article(person)} {person}"
    text = pool[index].format(
        a=a, A=a[0].upper() + a[1:], the=f"the {person}", The=f"The {person}",
        feat=_join([f.phrase for f in parts.features], rng),
        pron=parts.pronoun, Pron=parts.pronoun.capitalize(),
        has="have" if parts.pronoun == "they" else "has",
    )
    kind = "paraphrase" if paraphrase else "train"
    suffix = "" if parts.features else "-subject"
    return text, f"{kind}{suffix}:{index}"


def _add_background(text: str, value: str, rng: np.random.Generator, paraphrase: bool) -> str:
    color = vocab.BACKGROUND[value].pick(rng, paraphrase)
    one_sentence = text.count(". ") == 0 and ";" not in text
    if one_sentence and rng.random() < 0.65:
        phrase = vocab.BACKGROUND_PHRASE.pick(rng, paraphrase).format(ac=f"{article(color)} {color}")
        return f"{text[:-1]}, {phrase}."
    sentence = vocab.BACKGROUND_SENTENCE.pick(rng, paraphrase).format(c=color, ac=f"{article(color)} {color}")
    return f"{text} {sentence}"


def _add_filler(text: str, rng: np.random.Generator, paraphrase: bool) -> str:
    if text.count(". ") == 0 and rng.random() < 0.5:
        return f"{text[:-1]}, {vocab.FILLER_CLAUSE.pick(rng, paraphrase)}."
    sentence = vocab.FILLER_SENTENCE.pick(rng, paraphrase)
    return f"{sentence} {text}" if rng.random() < 0.3 else f"{text} {sentence}"
