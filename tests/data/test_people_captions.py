"""People-style descriptions (core/data/synthetic/people.py) state exactly what they claim to.

The writer's claims are checked by a small keyword reader written here from plain English, not from
the writer's tables: gender words and pronouns, complexion phrases ("a black woman"), colour words
next to "hair", "eyes" and "wall", hats and earrings, glasses, beards and ages. A colour that
belongs to something else ("red lipstick", "a black jacket") must not be read as any attribute.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from core.data.synthetic.attributes import ATTRIBUTES, sample_attributes
from core.data.synthetic.people import PEOPLE_SPLITS, choose_stated, describe_like_people, people_caption
from core.data.synthetic.people_words import held_out_by_value, held_out_phrases

N_FACES = 2000

# -- an independent keyword reader --------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z]+(?:-[a-z]+)*|[.,;:!?&]")
MALE = {"man", "men", "guy", "guys", "gentleman", "male", "boy", "dude", "fellow", "he", "him", "his", "himself",
        "hes", "chap", "bloke"}
FEMALE = {"woman", "women", "lady", "ladies", "female", "girl", "gal", "she", "her", "hers", "herself", "shes", "lass"}
PEOPLE = {"man", "woman", "guy", "lady", "gentleman", "dude", "fellow", "male", "female", "person", "gal", "boy",
          "girl", "chap", "bloke", "lass", "individual", "teenager", "kid", "youngster", "senior", "old-timer",
          "adolescent", "pensioner", "citizen"}
SUBJECTS = {"he", "she", "they", "person", "guy", "man", "woman", "lady", "dude", "fellow", "male", "female", "gal",
            "gentleman", "chap", "bloke", "lass", "individual"}
BE = {"is", "was", "are", "were", "s", "re"}
SKIN_BEFORE_PERSON = {"black": "dark", "white": "pale", "brown": "brown", "tan": "tan", "tanned": "tan",
                      "pale": "pale", "bronzed": "tan"}
SKIN_ANYWHERE = {"pale": "pale", "tanned": "tan", "sun-tanned": "tan", "bronzed": "tan"}
SKIN_PREFIX = {"fair": "pale", "light": "pale", "pale": "pale", "porcelain": "pale", "olive": "tan", "tan": "tan",
               "brown": "brown", "caramel": "brown", "dark": "dark", "ebony": "dark"}
SKIN_NOUN_BEFORE = {"pale": "pale", "fair": "pale", "light": "pale", "alabaster": "pale", "porcelain": "pale",
                    "tanned": "tan", "olive": "tan", "tan": "tan", "sun-kissed": "tan", "bronzed": "tan",
                    "brown": "brown", "caramel": "brown", "dark": "dark", "ebony": "dark"}
HAIR_COLOURS = {
    "black": {"black", "jet-black", "jet", "dark", "raven", "coal-black"},
    "brown": {"brown", "brunette", "chestnut", "mousy"},
    "blonde": {"blonde", "blond", "fair", "golden", "platinum", "flaxen", "honey-blonde", "platinum-blonde"},
    "red": {"red", "ginger", "auburn", "copper", "fiery", "rust-coloured", "redhead", "redheaded", "copper-topped"},
    "grey": {"grey", "gray", "silver", "white", "salt-and-pepper", "greying", "snowy", "steel-grey", "silvery"},
}
HAIR_NOUNS = {"hair", "curls", "ringlets", "locks"}
HAIR_ANYWHERE = {"redhead": "red", "redheaded": "red", "ginger": "red", "brunette": "brown", "blonde": "blonde",
                 "blond": "blonde", "platinum-blonde": "blonde", "copper-topped": "red"}
EYE_COLOURS = {"brown": {"brown", "hazel", "dark", "amber", "chocolate-brown"},
               "blue": {"blue", "grey-blue", "sky-blue", "baby-blue"},
               "green": {"green", "greenish", "emerald", "jade"}}
BACK_COLOURS = {"white": {"white", "ivory"}, "grey": {"grey", "gray", "slate"}, "blue": {"blue", "azure"},
                "green": {"green", "mint"}, "yellow": {"yellow", "lemon"},
                "purple": {"purple", "violet", "lavender", "lilac"}}
BACK_NOUNS = {"wall", "background", "backdrop", "curtain", "screen", "backgrounds"}
HATS = {"hat", "cap", "beanie", "beret", "fedora", "trilby", "panama", "headwear", "bareheaded"}
EARRINGS = {"earrings", "studs", "hoops", "danglers", "cuffs", "jewellery", "jewelry"}
SUN = {"sunglasses", "shades", "sunnies", "aviators", "tinted", "mirrored"}
GLASSES = {"glasses", "spectacles", "specs", "bifocals", "bespectacled", "eyeglasses", "eyewear", "glasses-free"}
BEARD = {"beard", "bearded", "goatee", "whiskers"}
MOUSTACHE = {"moustache", "mustache", "tash", "moustached", "mustachioed"}
SHAVEN = {"clean-shaven", "shaven", "beardless", "smooth-chinned", "facial"}
NEGATION = {"no", "not", "without", "doesnt", "didnt", "isnt", "wasnt", "dont", "arent", "werent", "n't", "t"}
AGE_WORDS = {"young": "young", "youthful": "young", "teenager": "young", "teenage": "young", "teens": "young",
             "twenties": "young", "twenty-something": "young", "adolescent": "young", "kid": "young",
             "youngster": "young", "fresh-faced": "young", "boy": "young", "girl": "young",
             "middle-aged": "middle-aged", "thirties": "middle-aged", "forties": "middle-aged",
             "forty-something": "middle-aged", "midlife": "middle-aged",
             "old": "old", "elderly": "old", "older": "old", "senior": "old", "retired-looking": "old",
             "sixties": "old", "seventies": "old", "eighties": "old", "sixty": "old", "seventy": "old",
             "eighty": "old", "pensioner": "old", "old-timer": "old", "venerable": "old", "retirement": "old"}


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("'", " ").replace("w/", "with"))


def read_gender(t: list[str]) -> set[str]:
    return ({"man"} if MALE & set(t) else set()) | ({"woman"} if FEMALE & set(t) else set())


def read_skin(t: list[str]) -> set[str]:
    found = set()
    for i, w in enumerate(t):
        nxt = t[i + 1:i + 3] + ["", ""]
        # "a Black elderly person": look past one age word, unless it is the person ("a Black senior")
        after = nxt[1] if nxt[0] in {"young", "elderly", "senior", "teenage", "old"} and nxt[1] in PEOPLE else nxt[0]
        if w in SKIN_BEFORE_PERSON and after in PEOPLE:
            found.add(SKIN_BEFORE_PERSON[w])
        if w in SKIN_ANYWHERE:
            found.add(SKIN_ANYWHERE[w])
        if w.endswith("-skinned"):
            found.add(SKIN_PREFIX[w.split("-")[0]])
        if w in ("skin", "complexion", "tan") and i and t[i - 1] in SKIN_NOUN_BEFORE:
            found.add(SKIN_NOUN_BEFORE[t[i - 1]])
        if w == "tan" and i and t[i - 1] in ("a", "golden"):  # "she has a tan"
            found.add("tan")
        before = t[i - 1] if i else ""
        if w in BE and before in SUBJECTS | {",", "and", "&", "also", "additionally"} and nxt[0] in SKIN_BEFORE_PERSON:
            found.add(SKIN_BEFORE_PERSON[nxt[0]])  # "he is black", "..., and was black"
        if w in ("hes", "shes", "theyre") and nxt[0] in SKIN_BEFORE_PERSON:
            found.add(SKIN_BEFORE_PERSON[nxt[0]])
    return found


def _colour(word: str, table: dict[str, set[str]]) -> str | None:
    return next((value for value, words in table.items() if word in words), None)


def read_hair_colour(t: list[str]) -> set[str]:
    found = set()
    for i, w in enumerate(t):
        if w in HAIR_NOUNS:
            for back in reversed(t[max(0, i - 3):i]):  # "long black curly hair", stop at "with"/punctuation
                if back in {"with", "and", "has", "have", "had", "is", "was", ",", ";", ".", ":"}:
                    break
                if _colour(back, HAIR_COLOURS):
                    found.add(_colour(back, HAIR_COLOURS))
                    break
            if t[i + 1:i + 2] and t[i + 1] in BE:  # "her hair is long and black"
                window = t[i + 2:i + 8]
                for k, ahead in enumerate(window[:5]):
                    if ahead in {",", ".", ";", "!"}:
                        break
                    modifier = k + 1 < len(window) and _colour(window[k + 1], HAIR_COLOURS)  # "dark brown"
                    if _colour(ahead, HAIR_COLOURS) and not modifier:
                        found.add(_colour(ahead, HAIR_COLOURS))
        if w.endswith("-haired") and _colour(w[:-len("-haired")], HAIR_COLOURS):
            found.add(_colour(w[:-len("-haired")], HAIR_COLOURS))
        if w in HAIR_ANYWHERE:
            found.add(HAIR_ANYWHERE[w])
        if w == "going" and t[i + 1:i + 2] and t[i + 1] in ("grey", "gray"):
            found.add("grey")
    return found


def read_eye_colour(t: list[str]) -> set[str]:
    found = set()
    for i, w in enumerate(t):
        if w == "eyes" and i and _colour(t[i - 1], EYE_COLOURS):
            found.add(_colour(t[i - 1], EYE_COLOURS))
        if w == "eyes" and t[i + 1:i + 2] and t[i + 1] in BE:
            window = t[i + 2:i + 8]
            for k, ahead in enumerate(window[:5]):
                modifier = k + 1 < len(window) and _colour(window[k + 1], EYE_COLOURS)  # "dark green"
                if _colour(ahead, EYE_COLOURS) and not modifier:
                    found.add(_colour(ahead, EYE_COLOURS))
        if w.endswith("-eyed") and _colour(w[:-len("-eyed")], EYE_COLOURS):
            found.add(_colour(w[:-len("-eyed")], EYE_COLOURS))
    return found


def read_background(t: list[str]) -> set[str]:
    found = set()
    for i, w in enumerate(t):
        if w in BACK_NOUNS and i and _colour(t[i - 1], BACK_COLOURS):
            found.add(_colour(t[i - 1], BACK_COLOURS))
        rest = t[i + 1:]
        if w in BACK_NOUNS and rest[:1] == ["behind"]:  # "the wall behind her is green"
            rest = rest[2:]
        if w == "backgrounds":  # "backgrounds lemon", an apostrophe dropped
            rest = ["is"] + rest
        if w in BACK_NOUNS and rest[:1] and rest[0] in BE:  # "the background is (plain) purple"
            for ahead in rest[1:4]:
                if _colour(ahead, BACK_COLOURS):
                    found.add(_colour(ahead, BACK_COLOURS))
                    break
    return found


def read_age(text: str, t: list[str]) -> set[str]:
    found = {AGE_WORDS[w] for i, w in enumerate(t) if w in AGE_WORDS and not (w == "old" and t[i - 1] == "years")}
    found |= {"middle-aged" for i, w in enumerate(t) if w == "aged" and i and t[i - 1] == "middle"}
    for number in re.findall(r"\b(\d+)(?:s|ish|-year-old|-ish)?\b", text):
        n = int(number)
        if n in (20, 30, 40, 50, 60, 70, 80) and re.search(rf"\b{n}s\b", text):
            found.add("young" if n < 30 else "middle-aged" if n < 55 else "old")
        else:
            found.add("young" if n < 30 else "middle-aged" if n <= 55 else "old")
    if re.search(r"\b(early|mid-|late)?\s*fifties\b", text.lower()):
        found.add("middle-aged" if re.search(r"\bearly fifties\b", text.lower()) else "ambiguous fifties")
    return found


# -- a corpus shared by the tests ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus() -> dict[str, list[tuple[dict[str, str], object]]]:
    """2,000 sampled faces per split with their people-style captions."""
    out = {}
    for k, split in enumerate(PEOPLE_SPLITS):
        rng = np.random.default_rng([23, k])
        faces = [sample_attributes(rng) for _ in range(N_FACES)]
        out[split] = [(face, people_caption(face, rng, split)) for face in faces]
    return out


def test_deterministic_for_a_seed() -> None:
    def run() -> list[str]:
        rng = np.random.default_rng(7)
        return [people_caption(sample_attributes(rng), rng, split).text for split in PEOPLE_SPLITS * 50]
    assert run() == run()


@pytest.mark.parametrize("split", PEOPLE_SPLITS)
def test_mentioned_is_true_and_template_named(corpus, split) -> None:
    for face, caption in corpus[split]:
        assert caption.template == f"people-{split}"
        assert 0 <= len(caption.mentioned) <= 9
        assert all(face[name] == value for name, value in caption.mentioned.items())
        assert not (face["gender"] == "woman" and "facial_hair" in caption.mentioned), caption.text


@pytest.mark.parametrize("split", PEOPLE_SPLITS)
def test_keyword_reader_agrees_with_mentioned(corpus, split) -> None:
    """Each attribute the reader can see is found exactly when stated, with the stated value."""
    for face, caption in corpus[split]:
        text, said = caption.text, caption.mentioned
        t = tokens(text)
        where = f"{said} :: {text}"
        assert read_gender(t) == ({said["gender"]} if "gender" in said else set()), where
        skin = read_skin(t)
        if "skin_tone" in said:
            assert skin == {said["skin_tone"]}, where
        else:
            assert not skin and not {"skin", "complexion"} & set(t), where
        assert read_hair_colour(t) == ({said["hair_color"]} if "hair_color" in said else set()), where
        assert read_eye_colour(t) == ({said["eye_color"]} if "eye_color" in said else set()), where
        assert read_background(t) == ({said["background"]} if "background" in said else set()), where
        if "background" not in said:
            assert not BACK_NOUNS & set(t), where
        hats, earrings = HATS & set(t), EARRINGS & set(t)
        accessories = said.get("accessories")
        if accessories is None:
            assert not hats and not earrings, where
        elif accessories == "hat":
            assert hats and not earrings, where
        elif accessories == "earrings":
            assert earrings and not hats, where
        else:
            assert (hats or earrings) and NEGATION & set(t), where
        sun, glasses = SUN & set(t), GLASSES & set(t)
        eyewear = said.get("eyewear")
        if eyewear is None:
            assert not sun and not glasses, where
        elif eyewear == "sunglasses":
            assert sun, where
        elif eyewear == "glasses":
            assert glasses and not sun, where
        else:
            assert not sun and (NEGATION & set(t) or "glasses-free" in t), where
        facial = (BEARD | MOUSTACHE | SHAVEN) & set(t)
        facial |= {"shaved" for i, w in enumerate(t) if w == "shaved" and t[i + 1:i + 2] != ["head"]}
        value = said.get("facial_hair")
        if value is None:
            assert not facial, where
        elif value == "beard":
            assert BEARD & set(t) and not MOUSTACHE & set(t), where
        elif value == "moustache":
            assert MOUSTACHE & set(t) and not BEARD & set(t), where
        else:
            assert facial and (NEGATION & set(t) or SHAVEN & set(t) or "shaved" in facial), where
        age = read_age(text, t)
        assert age <= ({said["age"]} if "age" in said else set()), where


def test_colour_words_go_to_their_noun() -> None:
    """"a black woman with curly hair" states skin, "black curly hair" states hair, clothes state neither."""
    face = {"gender": "woman", "age": "young", "skin_tone": "dark", "hair_color": "black", "hair_style": "curly",
            "eye_color": "brown", "eyewear": "none", "facial_hair": "none", "expression": "smiling",
            "face_shape": "oval", "accessories": "earrings", "background": "purple"}
    for seed in range(300):
        rng = np.random.default_rng(seed)
        t = tokens(describe_like_people(face, ["gender", "skin_tone", "hair_style"], rng))
        assert read_skin(t) <= {"dark"} and not read_hair_colour(t)
        t = tokens(describe_like_people(face, ["gender", "hair_color", "hair_style"], rng))
        assert read_hair_colour(t) == {"black"} and not read_skin(t)


def test_colours_of_other_things_are_frequent(corpus) -> None:
    """Clothes and make-up colours appear often; sometimes the face's own colour, never read as it."""
    clothing = (r"(shirt|t-shirt|jacket|hoodie|sweater|jumper|blazer|coat|lipstick|scarf|collar|tie|eyeliner|dress|"
                r"blouse|top|cardigan|fleece|turtleneck|vest|sweatshirt|necklace|cap|hat|beanie|beret|earrings|studs|"
                r"hoops)")
    colour = r"\b(red|blue|black|white|green|yellow|grey|brown|purple|pink|orange|navy)\s+(?:\w+\s+)?"
    with_colour = same_colour = 0
    for face, caption in corpus["train"]:
        found = re.findall(colour + clothing + r"\b", caption.text.lower())
        with_colour += bool(found)
        own = {face["hair_color"], face["eye_color"], face["background"]}
        same_colour += any(colour in own for colour, _ in found)
    assert with_colour > 0.3 * N_FACES
    assert same_colour > 0.05 * N_FACES


