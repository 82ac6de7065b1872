"""Descriptions of a face in free style, as people write them, stating exactly chosen attributes.

The training captions (:mod:`core.data.synthetic.captions`) follow one dialect: one sentence, a
subject and a list of features. People write two to four sentences, name things the renderer does
not draw (nose, lips, clothes, mood), give ages as decades or numbers, use every gender word, negate
("no glasses", "not smiling"), and use colour words for other things ("red lipstick", "a blue
shirt"). These descriptions do all of that while stating exactly the attributes asked for, so a text
encoder can be taught what each wording means and what it does not. Colour words go to their noun:
"a black woman" states skin, "black hair" states hair, "a black jacket" states neither.

Wordings come in two splits: ``train`` and ``held_out``. A held-out wording is never produced for
the train split, so a model trained on it can be measured on words it never saw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from core.data.synthetic.free_style_words import (AGE_PHRASES, BACKGROUND, CHATTER, CLOTHES, DISTRACTOR_COLOURS,
                                                  EXPRESSION, EYE, EYEWEAR, FACE_SHAPE, FACIAL_HAIR, GENDER_NOUN,
                                                  HAIR_COLOUR, HAIR_STYLE, HAT, OPENERS, SKIN_ADJECTIVE,
                                                  SKIN_PHRASE, Choice)

SPLITS = ("train", "held_out")
#: How often a person mentions each attribute (gender and hair most, eye colour and face shape least).
MENTION_RATE = {"gender": 0.85, "age": 0.55, "skin_tone": 0.35, "hair_color": 0.65, "hair_style": 0.6,
                "eye_color": 0.3, "eyewear": 0.35, "facial_hair": 0.4, "expression": 0.5, "face_shape": 0.2,
                "accessories": 0.35, "background": 0.3}


def choose_stated(attributes: Mapping[str, str], rng: np.random.Generator) -> list[str]:
    """What a person would mention of this face (each attribute at its own rate; never a woman's
    facial hair; the absence of glasses, beards or accessories only sometimes)."""
    stated = []
    for name, rate in MENTION_RATE.items():
        value = attributes.get(name)
        if value is None or (name == "facial_hair" and attributes.get("gender") == "woman"):
            continue
        if value == "none" or (name == "expression" and value == "neutral"):
            rate *= 0.5
        if rng.random() < rate:
            stated.append(name)
    return stated


def describe(attributes: Mapping[str, str], stated: Sequence[str], rng: np.random.Generator,
             split: str = "train") -> str:
    """A description that states exactly ``stated`` (values from ``attributes``), in free style."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    pick = _Picker(rng, split)
    stated = [name for name in stated if name in attributes]
    gender = attributes.get("gender") if "gender" in stated else None
    pronoun = {"man": "he", "woman": "she"}.get(gender or "", "they")
    skin_first = "skin_tone" in stated and rng.random() < 0.5  # "a black woman" rather than "dark skin"
    subject = _subject(attributes, stated, gender, pick, skin_first)
    facts = _facts(attributes, stated, pronoun, pick, skin_first)
    rng.shuffle(facts)
    terse = rng.random() < 0.15
    if terse:
        parts = [subject] + [fact.short for fact in facts]
        text = ", ".join(parts)
        return text[0].upper() + text[1:]
    sentences = [pick(OPENERS).format(subject=subject)]  # the pronoun carries the rest
    for fact in facts:
        sentences.append(fact.sentence)
    for _ in range(int(rng.choice(6, p=[0.2, 0.2, 0.2, 0.15, 0.15, 0.1]))):
        sentences.insert(int(rng.integers(1, len(sentences) + 1)), _chatter(attributes, pronoun, pick))
    text = " ".join(_capitalise(s) for s in sentences)
    return text


class _Picker:
    """Picks a wording from a :class:`Choice` for the split (held-out wordings only when held out)."""

    def __init__(self, rng: np.random.Generator, split: str) -> None:
        self.rng, self.split = rng, split

    def __call__(self, choice: Choice | Sequence[str]) -> str:
        if isinstance(choice, Choice):
            options = choice.held_out if self.split == "held_out" and choice.held_out else choice.train
        else:
            options = choice
        return options[int(self.rng.integers(len(options)))]


class _Fact:
    def __init__(self, sentence: str, short: str) -> None:
        self.sentence, self.short = sentence, short


def _subject(attributes: Mapping[str, str], stated: Sequence[str], gender: str | None, pick: _Picker,
             skin_first: bool) -> str:
    """The person: "a black woman in her forties", "an elderly guy", "someone"."""
    age = attributes.get("age") if "age" in stated else None
    age_in_noun = gender is not None and age is not None and pick.rng.random() < 0.3
    noun = pick(GENDER_NOUN[gender][age if age_in_noun else "any"])
    words = [pick(SKIN_ADJECTIVE[attributes["skin_tone"]])] if skin_first else []
    tail = ""
    if age and not age_in_noun:
        phrase = pick(AGE_PHRASES[age]).format(pos={"man": "his", "woman": "her"}.get(gender or "", "their"))
        if phrase.startswith("@"):
            words.insert(0, phrase[1:])
        else:
            tail = " " + phrase
    text = " ".join([*words, noun]) + tail
    if text.split()[0] in ("someone", "somebody"):
        return text
    return ("an " if text[0] in "aeiou" else "a ") + text


