"""What a description can ask for: the attributes, their values and the words for each.

The app's Help ▸ "What this model understands" and "Describing a face" read from here, so what
they say is what the training captions (:mod:`core.data.synthetic.vocabulary`) and the attribute
judge (:data:`core.data.synthetic.ATTRIBUTES`) use — never a second hand-kept list. The examples
carry the attributes they ask for, so a test can check with the judge that they are drawn.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.data.synthetic import ATTRIBUTES
from core.data.synthetic import vocabulary as v

#: Attribute → the vocabulary tables that word it (noun phrases first, then adjectives).
_TABLES: dict[str, tuple[dict[str, v.Words], ...]] = {
    "gender": (v.NOUN,),
    "age": (v.AGE,),
    "skin_tone": (v.SKIN, v.SKIN_ADJECTIVE),
    "hair_color": (v.HAIR_COLOR, v.HAIR_COLOR_ADJECTIVE),
    "hair_style": (v.HAIR_STYLE, v.HAIR_STYLE_ADJECTIVE, {"bald": v.BALD}),
    "eye_color": (v.EYE_COLOR, v.EYE_ADJECTIVE),
    "eyewear": (v.EYEWEAR, v.EYEWEAR_ADJECTIVE),
    "facial_hair": (v.FACIAL_HAIR, v.FACIAL_HAIR_ADJECTIVE),
    "expression": (v.EXPRESSION, v.EXPRESSION_ADJECTIVE),
    "face_shape": (v.FACE_SHAPE, v.FACE_SHAPE_ADJECTIVE),
    "accessories": (v.ACCESSORIES,),
    "background": (v.BACKGROUND,),
}
#: How an attribute reads in a sentence ("hair colour", not "hair_color").
LABELS = {"gender": "gender", "age": "age", "skin_tone": "skin tone", "hair_color": "hair colour",
          "hair_style": "hair style", "eye_color": "eye colour", "eyewear": "glasses",
          "facial_hair": "facial hair", "expression": "expression", "face_shape": "face shape",
          "accessories": "hat or earrings", "background": "background colour"}
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


@dataclass(frozen=True)
class Example:
    """A description that works, and the attribute values it asks for."""

    text: str
    attributes: dict[str, str] = field(default_factory=dict)


#: Descriptions in the training captions' words; each names several attributes.
EXAMPLES = (
    Example("A young woman with long blonde hair, blue eyes and a big smile.",
            {"gender": "woman", "age": "young", "hair_color": "blonde", "hair_style": "long", "eye_color": "blue",
             "expression": "smiling"}),
    Example("An old man with grey hair, a beard and glasses.",
            {"gender": "man", "age": "old", "hair_color": "grey", "facial_hair": "beard", "eyewear": "glasses"}),
    Example("A bald man with a moustache and tanned skin, in front of a green background.",
            {"gender": "man", "hair_style": "bald", "facial_hair": "moustache", "skin_tone": "tan",
             "background": "green"}),
    Example("A smiling woman with curly red hair and green eyes, in front of a white background.",
            {"gender": "woman", "hair_color": "red", "hair_style": "curly", "eye_color": "green",
             "expression": "smiling", "background": "white"}),
    Example("A young man with short black hair, dark skin and sunglasses, against a yellow background.",
            {"gender": "man", "age": "young", "hair_color": "black", "hair_style": "short", "skin_tone": "dark",
             "eyewear": "sunglasses", "background": "yellow"}),
    Example("A surprised middle-aged woman with brown hair and a hat. The background is purple.",
            {"gender": "woman", "age": "middle-aged", "expression": "surprised", "hair_color": "brown",
             "accessories": "hat", "background": "purple"}),
)


def attribute_words() -> dict[str, dict[str, tuple[str, ...]]]:
    """Attribute → value → the wordings training captions use for it (colour words alone, as in
    "blue" for blue eyes; phrases with a colour slot are left out)."""
    table: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, values in ATTRIBUTES.items():
        table[name] = {}
        for value in values:
            words: list[str] = []
            for source in _TABLES.get(name, ()):
                if value in source:
                    words += [w for w in source[value].train if "{" not in w and w not in words]
            table[name][value] = tuple(words)
    return table


def words_of(text: str) -> list[str]:
    """The lower-case words of ``text`` as a model's word list counts them ("blue-eyed" is one)."""
    return _WORD.findall(text.lower())


def unknown_words(text: str, known: Iterable[str]) -> list[str]:
    """Words of ``text`` not in ``known`` (in order, once each)."""
    known = set(known)
    return list(dict.fromkeys(w for w in words_of(text) if w not in known))


def unread_characters(tokenizer, text: str) -> list[str]:  # noqa: ANN001 - a core.text Tokenizer
    """Characters of ``text`` outside words that the tokenizer can only read as "unknown" (emoji,
    symbols, digits its training text never had), once each in order: they are dropped from what
    the model reads. Letters are left to the word reader, which names unknown words whole;
    punctuation is not listed, as it never asks for anything."""
    from core.text.tokenizer import UNK_ID

    unknown = getattr(tokenizer, "unk_id", UNK_ID)
    unread = []
    for char in dict.fromkeys(c for c in text if not c.isspace() and unicodedata.category(c)[0] not in "LP"):
        if unknown in tokenizer.encode(char):
            unread.append(char)
    return unread


def unread_note(tokenizer, text: str) -> str:  # noqa: ANN001 - a core.text Tokenizer
    """One line naming the characters :func:`unread_characters` finds ("" when there are none)."""
    unread = unread_characters(tokenizer, text)
    if not unread:
        return ""
    return "Left out (characters this model cannot read): " + " ".join(f"“{c}”" for c in unread)
