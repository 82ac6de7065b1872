"""What people say about a face beyond the attribute table, and the frames their sentences take.

Real descriptions spend many words on things the renderer does not draw: the nose and lips, clothes,
make-up, mood, guesses about a job, remarks on the photo. Training on text that contains such talk
teaches the text encoder to read past it, and the colour words in it ("red lipstick", "a black
jacket") teach that a colour belongs to its noun. Nothing here states an attribute of the table:
no hair, eyes, glasses, beard, hat, earrings, skin, smile or background words, and every word that
hints at one (wrinkles, lipstick, "somebody's grandpa") is gated on the true face or on what is
stated (the ``needs`` tag, read by :func:`.people._allowed`).

Markers are those of :mod:`.people_words`, plus ``{col}``/``{col2}`` distractor colours, ``{lip}``
a lipstick colour, ``{garment}`` a piece of clothing, ``{men}`` "men"/"women"/"people" and
``[a|b|c]`` a choice of words.
"""

from __future__ import annotations

#: (template, needs). ``needs``: "" always; "not_young"/"man_short": the true face; "woman": gender
#: stated as woman (make-up);
#: "man_stated", "woman_stated", "young_stated", "old_stated", "man_old", "woman_old": stated values;
#: "necklace": accessories not stated as none; "held": paraphrase split only.
Filler = tuple[str, str]

