"""Words for every attribute value, with synonyms, and the ones held out of training captions.

Each :class:`Words` entry has ``train`` wordings and optional ``held_out`` ones. Training and test
captions only ever use ``train`` wordings; the ``paraphrase`` split prefers ``held_out`` wordings,
so an evaluation on it measures whether the model understood wording it has never seen. A held-out
wording is never a substring of any training wording (a test checks this on generated captions).

Phrases are noun phrases that fit after "with" or "has" ("short black hair", "a beard"); adjectives
fit before a noun ("bearded", "blue-eyed"). ``{c}`` in a phrase is replaced by a colour word.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Words:
    """Interchangeable wordings of one meaning: seen in training, and held out for paraphrase tests."""

    train: tuple[str, ...]
    held_out: tuple[str, ...] = ()

    def pick(self, rng: np.random.Generator, paraphrase: bool = False) -> str:
        """A wording: a held-out one when ``paraphrase`` and there is one, else a training one."""
        options = self.held_out if paraphrase and self.held_out else self.train
        return options[int(rng.integers(len(options)))]


def article(word: str) -> str:
    """``"a"`` or ``"an"`` for a word (the vocabulary has no silent-h or "you"-sounding words)."""
    return "an" if word[:1].lower() in "aeiou" else "a"


# -- the person -----------------------------------------------------------------------------------

NOUN = {
    "man": Words(("man", "guy"), ("gentleman",)),
    "woman": Words(("woman", "lady"), ("female",)),
}
#: Used when the caption does not mention gender (and then the pronoun is "they").
NEUTRAL_NOUN = Words(("person", "individual"))
AGE = {
    "young": Words(("young", "youthful"), ("fresh-faced",)),
    "middle-aged": Words(("middle-aged",), ("mature",)),
    "old": Words(("old", "elderly"), ("senior",)),
}

# -- colour words ---------------------------------------------------------------------------------

SKIN = {
    "pale": Words(("pale", "fair", "light"), ("porcelain",)),
    "tan": Words(("tan", "tanned", "olive"), ("sun-kissed",)),
    "brown": Words(("brown", "medium brown"), ("caramel",)),
    "dark": Words(("dark", "very dark"), ("ebony",)),
}
SKIN_PHRASE = Words(("{c} skin", "a {c} complexion"))
SKIN_ADJECTIVE = {
    "pale": Words(("pale-skinned", "fair-skinned")),
    "tan": Words(("tanned", "tan-skinned")),
    "brown": Words(("brown-skinned",)),
    "dark": Words(("dark-skinned",)),
}
HAIR_COLOR = {
    "black": Words(("black", "jet-black"), ("raven",)),
    "brown": Words(("brown", "chestnut"), ("brunette",)),
    "blonde": Words(("blonde", "blond", "fair"), ("golden",)),
    "red": Words(("red", "ginger"), ("auburn",)),
    "grey": Words(("grey", "gray", "silver"), ("silvery",)),
}
HAIR_COLOR_ADJECTIVE = {
    "black": Words(("black-haired", "dark-haired")),
    "brown": Words(("brown-haired",)),
    "blonde": Words(("blonde", "fair-haired")),
    "red": Words(("red-haired", "redheaded")),
    "grey": Words(("grey-haired", "grey-headed")),
}
HAIR_STYLE = {
    "short": Words(("short", "cropped"), ("close-cropped",)),
    "long": Words(("long", "shoulder-length"), ("flowing",)),
    "curly": Words(("curly", "tightly curled"), ("frizzy",)),
}
HAIR_STYLE_ADJECTIVE = {
    "bald": Words(("bald", "bald-headed")),
    "short": Words(("short-haired",)),
    "long": Words(("long-haired",)),
    "curly": Words(("curly-haired",)),
}
BALD = Words(("a bald head", "a shiny bald head"), ("a hairless scalp",))
BALD_WITH_COLOR = Words(("a bald head with {c} hair at the sides", "a bald head fringed with {c} hair"),
                        ("a hairless crown ringed by {c} hair",))
EYE_COLOR = {
    "brown": Words(("brown", "dark brown"), ("hazel",)),
    "blue": Words(("blue", "bright blue"), ("sky-blue",)),
    "green": Words(("green", "bright green"), ("emerald",)),
}
EYE_ADJECTIVE = {
    "brown": Words(("brown-eyed",)),
    "blue": Words(("blue-eyed",)),
    "green": Words(("green-eyed",)),
}

# -- everything else ------------------------------------------------------------------------------

EYEWEAR = {
    "none": Words(("no glasses",)),
    "glasses": Words(("glasses", "spectacles", "a pair of glasses"), ("eyeglasses",)),
    "sunglasses": Words(("sunglasses", "dark sunglasses", "dark glasses"), ("shades",)),
}
EYEWEAR_ADJECTIVE = {"glasses": Words(("bespectacled",))}
FACIAL_HAIR = {
    "none": Words(("a clean-shaven face",), ("a smooth-shaven chin",)),
    "moustache": Words(("a moustache", "a mustache", "a thick moustache"), ("facial hair on the upper lip",)),
    "beard": Words(("a beard", "a full beard"), ("a bushy beard",)),
}
FACIAL_HAIR_ADJECTIVE = {
    "none": Words(("clean-shaven",)),
    "moustache": Words(("moustached",)),
    "beard": Words(("bearded",)),
}
EXPRESSION = {
    "smiling": Words(("a smile", "a big smile", "a wide grin"), ("a beaming smile",)),
    "neutral": Words(("a neutral expression", "a serious expression", "a straight face"), ("a deadpan look",)),
    "surprised": Words(("a surprised look", "a shocked expression", "an astonished face"),
                       ("a startled expression",)),
}
EXPRESSION_ADJECTIVE = {
    "smiling": Words(("smiling", "grinning")),
    "neutral": Words(("serious-looking", "calm-looking")),
    "surprised": Words(("surprised", "astonished", "shocked-looking")),
}
FACE_SHAPE = {
    "round": Words(("a round face", "a circular face"), ("a moon-shaped face",)),
    "oval": Words(("an oval face", "an egg-shaped face"), ("an ovoid face",)),
    "long": Words(("a long face", "a long, narrow face"), ("an elongated face",)),
    "square": Words(("a square face", "a square jaw", "a strong square jaw"), ("a boxy face",)),
}
FACE_SHAPE_ADJECTIVE = {
    "round": Words(("round-faced",)),
    "oval": Words(("oval-faced",)),
    "long": Words(("long-faced",)),
    "square": Words(("square-jawed",)),
}
ACCESSORIES = {
    "hat": Words(("a hat", "a brimmed hat"), ("a fedora",)),
    "earrings": Words(("earrings", "a pair of earrings"), ("ear jewellery",)),
}
BACKGROUND = {
    "white": Words(("white", "plain white"), ("ivory",)),
    "grey": Words(("grey", "gray"), ("slate",)),
    "blue": Words(("blue", "light blue"), ("azure",)),
    "green": Words(("green", "light green"), ("mint",)),
    "yellow": Words(("yellow", "bright yellow"), ("lemon",)),
    "purple": Words(("purple", "violet"), ("lilac",)),
}
#: ``{ac}`` is the colour with its article ("a blue", "an ivory").
BACKGROUND_PHRASE = Words(("in front of {ac} background", "against {ac} background", "on {ac} backdrop"),
                          ("framed by {ac} wall",))
BACKGROUND_SENTENCE = Words(("The background is {c}.", "The backdrop is {c}."), ("Behind the face is {ac} wall.",))

# -- filler in the spirit of Face2Text: true of every picture, about no attribute ------------------

FILLER_CLAUSE = Words(("posing for the camera", "looking straight at the camera", "looking into the lens",
                       "facing the viewer", "photographed in a studio"), ("gazing past the photographer",))
FILLER_SENTENCE = Words(("This could be a politician.", "Looks like a passport photo.", "Possibly a news anchor.",
                         "It seems to be a studio portrait.", "This might be an actor.",
                         "Looks like a politician."),
                        ("Perhaps a professor at a university.", "Might be a yearbook picture."))

#: Every Words table, for tests and docs that check or list the held-out wordings.
ALL_WORDS: dict[str, Words | dict[str, Words]] = {
    "noun": NOUN, "neutral_noun": NEUTRAL_NOUN, "age": AGE, "skin": SKIN, "skin_phrase": SKIN_PHRASE,
    "skin_adjective": SKIN_ADJECTIVE, "hair_color": HAIR_COLOR, "hair_color_adjective": HAIR_COLOR_ADJECTIVE,
    "hair_style": HAIR_STYLE, "hair_style_adjective": HAIR_STYLE_ADJECTIVE, "bald": BALD,
    "bald_with_color": BALD_WITH_COLOR, "eye_color": EYE_COLOR, "eye_adjective": EYE_ADJECTIVE,
    "eyewear": EYEWEAR, "eyewear_adjective": EYEWEAR_ADJECTIVE, "facial_hair": FACIAL_HAIR,
    "facial_hair_adjective": FACIAL_HAIR_ADJECTIVE, "expression": EXPRESSION,
    "expression_adjective": EXPRESSION_ADJECTIVE, "face_shape": FACE_SHAPE,
    "face_shape_adjective": FACE_SHAPE_ADJECTIVE, "accessories": ACCESSORIES, "background": BACKGROUND,
    "background_phrase": BACKGROUND_PHRASE, "background_sentence": BACKGROUND_SENTENCE,
    "filler_clause": FILLER_CLAUSE, "filler_sentence": FILLER_SENTENCE,
}


def held_out_wordings() -> list[str]:
    """Every held-out wording as the text a test can search for in captions.

    A wording with a colour placeholder ("framed by {ac} wall") is represented by its longest
    literal piece ("framed by"), since the colour itself may be a training word.
    """
    found: list[str] = []
    for table in ALL_WORDS.values():
        for words in (table.values() if isinstance(table, dict) else (table,)):
            found.extend(longest_literal(text) for text in words.held_out)
    return found


def longest_literal(text: str) -> str:
    """The longest stretch of ``text`` between ``{placeholders}``, trimmed of spaces and full stops."""
    pieces, depth, current = [], 0, []
    for char in text:
        if char == "{":
            depth += 1
            pieces.append("".join(current))
            current = []
        elif char == "}":
            depth -= 1
        elif depth == 0:
            current.append(char)
    pieces.append("".join(current))
    return max((p.strip(" .") for p in pieces), key=len)
