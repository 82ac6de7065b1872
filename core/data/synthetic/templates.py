"""Sentence templates for captions; a separate set is held out for the ``paraphrase`` split.

Placeholders:

* ``{a}`` / ``{A}``: the person with an article ("a young man" / "A young man");
* ``{the}`` / ``{The}``: the same with "the";
* ``{feat}``: the listed features ("short black hair, blue eyes and a beard");
* ``{pron}`` / ``{Pron}``, ``{has}``: "he"/"she"/"they" and the matching "has"/"have".

Templates in ``*_FEATURES`` need at least one listed feature; ``*_SUBJECT_ONLY`` are used when
every mentioned attribute went into the person ("an old woman"). Background and filler are added
by the caption generator, not the templates, so every template works with or without them.
"""

from __future__ import annotations

TRAIN_FEATURES: tuple[str, ...] = (
    "{A} with {feat}.",
    "A photo of {a} with {feat}.",
    "A picture of {a} with {feat}.",
    "This is {a} with {feat}.",
    "{A} who has {feat}.",
    "{A}. {Pron} {has} {feat}.",
    "The face of {a} with {feat}.",
    "{A} having {feat}.",
    "Portrait of {a} with {feat}.",
    "Close-up of {a} with {feat}.",
    "We see {a} with {feat}.",
    "{The} in the photo has {feat}.",
    "{A} is shown; {pron} {has} {feat}.",
    "Headshot of {a} who has {feat}.",
    "There is {a} with {feat}.",
    "An image of {a} with {feat}.",
    "{A} with {feat} looks at the camera.",
    "{A} featuring {feat}.",
    "{The} has {feat}.",
    "Meet {a} with {feat}.",
    "A face: {a} with {feat}.",
    "{A}, with {feat}.",
    "A close-up portrait of {a} with {feat}.",
    "{A} appears in this photo with {feat}.",
    "The photo shows {a} with {feat}.",
    "In this image we see {a} with {feat}.",
    "A snapshot of {a} with {feat}.",
    "{A} can be seen with {feat}.",
    "This picture shows {a}; {pron} {has} {feat}.",
    "Face of {a}. Notable features: {feat}.",
    "A drawing of {a} with {feat}.",
    "{A} with {feat} is in the picture.",
)

TRAIN_SUBJECT_ONLY: tuple[str, ...] = (
    "{A}.",
    "A photo of {a}.",
    "This is {a}.",
    "Portrait of {a}.",
    "A close-up of {a}.",
)

#: Held out of training and test captions: only the ``paraphrase`` split uses these. Each has a
#: distinctive literal ("Depicted here is", "Behold", ...) so a test can prove it never leaks.
PARAPHRASE_FEATURES: tuple[str, ...] = (
    "Depicted here is {a} sporting {feat}.",
    "Our subject is {a}, who has {feat}.",
    "Captured in this frame: {a} with {feat}.",
    "Take a look at {a} showing off {feat}.",
    "Behold {a}, complete with {feat}.",
    "In this shot {a} presents {feat}.",
    "A likeness of {a}, distinguished by {feat}.",
    "Visible in the frame is {a} boasting {feat}.",
)

PARAPHRASE_SUBJECT_ONLY: tuple[str, ...] = (
    "Depicted here is {a}.",
    "Behold {a}.",
)

TEMPLATE_COUNT = len(TRAIN_FEATURES) + len(TRAIN_SUBJECT_ONLY) + len(PARAPHRASE_FEATURES) + len(PARAPHRASE_SUBJECT_ONLY)