FEATURES: tuple[Filler, ...] = (
    ("{S} {has} a [big|small|long|straight|slightly crooked|pointy|button|wide|narrow|Roman] nose.", ""),
    ("{P} nose {is1} [a bit big|kind of crooked|small and straight|quite long|pointy|a little wide].", ""),
    ("{S} {has} [thin|full|chapped|narrow|wide|soft-looking] lips.", ""),
    ("{S} {has} [thick|bushy|thin|arched|heavy|neat|dark|strong|very light] eyebrows.", ""),
    ("{P} eyebrows {are} [thick|bushy|thin|very neat|quite heavy|perfectly shaped].", ""),
    ("{S} {has} [straight|slightly crooked|very white|nice|uneven] teeth.", ""),
    ("There {is1} a gap between {P} front teeth.", ""),
    ("{S} {has} a [small|wide|big|small, tidy] mouth.", ""),
    ("{S} {has} a [high|big|broad|wide|smooth] forehead.", ""),
    ("There {are} a few lines on {P} forehead.", "not_young"),
    ("{S} {has} a [dimple|cleft] in {P} chin.", ""),
    ("{S} {has} a small scar on {P} chin.", ""),
    ("{S} {has} [rosy|pink|flushed|slightly red] cheeks.", ""),
    ("{S} {has} high cheekbones.", ""),
    ("{S} {has} [a few|lots of|some] freckles [on {P} nose|across {P} cheeks|on {P} face].", ""),
    ("{S} {has} [wrinkles|crow's feet|laugh lines|deep lines] around {P} eyes.", "not_young"),
    ("{S} {has} a [long|thick|slender] neck.", ""),
    ("{S} {has} a small tattoo on {P} neck.", ""),
    ("{S} {has} [big|small|slightly big|sticking-out] ears.", ""),
    ("{S} {has} a receding hairline.", "man_short"),
    ("{S} {has} [dark circles|bags] under {P} eyes.", ""),
    ("{S} {has} a mole [on {P} cheek|near {P} mouth|above {P} lip].", ""),
    ("{S} {has} [kind|tired|sharp|friendly|warm|intense|gentle] eyes.", ""),
    ("{S} {has} a [big|small|straight|crooked] nose, [thin|full|wide] lips and [thick|thin|neat|bushy] eyebrows.", ""),
    ("You notice {P} [nose|mouth|eyebrows|ears] first, for some reason, and then {P} [chin|forehead|cheekbones].", ""),
)
CLOTHES: tuple[Filler, ...] = (
    ("{S} {is} wearing a {col} {garment}.", ""),
    ("{S} {is} wearing a {col} {garment}.", ""),
    ("{S} {has} on a {col} {garment}.", ""),
    ("{S} {is} in a {col} {garment} with a {col2} collar.", ""),
    ("{S} {is} wearing a {col} {garment} and a {col2} tie.", ""),
    ("There {is1} a {col} scarf around {P} neck.", ""),
    ("{S} {is} wearing a {col} scarf.", ""),
    ("{P} {garment} {is1} {col}.", ""),
    ("I think {S} {is} wearing a {col} {garment}, maybe {col2}.", ""),
    ("You can see a {col} collar.", ""),
    ("{S} {is} dressed all in {col}.", ""),
    ("{S} {is} wearing a [thin gold chain|{col} necklace|necklace].", "necklace"),
    ("{S} {is} wearing a {col} [jacket|cardigan|hoodie|blazer] over a {col2} t-shirt, like {S} just came from work.",
     ""),
    ("{S} {has} on what looks like a {col} {garment} with [big buttons|a zip|a little logo on it].", ""),
)
MAKEUP: tuple[Filler, ...] = (
    ("{S} {is} wearing {lip} lipstick.", "woman"),
    ("{S} {is} wearing {lip} lipstick.", "woman"),
    ("{S} {has} on {lip} lipstick and a bit of mascara.", "woman"),
    ("{S} {is} wearing [a lot of|quite a bit of|a little|no] makeup.", "woman"),
    ("{S} {has} {col} eyeliner on.", "woman"),
    ("{P} makeup {is1} [subtle|quite heavy|minimal|pretty natural].", "woman"),
)
MOOD: tuple[Filler, ...] = (
    ("{S} {seems} tired.", ""),
    ("{S} {looks} [friendly|kind|nice|trustworthy|tired|confident|a little nervous|approachable|clever|tough].", ""),
    ("{S} {looks} like {S} {has} had a long day.", ""),
    ("{S} {seems} [kind of nervous|relaxed|confident|a bit tired|thoughtful|approachable|kind|distracted].", ""),
    ("Seems like a nice person.", ""),
    ("{S} {has} a [friendly|kind|tired|confident|gentle] look about {O}.", ""),
    ("{S} {looks} at the camera as if {S} {has} something to say.", ""),
    ("Something about {O} {is1} familiar.", ""),
    ("Honestly {S} {looks} like the kind of person who would help you carry your shopping up the stairs.", ""),
    ("{S} {has} that look people get when they have been waiting in a queue for far too long.", ""),
    ("{S} {seems} [pleasant enough|a bit distant|easy to talk to], the sort you would ask for directions.", ""),
)
GUESSES: tuple[Filler, ...] = (
    ("{S} might be an actor.", ""),
    ("{S} {looks} like a teacher.", ""),
    ("Could be a lawyer or something.", ""),
    ("{S} {has} the look of a musician.", ""),
    ("Maybe a doctor?", ""),
    ("I'd guess {S} {is} some kind of office worker.", ""),
    ("{S} {looks} like {S} could be on the news.", ""),
    ("Looks like someone who works in a bank.", ""),
    ("{S} could be a [nurse|chef|professor|shop owner|journalist|pilot|footballer|singer|politician|scientist].", ""),
    ("{S} {is} one of those {men} who always look like they're about to tell a joke.", ""),
    ("{S} {is} one of those {men} who look the same for twenty years.", ""),
    ("You know, one of those {men} you see on the train every morning.", ""),
    ("{S} {looks} like somebody's dad.", "man_stated"),
    ("Reminds me of my uncle.", "man_stated"),
    ("Reminds me of my aunt.", "woman_stated"),
    ("{S} could be an actress or a model.", "woman_stated"),
    ("Probably a student.", "young_stated"),
    ("{S} {looks} like a college student.", "young_stated"),
    ("{S} {looks} like a retired teacher.", "old_stated"),
    ("{S} {looks} like somebody's grandpa.", "man_old"),
    ("{S} {looks} like somebody's grandma.", "woman_old"),
    ("I reckon {S} could be a [carpenter|librarian|bus driver].", "held"),
)
PHOTO: tuple[Filler, ...] = (
    ("The picture is a bit dark.", ""),
    ("The photo is kind of blurry.", ""),
    ("It's a close-up, just the face and shoulders.", ""),
    ("Looks like a passport photo.", ""),
    ("The lighting is a bit harsh.", ""),
    ("Taken straight on, head and shoulders.", ""),
    ("Not a great photo, it's a bit grainy.", ""),
    ("It's a headshot.", ""),
    ("The image is cropped just below the chin.", ""),
    ("The photo was taken from slightly below.", ""),
    ("I only saw {O} for a second.", ""),
    ("I'm not totally sure about the details.", ""),
    ("I remember {P} voice more than {P} face, honestly.", ""),
    ("The photo looks like it was taken in an office or maybe a school, with the light coming from one side.", ""),
    ("I couldn't tell you much more than that, it all happened pretty fast.", ""),
    ("If memory serves, {S} {is} wearing a {col} {garment}.", "held"),
)
#: Tacked onto the opening sentence: "A man with a beard, wearing a blue shirt."
CLAUSES: tuple[Filler, ...] = (
    ("wearing a {col} {garment}", ""),
    ("in a {col} {garment}", ""),
    ("with a {col} scarf", ""),
    ("with {lip} lipstick", "woman"),
    ("with a [big|small|crooked|pointy] nose", ""),
    ("with [thick|bushy|thin|arched] eyebrows", ""),
    ("with a {col} collar showing", ""),
)