@pytest.mark.parametrize("split", PEOPLE_SPLITS)
def test_length_and_sentences(corpus, split) -> None:
    lengths = np.array([len(c.text.split()) for _, c in corpus[split]])
    assert 0.20 <= (lengths > 64).mean() <= 0.60
    assert lengths.max() <= 130
    assert (lengths <= 8).mean() >= 0.03
    for _, caption in corpus[split]:
        assert len(re.findall(r"[.!?](?=\s|$)", caption.text)) <= 5, caption.text


def test_informal_spelling_and_styles_occur(corpus) -> None:
    texts = [c.text for _, c in corpus["train"]]
    assert sum(" w/ " in t for t in texts) > 10
    assert sum(bool(re.search(r"\b(doesnt|isnt|hes|shes|its|theyre|wasnt)\b", t)) for t in texts) > 10
    assert sum(t.startswith(("I saw", "I remember", "The person I saw")) for t in texts) > 20
    for word in ("nose", "lips", "eyebrows", "forehead", "chin", "lipstick", "photo", "teacher", "thirties",
                 "forties", "cap", "beret", "female", "dude", "clean-shaven", "not smiling"):
        assert any(re.search(rf"\b{word}\b", t.lower()) for t in texts), word


def test_held_out_wordings_never_in_train(corpus) -> None:
    phrases = held_out_phrases()
    assert len(phrases) > 60
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(p.lower()) for p in phrases) + r")(?![\w-])")
    rng = np.random.default_rng(5)
    extra = []
    for _ in range(500):  # also every attribute at once, so rarely stated ones get worded often
        face = sample_attributes(rng)
        stated = [n for n in ATTRIBUTES if not (n == "facial_hair" and face["gender"] == "woman")]
        extra.append(describe_like_people(face, stated, rng, "train"))
    for text in [c.text for _, c in corpus["train"]] + extra:
        low = text.lower()
        assert not pattern.search(low), (pattern.findall(low), text)
    para = " ".join(c.text.lower().replace("'", "") for _, c in corpus["paraphrase"])
    for (name, value), held in held_out_by_value().items():
        assert held, f"{name}={value} has no held-out wording"
        assert any(h.lower().replace("'", "") in para for h in held), (name, value, held)


