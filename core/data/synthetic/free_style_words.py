"""The words of free-style descriptions (:mod:`core.data.synthetic.free_style`), per attribute value.

Sentence entries read ``"sentence||short form"`` with ``{p}`` (he/she/they), ``{pos}`` (his/her/their),
``{has}``, ``{is_}``, ``{wears}`` filled in. Each :class:`Choice` keeps wordings the train split
uses apart from ``held_out`` ones, which only the held-out split produces.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    train: tuple[str, ...]
    held_out: tuple[str, ...] = ()


def _c(*train: str, held: tuple[str, ...] = ()) -> Choice:
    return Choice(tuple(train), held)


#: Nouns for a person: by gender (None: not stated) and by age ("any": says no age).
GENDER_NOUN = {
    "man": {"any": _c("man", "guy", "gentleman", "male", "fellow", "dude", held=("chap", "bloke")),
            "young": _c("boy", "young man", "teenage boy", "young guy", held=("lad",)),
            "middle-aged": _c("middle-aged man", "middle-aged guy"),
            "old": _c("old man", "elderly man", "grandpa", "old guy", held=("old-timer",))},
    "woman": {"any": _c("woman", "lady", "female", "gal", held=("madam",)),
              "young": _c("girl", "young woman", "teenage girl", "young lady", held=("lass",)),
              "middle-aged": _c("middle-aged woman", "middle-aged lady"),
              "old": _c("old lady", "elderly woman", "granny", "old woman", held=("grandmother",))},
    None: {"any": _c("person", "individual", "someone", held=("human",))},
}
#: Ages: "@word" goes before the noun ("an elderly man"), anything else after it ("in her forties").
AGE_PHRASES = {
    "young": _c("@young", "in {pos} twenties", "in {pos} early twenties", "about 20", "around 25 years old",
                "@youthful", "@teenage", "no older than 25", held=("in {pos} teens", "@adolescent")),
    "middle-aged": _c("@middle-aged", "in {pos} forties", "in {pos} late thirties", "about 45", "around fifty",
                      "in {pos} early forties", "maybe 40 or so", held=("in {pos} mid-forties",)),
    "old": _c("@old", "@elderly", "in {pos} seventies", "about 70", "in {pos} late sixties", "@senior",
              "well over 70", "@retired-looking", held=("in {pos} eighties", "@aged")),
}
SKIN_ADJECTIVE = {
    "pale": _c("white", "pale", "fair-skinned", "light-skinned", held=("porcelain-skinned",)),
    "tan": _c("tanned", "olive-skinned", "tan", held=("bronzed",)),
    "brown": _c("brown-skinned", "brown", held=("caramel-skinned",)),
    "dark": _c("black", "dark-skinned", "very dark-skinned", held=("ebony-skinned",)),
}
SKIN_PHRASE = {
    "pale": _c("pale skin", "a fair complexion", "very light skin", held=("porcelain skin",)),
    "tan": _c("tanned skin", "an olive complexion", "a tan", held=("bronzed skin",)),
    "brown": _c("brown skin", "a brown complexion", "medium brown skin", held=("caramel skin",)),
    "dark": _c("dark skin", "very dark skin", "a dark complexion", held=("ebony skin",)),
}
HAIR_COLOUR = {
    "black": _c("black", "jet-black", "dark", held=("raven",)),
    "brown": _c("brown", "brunette", "chestnut", "dark brown", held=("chocolate-brown",)),
    "blonde": _c("blonde", "blond", "golden", "platinum blonde", held=("flaxen",)),
    "red": _c("red", "ginger", "auburn", "copper", held=("rust-coloured",)),
    "grey": _c("grey", "gray", "silver", "white", held=("salt-and-pepper",)),
}
HAIR_STYLE = {
    "bald": _c("bald", "completely bald", "bald-headed", held=("hairless",)),
    "short": _c("short", "cropped", "buzz-cut", "closely cropped", held=("crew-cut",)),
    "long": _c("long", "shoulder-length", "very long", held=("waist-length",)),
    "curly": _c("curly", "wavy", "frizzy", "tightly curled", held=("ringleted",)),
}
EYE = {
    "brown": _c("brown", "dark brown", "hazel", held=("amber",)),
    "blue": _c("blue", "light blue", "pale blue", held=("steel-blue",)),
    "green": _c("green", "bright green", held=("jade",)),
}
EYEWEAR = {
    "none": _c("{p} {wears} no glasses.||no glasses", "{p} {is_} not wearing glasses.||no glasses",
               held=("{p} {wears} no eyewear.||no eyewear",)),
    "glasses": _c("{p} {wears} glasses.||glasses", "{p} {has} reading glasses on.||reading glasses",
                  "{p} {wears} spectacles.||spectacles", "{p} {wears} thin wire-rimmed glasses.||wire-rimmed glasses",
                  held=("{p} {wears} bifocals.||bifocals",)),
    "sunglasses": _c("{p} {wears} sunglasses.||sunglasses", "{p} {has} dark shades on.||shades",
                     "{p} {is_} wearing sunglasses.||sunglasses", held=("{p} {wears} aviators.||aviators",)),
}
FACIAL_HAIR = {
    "none": _c("{p} {is_} clean-shaven.||clean-shaven", "no beard or moustache.||no beard",
               "{p} {has} no facial hair.||no facial hair", held=("{p} {is_} smooth-shaven.||smooth-shaven",)),
    "moustache": _c("{p} {has} a moustache.||moustache", "{p} {has} a thick mustache.||mustache",
                    "there is a moustache on {pos} upper lip.||moustache", held=("{p} {has} a handlebar tash.||tash",)),
    "beard": _c("{p} {has} a beard.||beard", "{p} {has} a full beard.||full beard", "{p} {has} a goatee.||goatee",
                "{p} {has} a bushy beard.||bushy beard", held=("{p} {has} whiskers all over {pos} jaw.||whiskers",)),
}
EXPRESSION = {
    "smiling": _c("{p} {is_} smiling.||smiling", "{p} {is_} grinning.||grinning", "{p} {is_} laughing.||laughing",
                  "{p} {has} a big smile.||big smile", "{p} {is_} smiling at the camera.||smiling",
                  held=("{p} {is_} beaming.||beaming",)),
    "neutral": _c("{p} {is_} not smiling.||not smiling", "{p} {has} a straight face.||straight face",
                  "{p} {is_} looking serious.||serious", "the expression is blank.||blank expression",
                  held=("{p} {is_} stone-faced.||stone-faced",)),
    "surprised": _c("{p} {is_} looking surprised.||surprised", "{p} {is_} looking shocked.||shocked",
                    "{p} {is_} wide-eyed with surprise.||wide-eyed", "{pos} mouth is open in shock.||shocked",
                    held=("{p} {is_} looking startled.||startled",)),
}
FACE_SHAPE = {
    "round": _c("{p} {has} a round face.||round face", "{pos} face is chubby and round.||chubby round face",
                held=("{p} {has} a moon face.||moon face",)),
    "oval": _c("{p} {has} an oval face.||oval face", "{pos} face is oval.||oval face",
               held=("{pos} face is egg-shaped.||egg-shaped face",)),
    "long": _c("{p} {has} a long, narrow face.||long face", "{pos} face is long and thin.||thin long face",
               held=("{p} {has} an elongated face.||elongated face",)),
    "square": _c("{p} {has} a square jaw.||square jaw", "{p} {has} a strong, angular jaw.||strong jaw",
                 "{pos} face is square.||square face", held=("{p} {has} a blocky jaw.||blocky jaw",)),
}
HAT = _c("cap", "baseball cap", "beanie", "beret", "fedora", "bucket hat", "wool hat", "hat", "cowboy hat",
         held=("stetson", "trilby"))
BACKGROUND = {
    "white": _c("white", "plain white", "off-white", held=("ivory",)),
    "grey": _c("grey", "gray", "light grey", held=("slate",)),
    "blue": _c("blue", "light blue", "sky-blue", held=("cobalt",)),
    "green": _c("green", "light green", "pale green", held=("emerald",)),
    "yellow": _c("yellow", "bright yellow", "mustard", held=("lemon",)),
    "purple": _c("purple", "violet", "lilac", held=("plum",)),
}
#: Colours that belong to clothes or make-up in a description: never a stated attribute.
DISTRACTOR_COLOURS = ("red", "blue", "black", "white", "green", "yellow", "purple", "grey", "brown", "pink",
                      "orange", "navy", "dark", "golden")
CLOTHES = ("shirt", "jacket", "hoodie", "sweater", "scarf", "tie", "blouse", "coat", "t-shirt", "dress", "collar")
OPENERS = _c("{subject} is in the photo.", "this is {subject}.", "the photo shows {subject}.", "i saw {subject}.",
             "{subject}.", "picture of {subject}.", "there is {subject} looking at the camera.", "it's {subject}.",
             "the suspect was {subject}.", "imagine {subject}.", "a portrait of {subject}.",
             held=("meet {subject}.", "we are looking at {subject}."))
#: Sentences about what the renderer does not draw. Every colour here belongs to clothes or make-up.
CHATTER = ("{p} {is_} wearing a {clothes}.", "{pos} lips are painted with {colour} lipstick.",
           "{pos} nose is a bit crooked.", "{p} {has} thick eyebrows and a small chin.",
           "{p} {has} freckles across {pos} cheeks.", "{p} might be an actor, or a teacher.", "{p} {seems} tired.",
           "the picture is a bit blurry.", "{pos} teeth are very straight.", "{pos} ears stick out a little.",
           "{p} {has} a long neck and high cheekbones.", "you can see a {colour} collar.", "{p} {seems} friendly.",
           "{p} {wears} a {clothes} that looks expensive.", "the lighting is harsh.",
           "there is a small scar on {pos} forehead.", "{p} {has} a thin nose and full lips.",
           "{p} {seems} to be in a hurry.", "{pos} eyebrows are raised slightly.", "{p} {wears} {colour} nail polish.")
