"""Word tables for people-style descriptions (:mod:`.people`): every attribute value in several roles.

People do not describe a face in one dialect. The same value turns up as an adjective before the
person ("a bearded guy"), as a noun phrase after "with" ("with a goatee"), as a predicate ("he's
clean-shaven") or as a fragment ("beard"). Each table below maps an attribute value to an
:class:`Options` pair: ``train`` wordings, and ``held`` wordings that only the ``paraphrase`` split
uses, so an evaluation on that split measures understanding of words training never showed.

Markers filled in by :mod:`.people`: ``{S}``/``{O}``/``{P}`` the subject, object and possessive
pronouns; ``{is}``, ``{has}``, ``{wears}``, ``{looks}``, ``{seems}``, ``{doesnt}``, ``{isnt}`` verbs
that agree with the subject and tense; ``{are}`` and ``{is1}`` verbs of a plural or singular noun
(eyes, hair) that follow only the tense; ``{c}`` a colour word; ``{n}`` an age in years.

A held-out wording's literal text (see :func:`held_out_phrases`) never occurs in a train-split
description: no train wording, frame or filler contains it as a word sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

#: How often the paraphrase split takes a held-out wording where one exists (else a train one),
#: so paraphrase descriptions mix unseen and seen words the way a stranger's text does.
HELD_SHARE = 0.7


@dataclass(frozen=True)
class Options:
    """Interchangeable wordings: ``train`` ones, and ``held`` ones only the paraphrase split uses.

    A wording listed twice is simply drawn twice as often."""

    train: tuple[str, ...]
    held: tuple[str, ...] = ()

    def pick(self, rng: np.random.Generator, paraphrase: bool = False) -> str:
        """One wording: held-out (at :data:`HELD_SHARE`) when ``paraphrase`` and there is one."""
        pool = self.held if paraphrase and self.held and rng.random() < HELD_SHARE else self.train
        return pool[int(rng.integers(len(pool)))]


O = Options

# -- the person -------------------------------------------------------------------------------------

NOUN = {
    "man": O(("man", "man", "man", "guy", "guy", "gentleman", "male", "dude", "fellow"), ("chap", "bloke")),
    "woman": O(("woman", "woman", "woman", "lady", "lady", "female", "gal"), ("lass",)),
}
#: Nouns that also say "young"; used only when the age is stated as young.
YOUNG_NOUN = {"man": O(("boy", "young man", "teenage boy")), "woman": O(("girl", "young woman", "teenage girl"))}
PLURAL = {"man": O(("men", "guys")), "woman": O(("women", "ladies")), None: O(("people",))}
PRONOUNS = {"man": ("he", "him", "his"), "woman": ("she", "her", "her"), None: ("they", "them", "their")}
#: A person of unstated gender: "a person", or a noun that states the age instead.
NEUTRAL_NOUN = O(("person", "person", "person", "individual"))
AGE_NOUN = {
    "young": O(("teenager", "youngster", "kid", "young person"), ("adolescent",)),
    "old": O(("senior", "elderly person", "old-timer", "senior citizen"), ("pensioner",)),
}

# -- age: in words, by decade, by number. Bands: young < 30, middle-aged 33-52, old > 60 ------------------

AGE_YEARS = {"young": (17, 27), "middle-aged": (33, 52), "old": (61, 86)}
AGE_ADJ = {
    "young": O(("young", "young", "young", "teenage", "twenty-something", "youthful", "{n}-year-old"),
               ("fresh-faced",)),
    "middle-aged": O(("middle-aged", "middle-aged", "middle aged", "forty-something", "{n}-year-old"),
                     ("midlife",)),
    "old": O(("old", "elderly", "older", "elderly", "retired-looking", "{n}-year-old"), ("venerable",)),
}
#: After the person ("a woman in her forties") or after "{is}"/"{looks}".
AGE_POST = {
    "young": O(("in {P} twenties", "in {P} early twenties", "in {P} mid-twenties", "in {P} teens",
                "in {P} late teens", "in {P} early 20s", "about {n}", "maybe {n}", "{n} or so",
                "around {n} years old", "barely out of {P} teens"), ("fresh out of school", "{n} give or take")),
    "middle-aged": O(("in {P} forties", "in {P} late thirties", "in {P} thirties", "in {P} early fifties",
                      "in {P} mid-forties", "in {P} 40s", "about {n}", "maybe {n}", "{n}ish",
                      "around {n} years old"), ("in the prime of life", "{n} give or take")),
    "old": O(("in {P} sixties", "in {P} seventies", "in {P} eighties", "in {P} early sixties",
              "pushing seventy", "pushing eighty", "over sixty", "in {P} 70s", "about {n}", "{n} or so",
              "around {n} years old"), ("getting on in years", "{n} give or take")),
}
#: Only after "{is}": "she's a teenager".
AGE_PRED = {
    "young": O(("{is} a teenager", "{is} young", "{is} pretty young", "{is} still a kid really"),
               ("{is} an adolescent",)),
    "middle-aged": O(("{is} middle-aged", "{is} middle aged", "{is} forty-something"), ("{is} in midlife",)),
    "old": O(("{is} old", "{is} elderly", "{is} a senior", "{is} retirement age", "{is} quite old"),
             ("{is} a pensioner",)),
}
AGE_FRAG = {
    "young": O(("young", "early 20s", "teen", "20s", "about {n}"), ("adolescent",)),
    "middle-aged": O(("middle-aged", "40s", "40ish", "late 30s", "about {n}"), ("midlife",)),
    "old": O(("old", "elderly", "60s", "70s", "about {n}"), ("venerable",)),
}

# -- skin: complexion and origin words ----------------------------------------------------------------

#: Right before the noun: "a Black woman", "a white guy", "a fair-skinned man".
SKIN_ADJ = {
    "pale": O(("white", "white", "pale", "fair-skinned", "light-skinned", "pale-skinned"), ("porcelain-skinned",)),
    "tan": O(("tanned", "olive-skinned", "tan", "sun-tanned"), ("bronzed",)),
    "brown": O(("brown-skinned", "brown", "brown-skinned"), ("caramel-skinned",)),
    "dark": O(("Black", "black", "Black", "dark-skinned"), ("ebony-skinned",)),
}
SKIN_WITH = {
    "pale": O(("pale skin", "fair skin", "a light complexion", "a fair complexion", "very pale skin"),
              ("alabaster skin",)),
    "tan": O(("tanned skin", "an olive complexion", "olive skin", "a tan", "a golden tan"), ("sun-kissed skin",)),
    "brown": O(("brown skin", "medium brown skin", "warm brown skin"), ("caramel skin",)),
    "dark": O(("dark skin", "very dark skin", "a dark complexion", "deep dark skin"), ("ebony skin",)),
}
SKIN_PRED = {
    "pale": O(("{is} pale", "{is} white", "{is} fair-skinned", "{is} really pale"), ("{is} porcelain-skinned",)),
    "tan": O(("{is} tanned", "{is} olive-skinned", "{is} quite tanned"), ("{is} bronzed",)),
    "brown": O(("{is} brown-skinned", "{is} brown"), ("{is} caramel-skinned",)),
    "dark": O(("{is} black", "{is} Black", "{is} dark-skinned"), ("{is} ebony-skinned",)),
}

# -- hair --------------------------------------------------------------------------------------------

#: Colour words that go right before "hair".
HAIR_COLOR = {
    "black": O(("black", "black", "jet-black", "dark", "jet black"), ("raven", "coal-black")),
    "brown": O(("brown", "brown", "brunette", "chestnut", "light brown", "dark brown"), ("mousy brown",)),
    "blonde": O(("blonde", "blonde", "blond", "fair", "golden", "platinum", "platinum blonde"),
                ("flaxen", "honey-blonde")),
    "red": O(("red", "red", "ginger", "auburn", "copper", "bright red"), ("fiery", "rust-coloured")),
    "grey": O(("grey", "grey", "gray", "silver", "white", "salt-and-pepper", "greying"), ("snowy", "steel-grey")),
}
HAIR_COLOR_ADJ = {
    "black": O(("dark-haired", "black-haired"), ("raven-haired",)),
    "brown": O(("brown-haired", "brunette"), ("mousy-haired",)),
    "blonde": O(("blonde", "blond", "fair-haired", "platinum-blonde"), ("flaxen-haired",)),
    "red": O(("red-haired", "ginger", "redheaded"), ("copper-topped",)),
    "grey": O(("grey-haired", "white-haired", "silver-haired", "gray-haired"), ("snowy-haired",)),
}
#: After "{S}": "she's a redhead".
HAIR_COLOR_PRED = {
    "black": O(("{has} dark hair",)), "brown": O(("{is} a brunette",)), "blonde": O(("{is} a blonde",)),
    "red": O(("{is} a redhead", "{is} a ginger")), "grey": O(("{is} going grey", "{is} going gray")),
}
#: Noun phrases with an optional colour slot ``{c}`` ("black " or "").
HAIR_STYLE_WITH = {
    "short": O(("short {c}hair", "short {c}hair", "cropped {c}hair", "very short {c}hair",
                "close-cropped {c}hair", "short-cropped {c}hair"), ("closely clipped {c}hair",)),
    "long": O(("long {c}hair", "long {c}hair", "shoulder-length {c}hair", "long {c}hair down to {P} back",
               "long {c}hair past {P} shoulders", "really long {c}hair"), ("waist-length {c}hair", "flowing {c}hair")),
    "curly": O(("curly {c}hair", "curly {c}hair", "wavy {c}hair", "frizzy {c}hair", "{c}curls",
                "tight {c}curls", "{c}ringlets"), ("coily {c}hair", "{c}corkscrew curls")),
}
#: Used only when the colour is not stated.
HAIR_STYLE_NO_COLOR = {
    "short": O(("a buzz cut", "a crew cut", "a short haircut")), "long": O(("long locks",)),
    "curly": O(("an afro", "a big afro", "curly locks")),
}
BALD_WITH = O(("a bald head", "a shaved head", "no hair", "a completely bald head", "a shiny bald head"),
              ("a hairless head", "a shorn scalp"))
BALD_WITH_COLOR = O(("a bald head with a bit of {c}hair at the sides",
                     "no hair on top, just a little {c}hair around the sides"),
                    ("a hairless crown ringed with {c}hair",))
BALD_PRED = O(("{is} bald", "{is} completely bald", "{has} no hair at all", "{has} a shaved head",
               "{is} bald as a coot"), ("{is} hairless",))
#: "Her hair is {style}" / "{style} and {colour}".
HAIR_STYLE_WORD = {
    "short": O(("short", "short", "cropped", "very short", "cut short"), ("closely clipped",)),
    "long": O(("long", "long", "shoulder-length", "really long"), ("waist-length",)),
    "curly": O(("curly", "curly", "wavy", "frizzy", "really curly"), ("coily",)),
}
HAIR_STYLE_ADJ = {
    "bald": O(("bald", "bald", "bald-headed", "shaven-headed"), ("hairless",)),
    "short": O(("short-haired", "crop-haired")), "long": O(("long-haired",)),
    "curly": O(("curly-haired", "curly-headed"), ("coily-haired",)),
}

# -- eyes, eyewear, facial hair, expression, face shape, accessories, background ---------------------------

EYE_COLOR = {
    "brown": O(("brown", "brown", "dark brown", "hazel", "dark", "deep brown"), ("chocolate-brown", "amber")),
    "blue": O(("blue", "blue", "light blue", "grey-blue", "bright blue", "icy blue"), ("sky-blue", "baby-blue")),
    "green": O(("green", "green", "bright green", "greenish", "dark green"), ("emerald", "jade")),
}
EYE_ADJ = {"brown": O(("brown-eyed",)), "blue": O(("blue-eyed",)), "green": O(("green-eyed",))}

EYEWEAR_WITH = {
    "none": O(("no glasses", "no glasses"), ("no eyewear",)),
    "glasses": O(("glasses", "glasses", "spectacles", "reading glasses", "specs", "wire-rimmed glasses",
                  "thick-rimmed glasses", "round glasses", "black-framed glasses", "a pair of glasses"),
                 ("bifocals", "horn-rimmed glasses")),
    "sunglasses": O(("sunglasses", "sunglasses", "shades", "tinted glasses", "dark sunglasses", "sunnies"),
                    ("aviators", "mirrored lenses")),
}
EYEWEAR_NONE_PRED = O(("{doesnt} wear glasses", "{isnt} wearing glasses", "{has} no glasses on",
                       "{doesnt} have glasses"), ("{is} glasses-free",))
EYEWEAR_ADJ = {"glasses": O(("bespectacled",))}

FACIAL_HAIR_WITH = {
    "none": O(("no beard", "no facial hair", "no beard or moustache", "a clean-shaven face",
               "no beard or mustache"), ("a beardless face",)),
    "moustache": O(("a moustache", "a mustache", "a tash", "a thin moustache", "a thick mustache",
                    "a bushy moustache"), ("a handlebar moustache", "a pencil moustache")),
    "beard": O(("a beard", "a beard", "a full beard", "a goatee", "a bushy beard", "a short beard",
                "a thick beard"), ("whiskers", "a scruffy beard")),
}
FACIAL_HAIR_NONE_PRED = O(("{is} clean-shaven", "{has} no beard or moustache", "{doesnt} have a beard",
                           "{is} freshly shaved", "{is} clean shaven"), ("{is} beardless",))
FACIAL_HAIR_ADJ = {
    "none": O(("clean-shaven",), ("smooth-chinned",)),
    "moustache": O(("moustached", "mustachioed")), "beard": O(("bearded",)),
}

EXPRESSION_WITH = {
    "smiling": O(("a big smile", "a smile", "a grin", "a wide grin", "a big grin"), ("a toothy grin",)),
    "neutral": O(("a straight face", "a blank expression", "a serious expression", "a neutral expression",
                  "a stern look"), ("a poker face", "a deadpan look")),
    "surprised": O(("a surprised look", "a shocked expression", "an astonished look", "a look of surprise"),
                   ("a stunned look", "a gobsmacked expression")),
}
EXPRESSION_PRED = {
    "smiling": O(("{is} smiling", "{is} smiling", "{is} grinning", "{is} laughing", "{is} beaming",
                  "{has} a big smile on {P} face"), ("{is} all smiles", "{is} chuckling")),
    "neutral": O(("{isnt} smiling", "{looks} serious", "{is} not smiling", "{has} a straight face",
                  "{looks} a bit stern", "{is} expressionless"), ("{is} deadpan",)),
    "surprised": O(("{looks} surprised", "{looks} shocked", "{looks} astonished", "{is} wide-eyed with surprise",
                    "{has} {P} jaw dropped", "{has} {P} mouth open in surprise"), ("{looks} flabbergasted",)),
}
EXPRESSION_ADJ = {
    "smiling": O(("smiling", "smiling", "grinning", "laughing", "beaming"), ("chuckling",)),
    "neutral": O(("serious", "stern", "serious-looking", "unsmiling", "straight-faced"), ("poker-faced",)),
    "surprised": O(("surprised", "shocked", "astonished", "wide-eyed", "startled"), ("stunned", "gobsmacked")),
}

FACE_WITH = {
    "round": O(("a round face", "a round face", "a chubby face", "full cheeks", "chubby cheeks", "a round, full face"),
               ("a moon face",)),
    "oval": O(("an oval face", "an oval face", "an oval-shaped face", "a nicely oval face"), ("an egg-shaped face",)),
    "long": O(("a long face", "a narrow face", "a thin face", "a long, narrow face", "a long thin face"),
              ("an elongated face",)),
    "square": O(("a square face", "a square jaw", "a strong jaw", "an angular jaw", "a strong square jaw",
                 "a broad square face"), ("a boxy face", "a blocky jaw")),
}
FACE_WORD = {"round": O(("round", "kind of round", "round and full")), "oval": O(("oval", "sort of oval")),
             "long": O(("long", "long and narrow", "narrow", "thin")), "square": O(("square", "squarish", "angular"))}
FACE_ADJ = {
    "round": O(("round-faced", "chubby-faced"), ("moon-faced",)), "oval": O(("oval-faced",)),
    "long": O(("long-faced", "narrow-faced", "thin-faced"), ("lantern-jawed",)),
    "square": O(("square-jawed", "square-faced"), ("box-jawed",)),
}

#: Hats and earrings as nouns without article (a colour may go before them).
HAT = O(("hat", "hat", "cap", "cap", "baseball cap", "beanie", "beret", "fedora", "bucket hat", "cowboy hat",
         "sun hat", "wool hat", "knitted hat", "trucker cap"), ("trilby", "bobble hat", "panama hat"))
EARRINGS = O(("earrings", "earrings", "studs", "hoops", "hoop earrings", "gold earrings", "small earrings",
              "pearl earrings", "dangly earrings", "silver studs"), ("ear cuffs", "danglers"))
ACCESSORIES_NONE_WITH = O(("no hat and no earrings", "no hat or earrings", "no hat and no jewellery",
                           "no earrings and no hat", "no hat or jewelry"), ("no headwear or jewellery",))
ACCESSORIES_NONE_PRED = O(("{isnt} wearing a hat or earrings", "{has} no hat on and no earrings",
                           "{doesnt} have a hat or any earrings"), ("{is} bareheaded, without earrings",))

BACKGROUND_COLOR = {
    "white": O(("white", "white", "plain white", "bright white"), ("ivory",)),
    "grey": O(("grey", "grey", "gray", "light grey", "dark grey"), ("slate",)),
    "blue": O(("blue", "blue", "light blue", "bright blue", "dark blue"), ("azure",)),
    "green": O(("green", "green", "light green", "bright green"), ("mint",)),
    "yellow": O(("yellow", "yellow", "bright yellow", "mustard yellow"), ("lemon",)),
    "purple": O(("purple", "purple", "violet", "lavender"), ("lilac",)),
}
#: After the person: "... against a blue wall".
BACKGROUND_LOC = O(("against a {c} wall", "in front of a {c} background", "against a {c} backdrop",
                    "on a plain {c} backdrop", "with a {c} background behind {O}", "in front of a {c} wall"),
                   ("framed by a {c} curtain", "before a {c} screen"))
BACKGROUND_SENT = O(("The background is {c}.", "The wall behind {O} {is1} {c}.", "{c} background.",
                     "Background's {c}.", "Behind {O} there's just a {c} wall.", "The backdrop {is1} {c}.",
                     "The background {is1} plain {c}."),
                    ("Behind {O} hangs a {c} curtain.", "The backdrop is painted {c}."))

#: Literal pieces of paraphrase-only frames in :mod:`.people` and :mod:`.people_extras`, and of the
#: held-out background wordings ("framed by a {c} curtain", "before a {c} screen").
HELD_FRAMES: tuple[str, ...] = (
    "Depicted here is", "The sitter is", "What I'm describing is", "Pictured:", "additionally",
    "Moreover", "give or take", "curtain", "screen", "framed by", "backdrop is painted", "If memory serves",
    "I reckon",
)

#: Attribute → value → the tables that word it; drives :func:`held_out_by_value` for tests and docs.
TABLES: dict[str, dict[str, tuple[Options, ...]]] = {
    "gender": {g: (NOUN[g],) for g in NOUN},
    "age": {a: (AGE_ADJ[a], AGE_POST[a], AGE_PRED[a], AGE_FRAG[a]) + ((AGE_NOUN[a],) if a in AGE_NOUN else ())
            for a in AGE_ADJ},
    "skin_tone": {s: (SKIN_ADJ[s], SKIN_WITH[s], SKIN_PRED[s]) for s in SKIN_ADJ},
    "hair_color": {h: (HAIR_COLOR[h], HAIR_COLOR_ADJ[h], HAIR_COLOR_PRED[h]) for h in HAIR_COLOR},
    "hair_style": {"bald": (BALD_WITH, BALD_WITH_COLOR, BALD_PRED, HAIR_STYLE_ADJ["bald"]),
                   **{s: (HAIR_STYLE_WITH[s], HAIR_STYLE_NO_COLOR[s], HAIR_STYLE_WORD[s], HAIR_STYLE_ADJ[s])
                      for s in HAIR_STYLE_WITH}},
    "eye_color": {e: (EYE_COLOR[e], EYE_ADJ[e]) for e in EYE_COLOR},
    "eyewear": {"none": (EYEWEAR_WITH["none"], EYEWEAR_NONE_PRED),
                "glasses": (EYEWEAR_WITH["glasses"], EYEWEAR_ADJ["glasses"]),
                "sunglasses": (EYEWEAR_WITH["sunglasses"],)},
    "facial_hair": {"none": (FACIAL_HAIR_WITH["none"], FACIAL_HAIR_NONE_PRED, FACIAL_HAIR_ADJ["none"]),
                    "moustache": (FACIAL_HAIR_WITH["moustache"], FACIAL_HAIR_ADJ["moustache"]),
                    "beard": (FACIAL_HAIR_WITH["beard"], FACIAL_HAIR_ADJ["beard"])},
    "expression": {x: (EXPRESSION_WITH[x], EXPRESSION_PRED[x], EXPRESSION_ADJ[x]) for x in EXPRESSION_WITH},
    "face_shape": {f: (FACE_WITH[f], FACE_WORD[f], FACE_ADJ[f]) for f in FACE_WITH},
    "accessories": {"none": (ACCESSORIES_NONE_WITH, ACCESSORIES_NONE_PRED), "hat": (HAT,), "earrings": (EARRINGS,)},
    "background": {b: (BACKGROUND_COLOR[b],) for b in BACKGROUND_COLOR},
}


def literal(text: str) -> str:
    """The longest stretch of ``text`` between ``{markers}``, trimmed of spaces, commas and stops."""
    pieces = re.split(r"\{[^}]*\}", text)
    return max((p.strip(" .,") for p in pieces), key=len)


def held_out_by_value() -> dict[tuple[str, str], list[str]]:
    """(attribute, value) → the literal text of each of its held-out wordings."""
    return {(name, value): sorted({literal(w) for options in tables for w in options.held})
            for name, values in TABLES.items() for value, tables in values.items()}


def held_out_phrases() -> list[str]:
    """Every held-out wording and frame piece, as text that must never occur in a train-split description."""
    found = {p for phrases in held_out_by_value().values() for p in phrases}
    found.update(HELD_FRAMES)
    return sorted(found)