@pytest.mark.parametrize("split", PEOPLE_SPLITS)
def test_every_value_is_stated(corpus, split) -> None:
    seen = {(n, v) for _, c in corpus[split] for n, v in c.mentioned.items()}
    for name, values in ATTRIBUTES.items():
        for value in values:
            assert (name, value) in seen, (name, value)


def test_choose_stated_rates() -> None:
    rng = np.random.default_rng(11)
    counts: dict[str, int] = {}
    sizes = []
    for _ in range(N_FACES):
        face = sample_attributes(rng)
        stated = choose_stated(face, rng)
        sizes.append(len(stated))
        for name in stated:
            counts[name] = counts.get(name, 0) + 1
        assert len(set(stated)) == len(stated) <= 9
    share = {name: counts.get(name, 0) / N_FACES for name in ATTRIBUTES}
    assert share["gender"] > 0.8 and share["hair_color"] > 0.5 and share["age"] > 0.45
    assert share["eye_color"] < 0.25 and share["face_shape"] < 0.25
    assert 0.15 < share["background"] < 0.45
    assert min(sizes) == 0 and max(sizes) <= 9


def test_nothing_stated_still_describes_the_person() -> None:
    for seed in range(100):
        rng = np.random.default_rng(seed)
        face = sample_attributes(rng)
        for split in PEOPLE_SPLITS:
            text = describe_like_people(face, [], rng, split)
            t = tokens(text)
            assert len(t) >= 2
            assert not read_gender(t) and not read_skin(t) and not read_hair_colour(t), text
            assert not read_eye_colour(t) and not read_background(t) and not read_age(text, t), text
            assert not (HATS | EARRINGS | SUN | GLASSES | BEARD | MOUSTACHE | SHAVEN) & set(t), text


def test_bad_input_is_refused() -> None:
    rng = np.random.default_rng(0)
    face = sample_attributes(rng) | {"gender": "woman", "facial_hair": "none"}
    with pytest.raises(ValueError):
        describe_like_people(face, ["facial_hair"], rng)
    with pytest.raises(ValueError):
        describe_like_people(face, ["gender"], rng, split="test")
