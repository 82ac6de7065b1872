"""The pieces of a people-style description: the person's noun phrase and each attribute in each role.

:class:`Ctx` holds one description's state (the face, what is stated, split, tense, pronouns, the
colours chosen for clothes) and fills the markers of :mod:`.people_words`; :func:`render` words one
attribute ("unit") in one role:

* ``adj``: before the person's noun ("bearded"); ``with``: a noun phrase after "with" ("a goatee");
* ``pred``: a verb phrase after the subject ("{is} clean-shaven"); ``sent``: a sentence of its own
  ("{P} eyes {are} green."); ``frag``: a terse fragment ("beard"); ``post``/``loc``: after the person
  ("in {P} forties", "against a blue wall").

A hair colour and style stated together form one unit, ``hair`` ("long red hair").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from core.data.synthetic import people_extras as ex
from core.data.synthetic import people_words as w

#: Verb markers → (singular present, plural present, singular past, plural past).
_VERBS = {
    "is": ("is", "are", "was", "were"), "has": ("has", "have", "had", "had"),
    "wears": ("wears", "wear", "wore", "wore"), "looks": ("looks", "look", "looked", "looked"),
    "seems": ("seems", "seem", "seemed", "seemed"), "doesnt": ("doesn't", "don't", "didn't", "didn't"),
    "isnt": ("isn't", "aren't", "wasn't", "weren't"), "are": ("are", "are", "were", "were"),
    "is1": ("is", "is", "was", "was"),
}
#: Adjective order before the noun: expression, age, other features, then skin right before the noun
#: ("a smiling old bearded Black man"), so "black" always sits next to the person it describes.
_ADJ_ORDER = ("expression", "age", "hair_color", "hair_style", "eye_color", "eyewear", "facial_hair",
              "face_shape", "skin_tone")
_HAIR_UNITS = ("hair", "hair_color", "hair_style")


class Ctx:
    """One description being written: the face, the stated attributes and every random choice."""

    def __init__(self, attributes: Mapping[str, str], stated: Sequence[str], rng: np.random.Generator,
                 paraphrase: bool) -> None:
        self.attrs, self.rng, self.paraphrase = attributes, rng, paraphrase
        self.stated = list(stated)
        self.gender = attributes["gender"] if "gender" in stated else None
        self.past = rng.random() < 0.25
        self.S, self.O, self.P = w.PRONOUNS[self.gender]
        lo, hi = w.AGE_YEARS[attributes.get("age", "young")]
        self.n = int(rng.integers(lo, hi + 1))
        units = [u for u in stated if u != "gender"]
        if "hair_color" in units and "hair_style" in units and (
                attributes["hair_style"] == "bald" or rng.random() < 0.8):
            units = [u for u in units if u != "hair_style"]
            units[units.index("hair_color")] = "hair"
        self.units = units
        self.used: set[str] = set()
        #: Extra-talk templates already used (none twice) and whether clothes were mentioned.
        self.said: set[str] = set()
        self.dressed = self.made_up = False
        self.last_colour = ""

    # -- random helpers ---------------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def choice(self, seq: Sequence[str]) -> str:
        return seq[int(self.rng.integers(len(seq)))]

    def pick(self, options: w.Options) -> str:
        return options.pick(self.rng, self.paraphrase)

    def colour(self, avoid: str = "") -> str:
        """A colour for clothes or make-up: usually one the face does not have, sometimes one it does."""
        self.last_colour = self._colour(avoid)
        return self.last_colour

    def _colour(self, avoid: str) -> str:
        a = self.attrs
        own = [c for c in (a.get("hair_color"), a.get("eye_color"), a.get("background"),
                           {"dark": "black", "pale": "white"}.get(a.get("skin_tone", "")))
               if c in ex.DISTRACTOR_COLORS]
        if own and self.chance(0.3) and avoid not in own:
            return self.choice(own)
        return self.choice([c for c in ex.DISTRACTOR_COLORS if c not in own and c != avoid])

    # -- filling markers --------------------------------------------------------------------------
    def fill(self, text: str, subject: str | None = None) -> str:
        """Expand ``[a|b]`` choices and replace every marker; verbs agree with ``subject``."""
        text = re.sub(r"\[([^\[\]]*)\]", lambda m: self.choice(m.group(1).split("|")), text)
        subject = subject or self.S
        plural = subject == "they"
        first = [True]

        def one(match: re.Match[str]) -> str:
            key = match.group(1)
            if key == "S":
                out = subject if first[0] else self.S
                first[0] = False
                return out
            if key in _VERBS:
                return _VERBS[key][2 * self.past + (plural if key not in ("are", "is1") else 0)]
            simple = {"O": self.O, "P": self.P, "n": str(self.n), "men": self.pick(w.PLURAL[self.gender]),
                      "col": self.colour(), "col2": self.colour(avoid=self.last_colour),
                      "lip": self.choice(ex.LIPSTICK),
                      "garment": self.garment()}
            return simple.get(key, match.group(0))

        return re.sub(r"\{(\w+)\}", one, text)

    def garment(self) -> str:
        if self.gender == "woman" and self.chance(0.3):
            return self.choice(ex.WOMEN_GARMENTS)
        return self.choice(ex.GARMENTS)

    def subject(self, text: str) -> str:
        """Who a sentence is about: the pronoun, or "the guy" / "this person" now and then."""
        if text.count("{S}") != 1 or self.chance(0.7):
            return self.S
        if self.gender:
            return "the " + w.NOUN[self.gender].train[int(self.rng.integers(len(w.NOUN[self.gender].train)))]
        return self.choice(("this person", "the person"))

    def sentence(self, text: str) -> str:
        """A finished sentence: markers filled, sometimes contracted, first letter capital."""
        text = self.fill(text, self.subject(text))
        if self.chance(0.3):
            text = re.sub(r"\b(he|she|He|She) is\b", r"\1's", text)
            text = re.sub(r"\b(they|They) are\b", r"\1're", text)
        return fix_articles(text[:1].upper() + text[1:])

    def join(self, items: Sequence[str]) -> str:
        if len(items) <= 1:
            return "".join(items)
        comma = "," if len(items) > 2 and self.chance(0.3) else ""
        return ", ".join(items[:-1]) + f"{comma} and {items[-1]}"

    # -- the person ------------------------------------------------------------------------------
    def adjective_ok(self, unit: str, chosen: Sequence[str]) -> bool:
        """Whether ``unit`` can go before the noun next to ``chosen`` ones: skin and hair never share
        a noun phrase ("a black curly-haired woman" would be ambiguous)."""
        if render(self, unit, "adj", dry=True) is None:
            return False
        if unit == "skin_tone":
            return not any(u in _HAIR_UNITS for u in chosen)
        return not (unit in _HAIR_UNITS and "skin_tone" in chosen)

    def noun_phrase(self, adjectives: Sequence[str], post: str | None = None, withs: Sequence[str] = (),
                    loc: str | None = None, article: bool = True) -> str:
        """"a smiling middle-aged Black woman in her forties with curly hair against a blue wall"."""
        adjectives = list(adjectives)
        age = self.attrs.get("age")
        if self.gender:
            young = "age" in self.stated and age == "young" and "age" not in adjectives and self.chance(0.3)
            noun = self.pick(w.YOUNG_NOUN[self.gender] if young else w.NOUN[self.gender])
        elif "age" in adjectives and age in w.AGE_NOUN and self.chance(0.5):
            noun = self.pick(w.AGE_NOUN[age])
            adjectives.remove("age")
            self.used.add("age")
        else:
            noun = self.pick(w.NEUTRAL_NOUN)
        self.used.update(adjectives)
        words = [render(self, u, "adj") for u in sorted(adjectives, key=_ADJ_ORDER.index)]
        text = " ".join([*words, noun])
        if article:
            text = "a " + text
        if post:
            text += " " + post
        if withs:
            text += (" with " if self.chance(0.8) else " who {has} ") + self.join(withs)
        if loc:
            text += " " + loc
        return fix_articles(self.fill(text, "he"))

    def filler(self, pool: Sequence[ex.Filler]) -> str:
        """A template from ``pool`` whose ``needs`` this face and its stated attributes meet."""
        if (pool is ex.CLOTHES and self.dressed) or (pool is ex.MAKEUP and self.made_up):
            pool = ex.FEATURES  # one remark on clothes and one on make-up, so they never disagree
        fresh = [t for t, needs in pool if t not in self.said and _allowed(self, needs)]
        if not fresh:
            fresh = [t for t, needs in ex.FEATURES + ex.MOOD + ex.PHOTO if t not in self.said and _allowed(self, needs)]
        template = self.choice(fresh)
        self.said.add(template)
        self.dressed = self.dressed or any(word in template for word in ("{garment}", "collar", "scarf"))
        self.made_up = self.made_up or pool is ex.MAKEUP or "lipstick" in template
        return template


def _allowed(ctx: Ctx, needs: str) -> bool:
    a, stated = ctx.attrs, ctx.stated

    def said(name: str, value: str) -> bool:
        return name in stated and a.get(name) == value

    return {
        "": True, "held": ctx.paraphrase, "woman": said("gender", "woman"),
        "not_young": a.get("age") != "young",
        "man_short": a.get("gender") == "man" and a.get("hair_style") == "short",
        "man_stated": said("gender", "man"), "woman_stated": said("gender", "woman"),
        "young_stated": said("age", "young"), "old_stated": said("age", "old"),
        "man_old": said("gender", "man") and said("age", "old"),
        "woman_old": said("gender", "woman") and said("age", "old"),
        "necklace": not said("accessories", "none"),
    }[needs]


def fix_articles(text: str) -> str:
    """"a" → "an" before a vowel sound ("an oval face", "an 80-year-old", "an orange shirt")."""
    return re.sub(r"\b([Aa]) (?=[aeioAEIO]|8\d?\b|8\d?-|18\b|18-|11\b|11-)", r"\1n ", text)


def _bare(phrase: str) -> str:
    """A noun phrase without its article, for fragments ("a beard" → "beard")."""
    return re.sub(r"^(a|an) ", "", phrase)


# -- one attribute in one role -------------------------------------------------------------------------

def render(ctx: Ctx, unit: str, role: str, dry: bool = False) -> str | None:
    """``unit`` worded in ``role`` (markers left for :meth:`Ctx.fill`); None where it has no such form.

    ``dry`` only asks whether an ``adj`` form exists, without spending random draws.
    """
    a = ctx.attrs
    value = a.get(unit, "")
    if role == "adj":
        table = {"age": w.AGE_ADJ, "skin_tone": w.SKIN_ADJ, "hair_color": w.HAIR_COLOR_ADJ,
                 "hair_style": w.HAIR_STYLE_ADJ, "eye_color": w.EYE_ADJ, "eyewear": w.EYEWEAR_ADJ,
                 "facial_hair": w.FACIAL_HAIR_ADJ, "expression": w.EXPRESSION_ADJ, "face_shape": w.FACE_ADJ}
        options = table.get(unit, {}).get(value)
        return None if options is None else ("ok" if dry else ctx.pick(options))
    if unit == "age":
        return _age(ctx, value, role)
    if unit in _HAIR_UNITS:
        return _hair(ctx, unit, role)
    if unit == "background":
        c = ctx.pick(w.BACKGROUND_COLOR[value])
        if role == "sent":
            return ctx.pick(w.BACKGROUND_SENT).replace("{c}", c)
        loc = ctx.pick(w.BACKGROUND_LOC).replace("{c}", c)
        if role == "pred":
            return ctx.choice(("{is} photographed ", "{is} shown ", "{is} standing ")) + loc
        return loc if role == "loc" or ctx.chance(0.5) else f"{c} background"
    phrase = _with(ctx, unit, value)
    if role == "with":
        return phrase
    if role == "frag":
        if unit == "expression" and ctx.chance(0.6):
            return ctx.pick(w.EXPRESSION_ADJ[value])
        return "tanned" if phrase == "a tan" else _bare(phrase)
    if role == "sent":
        if unit == "eye_color":
            c = ctx.pick(w.EYE_COLOR[value])
            return ctx.choice(("{P} eyes {are} %s.", "I think {P} eyes {are} %s.", "{P} eyes {are} %s, I think.",
                               "{P} eyes {are} a sort of %s.")) % c
        if unit == "face_shape":
            return "{P} face {is1} " + ctx.pick(w.FACE_WORD[value]) + "."
        return None
    return _pred(ctx, unit, value, phrase)


def _with(ctx: Ctx, unit: str, value: str) -> str:
    if unit == "skin_tone":
        return ctx.pick(w.SKIN_WITH[value])
    if unit == "eye_color":
        return ctx.pick(w.EYE_COLOR[value]) + " eyes"
    if unit == "eyewear":
        return ctx.pick(w.EYEWEAR_WITH[value])
    if unit == "facial_hair":
        return ctx.pick(w.FACIAL_HAIR_WITH[value])
    if unit == "expression":
        return ctx.pick(w.EXPRESSION_WITH[value])
    if unit == "face_shape":
        return ctx.pick(w.FACE_WITH[value])
    if value == "none":
        return ctx.pick(w.ACCESSORIES_NONE_WITH)
    item = ctx.pick(w.HAT if value == "hat" else w.EARRINGS)
    if item in ("hat", "cap", "baseball cap", "beanie", "beret", "bucket hat", "wool hat", "earrings", "studs",
                "hoops") and ctx.chance(0.4):
        item = f"{ctx.colour()} {item}"
    return f"a {item}" if value == "hat" else item


def _pred(ctx: Ctx, unit: str, value: str, phrase: str) -> str:
    if unit == "skin_tone" and ctx.chance(0.6):
        return ctx.pick(w.SKIN_PRED[value])
    if value == "none" and unit in ("eyewear", "facial_hair", "accessories") and ctx.chance(0.7):
        table = {"eyewear": w.EYEWEAR_NONE_PRED, "facial_hair": w.FACIAL_HAIR_NONE_PRED,
                 "accessories": w.ACCESSORIES_NONE_PRED}
        return ctx.pick(table[unit])
    if unit == "expression" and ctx.chance(0.6):
        return ctx.pick(w.EXPRESSION_PRED[value])
    if unit in ("eyewear", "accessories") and value != "none":
        verbs = ["{is} wearing ", "{wears} ", "{has} on "]
        if value == "earrings":
            verbs.append("{has} pierced ears with ")
        return ctx.choice(verbs) + phrase
    if unit == "facial_hair" and value != "none" and ctx.chance(0.2):
        return "{is} sporting " + phrase
    return "{has} " + phrase


def _age(ctx: Ctx, value: str, role: str) -> str:
    if role == "post":
        return ctx.pick(w.AGE_POST[value])
    if role == "frag":
        return ctx.pick(w.AGE_FRAG[value])
    if role == "adj":
        return ctx.pick(w.AGE_ADJ[value])
    if role == "sent":
        return None
    if ctx.chance(0.3):
        return ctx.pick(w.AGE_PRED[value])
    post = ctx.pick(w.AGE_POST[value])
    hedge = "probably " if ctx.chance(0.25) else ""
    numeric = post.split()[0] in ("about", "maybe", "around", "{n}", "{n}ish")
    return ("{looks} " if numeric and ctx.chance(0.5) else "{is} ") + hedge + post


def _hair(ctx: Ctx, unit: str, role: str) -> str | None:
    a = ctx.attrs
    color = unit in ("hair", "hair_color")
    style = unit in ("hair", "hair_style")
    hc, hs = a.get("hair_color", ""), a.get("hair_style", "")
    if role == "sent":
        if style and hs == "bald":
            return None
        words = []
        if style:
            words.append(ctx.pick(w.HAIR_STYLE_WORD[hs]))
        if color:
            words.append(ctx.pick(w.HAIR_COLOR[hc]))
        if len(words) == 2 and ctx.chance(0.5):
            words.reverse()
        return "{P} hair {is1} " + " and ".join(words) + "."
    if role == "pred":
        if unit == "hair_color" and ctx.chance(0.3):
            return ctx.pick(w.HAIR_COLOR_PRED[hc])
        if unit == "hair_style" and hs == "bald" and ctx.chance(0.6):
            return ctx.pick(w.BALD_PRED)
        if unit == "hair_style" and hs != "bald" and ctx.chance(0.25):
            return "{wears} {P} hair " + ctx.pick(w.HAIR_STYLE_WORD[hs])
    c = ctx.pick(w.HAIR_COLOR[hc]) + " " if color else ""
    if style and hs == "bald":
        phrase = ctx.pick(w.BALD_WITH_COLOR).replace("{c}", c) if color else ctx.pick(w.BALD_WITH)
    elif style and not color and ctx.chance(0.2):
        phrase = ctx.pick(w.HAIR_STYLE_NO_COLOR[hs])
    elif style:
        phrase = ctx.pick(w.HAIR_STYLE_WITH[hs]).replace("{c}", c)
    else:
        phrase = c + "hair"
    if role == "pred":
        return "{has} " + phrase
    return _bare(phrase) if role == "frag" else phrase