GARMENTS = ("shirt", "t-shirt", "jacket", "hoodie", "sweater", "jumper", "blazer", "coat", "denim jacket",
            "polo shirt", "turtleneck", "cardigan", "leather jacket", "button-down shirt", "fleece",
            "sweatshirt", "suit jacket", "vest")
WOMEN_GARMENTS = ("blouse", "dress", "top")
#: Colours of clothes and make-up; none is a held-out word of any attribute.
DISTRACTOR_COLORS = ("red", "blue", "black", "white", "green", "yellow", "grey", "brown", "navy", "pink",
                     "orange", "purple", "maroon", "beige", "dark blue", "dark green", "light blue", "bright red")
LIPSTICK = ("red", "red", "bright red", "dark red", "pink", "plum", "purple", "nude", "coral")

#: Opening sentences around the person ``{NP}``.
OPEN_PRESENT = ("{NP}.", "{NP}.", "{NP}.", "A photo of {NP}.", "This is {NP}.", "It's {NP}.",
                "The picture shows {NP}.", "There's {NP}.", "Portrait of {NP}.", "Close-up of {NP}.",
                "I see {NP}.", "{NP} looking at the camera.", "Headshot of {NP}.", "We're looking at {NP}.",
                "Here we have {NP}.", "So this is {NP}.", "Picture of {NP}.", "The person in the photo is {NP}.",
                "In this photo there's {NP}.", "Ok so it's {NP}.")
OPEN_PAST = ("I saw {NP}.", "It was {NP}.", "The person I saw was {NP}.", "I remember {NP}.",
             "{NP} walked past me.", "There was {NP} at the counter.", "{NP} was sitting across from me on the bus.",
             "Yesterday I met {NP}.", "{NP} looked up as I came in.", "{NP} sat across the table from me.",
             "{NP} turned toward the window.")
OPEN_HELD = ("Depicted here is {NP}.", "The sitter is {NP}.", "What I'm describing is {NP}.", "Pictured: {NP}.")
#: Sentences of predicates: ``{X}`` is "p1, p2 and p3".
PRED_FRAMES = ("{S} {X}.", "{S} {X}.", "{S} {X}.", "{S} also {X}.", "I think {S} {X}.", "{S} {X}, I think.",
               "Pretty sure {S} {X}.", "On top of that, {S} {X}.", "And {S} {X}.", "{S} {X}, if I remember right.")
PRED_FRAMES_HELD = ("{S} additionally {X}.", "Moreover, {S} {X}.", "If memory serves, {S} {X}.")
