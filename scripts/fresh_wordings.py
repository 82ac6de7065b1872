"""Write ``resources/captions/fresh-wordings.jsonl``: descriptions in words no part of T2F was built on.

Why. The ``paraphrase`` split's held-out words guided the word reader's rules (core.text.lexicon)
once we looked at how it read them, so that split no longer measures wording nobody tuned for. This
set was written before the reader changed after commit f67fbb8 and is never used to tune it: its
synonyms and sentence frames appear nowhere in the training captions, the paraphrase split or
the reader's code. Evaluate any model on it with

    t2f evaluate MODEL --captions resources/captions/fresh-wordings.jsonl --n 200 --seeds 4

Each line mentions one to three features, often with an age and a gender, each value drawn at
random (fixed seed) and worded with the tables below; a person's own descriptions would read much
like these.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from core.data.synthetic.vocabulary import article

OUT = Path(__file__).resolve().parents[1] / "resources" / "captions" / "fresh-wordings.jsonl"
COUNT, SEED = 300, 20261207

NOUNS = {"man": ("fellow", "male", "chap"), "woman": ("gal", "madam", "dame")}
AGES = {"young": ("youngish", "teenage", "juvenile"), "middle-aged": ("fortyish", "midlife"),
        "old": ("aged", "elder", "oldish")}
SKIN = {"pale": ("pallid", "milky", "snowy"), "tan": ("bronzed", "suntanned", "sunburnt"),
        "brown": ("coffee-coloured", "chocolate", "mocha"), "dark": ("dusky", "swarthy", "inky")}
HAIR_COLOUR = {"black": ("jet", "coal-black", "inky"), "brown": ("mousy", "nut-brown", "cocoa"),
               "blonde": ("flaxen", "sandy", "honey-coloured"), "red": ("copper", "carroty", "titian"),
               "grey": ("ashen", "steel-grey", "hoary")}
HAIR_STYLE = {"short": ("buzzed", "trimmed"), "long": ("waist-length", "lengthy", "lank"),
              "curly": ("wavy", "kinky", "ringleted")}
BALD = ("a shaved head", "a hairless head", "a head without hair")
EYES = {"brown": ("amber", "coffee-brown"), "blue": ("cobalt", "cerulean", "sapphire"),
        "green": ("jade", "grass-green", "sea-green")}
EYEWEAR = {"glasses": ("specs", "bifocals", "horn-rimmed glasses"),
           "sunglasses": ("sunnies", "tinted glasses", "aviators")}
FACIAL_HAIR = {"none": ("a beardless chin", "a freshly shaved face"), "moustache": ("a tache", "a mustachio"),
               "beard": ("whiskers", "a full set of whiskers")}
EXPRESSION = {"smiling": ("a cheerful look", "a happy face", "a smirk"),
              "neutral": ("a blank stare", "an impassive face", "a stern look"),
              "surprised": ("an amazed look", "a stunned face", "a look of disbelief")}
FACE_SHAPE = {"round": ("a plump face", "a chubby face"), "oval": ("an elliptical face", "a tapered face"),
              "long": ("a narrow face", "a lengthy face", "a thin face"),
              "square": ("an angular jaw", "a blocky face", "a chiselled jaw")}
ACCESSORIES = {"hat": ("a cap", "a beanie", "a bowler"), "earrings": ("ear studs", "ear hoops")}
BACKGROUND = {"white": ("snow-white", "cream"), "grey": ("ash", "charcoal"), "blue": ("navy", "cobalt"),
              "green": ("lime", "sage"), "yellow": ("mustard", "canary", "saffron"),
              "purple": ("mauve", "plum", "lavender")}
BACKGROUND_FRAMES = ("standing before {ac} curtain", "set against {ac} canvas")
FRAMES = ("Here we have {a} with {feat}.", "Spotted: {a} wearing {feat}.", "A portrait showing {a} with {feat}.",
          "Imagine {a} who has {feat}.", "Someone like {a}, noted for {feat}.")

#: What each attribute becomes in a caption; gender and age go into the person ("a youngish chap").
FEATURES = ("skin_tone", "hair", "eye_color", "eyewear", "facial_hair", "expression", "face_shape",
            "accessories", "background")


def one(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def caption(rng: np.random.Generator) -> dict:
    """One description and the attribute values it mentions."""
    attributes: dict[str, str] = {}
    person = []
    if rng.random() < 0.5:
        attributes["age"] = one(rng, tuple(AGES))
        person.append(one(rng, AGES[attributes["age"]]))
    if rng.random() < 0.6:
        attributes["gender"] = one(rng, tuple(NOUNS))
        person.append(one(rng, NOUNS[attributes["gender"]]))
    else:
        person.append("person")
    wanted = int(rng.integers(1, 4))
    features, background = [], None
    for name in rng.permutation(FEATURES)[:wanted]:
        if name == "skin_tone":
            attributes[name] = one(rng, tuple(SKIN))
            features.append(f"{one(rng, SKIN[attributes[name]])} skin")
        elif name == "hair":
            style = one(rng, ("bald", *HAIR_STYLE, None))
            if style == "bald":
                attributes["hair_style"] = "bald"
                features.append(one(rng, BALD))
                continue
            colour = one(rng, tuple(HAIR_COLOUR))
            attributes["hair_color"] = colour
            words = [one(rng, HAIR_COLOUR[colour]), "hair"]
            if style:
                attributes["hair_style"] = style
                words.insert(0, one(rng, HAIR_STYLE[style]))
            features.append(" ".join(words))
        elif name == "eye_color":
            attributes[name] = one(rng, tuple(EYES))
            features.append(f"{one(rng, EYES[attributes[name]])} eyes")
        elif name == "facial_hair":
            if attributes.get("gender") == "woman":
                continue
            attributes[name] = one(rng, tuple(FACIAL_HAIR))
            features.append(one(rng, FACIAL_HAIR[attributes[name]]))
        elif name == "background":
            attributes[name] = one(rng, tuple(BACKGROUND))
            colour = one(rng, BACKGROUND[attributes[name]])
            background = one(rng, BACKGROUND_FRAMES).format(ac=f"{article(colour)} {colour}")
        else:
            table = {"eyewear": EYEWEAR, "expression": EXPRESSION, "face_shape": FACE_SHAPE,
                     "accessories": ACCESSORIES}[name]
            attributes[name] = one(rng, tuple(table))
            features.append(one(rng, table[attributes[name]]))
    if not features:
        features.append(f"{one(rng, EYES[attributes.setdefault('eye_color', one(rng, tuple(EYES)))])} eyes")
    who = " ".join(person)
    feat = features[0] if len(features) == 1 else ", ".join(features[:-1]) + f" and {features[-1]}"
    text = one(rng, FRAMES).format(a=f"{article(who)} {who}", feat=feat)
    if background:
        text = f"{text[:-1]}, {background}."
    return {"text": text, "attributes": dict(sorted(attributes.items()))}


def main() -> int:
    rng = np.random.default_rng(SEED)
    lines = [json.dumps(caption(rng)) for _ in range(COUNT)]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(lines)} captions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