def _facts(attributes: Mapping[str, str], stated: Sequence[str], pronoun: str, pick: _Picker,
           skin_said: bool) -> list[_Fact]:
    """One sentence (and a terse form) per stated feature; hair colour and style share one."""
    forms = {"p": pronoun, "pos": pronoun_possessive(pronoun), "has": "have" if pronoun == "they" else "has",
             "is_": "are" if pronoun == "they" else "is", "wears": "wear" if pronoun == "they" else "wears"}
    p, has, is_, wears = pronoun, forms["has"], forms["is_"], forms["wears"]
    facts: list[_Fact] = []
    value = attributes.get
    if "skin_tone" in stated and not skin_said:
        phrase = pick(SKIN_PHRASE[value("skin_tone")])
        facts.append(_Fact(f"{p} {has} {phrase}.", phrase))
    if "hair_color" in stated or "hair_style" in stated:
        colour = pick(HAIR_COLOUR[value("hair_color")]) if "hair_color" in stated else None
        style = value("hair_style") if "hair_style" in stated else None
        if style == "bald":
            bald = pick(HAIR_STYLE["bald"])
            extra = f", with a little {colour} hair at the sides" if colour else ""
            facts.append(_Fact(f"{p} {is_} {bald}{extra}.", bald + (f", {colour} at the sides" if colour else "")))
        else:
            words = " ".join(w for w in (pick(HAIR_STYLE[style]) if style else None, colour) if w)
            sentence = pick((f"{p} {has} {words} hair.", f"{p} {has} got {words} hair.",
                             f"{forms['pos']} hair is {words}.", f"i remember {words} hair."))
            facts.append(_Fact(sentence, f"{words} hair"))
    if "eye_color" in stated:
        eyes = pick(EYE[value("eye_color")])
        facts.append(_Fact(pick((f"{p} {has} {eyes} eyes.", f"{forms['pos']} eyes are {eyes}.",
                                 f"i think {forms['pos']} eyes were {eyes}.")), f"{eyes} eyes"))
    for name, table in (("eyewear", EYEWEAR), ("facial_hair", FACIAL_HAIR), ("expression", EXPRESSION),
                        ("face_shape", FACE_SHAPE)):
        if name in stated:
            sentence, _, short = pick(table[value(name)]).partition("||")
            facts.append(_Fact(sentence.format(**forms), (short or sentence).format(**forms)))
    if "accessories" in stated:
        kind = value("accessories")
        if kind == "hat":
            hat = pick(HAT)
            colour = pick(DISTRACTOR_COLOURS) + " " if pick.rng.random() < 0.5 else ""
            facts.append(_Fact(f"{p} {wears} a {colour}{hat}.", f"{colour}{hat}"))
        elif kind == "earrings":
            earrings = pick(("earrings", "hoop earrings", "small stud earrings", "dangling earrings",
                             "gold earrings"))
            facts.append(_Fact(f"{p} {wears} {earrings}.", earrings))
        else:
            facts.append(_Fact(pick(("no hat, no earrings.", f"{p} {wears} no hat and no earrings.",
                                     "no earrings and no hat.")), "no hat or earrings"))
    if "background" in stated:
        colour = pick(BACKGROUND[value("background")])
        facts.append(_Fact(pick((f"the background is {colour}.", f"the photo was taken against a {colour} wall.",
                                 f"behind {pronoun_object(p)} is a plain {colour} backdrop.")),
                           f"{colour} background"))
    return facts


def pronoun_possessive(pronoun: str) -> str:
    return {"he": "his", "she": "her"}.get(pronoun, "their")


def pronoun_object(pronoun: str) -> str:
    return {"he": "him", "she": "her"}.get(pronoun, "them")


def _chatter(attributes: Mapping[str, str], pronoun: str, pick: _Picker) -> str:
    """A sentence about what the renderer does not draw; colours here belong to clothes or make-up."""
    sentence = pick(CHATTER)
    if "{clothes}" in sentence:
        sentence = sentence.replace("{clothes}", f"{pick(DISTRACTOR_COLOURS)} {pick(CLOTHES)}")
    if "{colour}" in sentence:
        sentence = sentence.replace("{colour}", pick(DISTRACTOR_COLOURS))
    return sentence.format(p=pronoun, pos=pronoun_possessive(pronoun),
                           has="have" if pronoun == "they" else "has",
                           is_="are" if pronoun == "they" else "is",
                           seems="seem" if pronoun == "they" else "seems",
                           wears="wear" if pronoun == "they" else "wears")


def _capitalise(sentence: str) -> str:
    return sentence[0].upper() + sentence[1:] if sentence else sentence


def describer(split: str = "train"):  # noqa: ANN201 - a core.training.text_distill.Describer
    """``(face, rng) → (description, stated)`` for training a text encoder."""
    def describe_face(face: Mapping[str, str], rng: np.random.Generator) -> tuple[str, list[str]]:
        stated = choose_stated(face, rng)
        return describe(face, stated, rng, split), stated
    return describe_face
