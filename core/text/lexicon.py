"""Read words a model never saw as words it knows, with WordNet's help.

A T2F model learns its words from its training captions only (see :mod:`core.text.wordnet` for
why that fails on unseen synonyms). Before a description reaches the text encoder,
:class:`WordReader` replaces each word outside the model's known words by the closest known word
the lexicon links it to — first a synonym, then an adjective it is *similar to*, then what it is a
*kind of* (one or two steps up), each in WordNet's sense-frequency order — and reports what it
replaced and what it could not read, so the app can show "azure → blue" and "unknown: zorbly".

Closed-class words ("the", "with", "behind") are never replaced: WordNet knows "behind" as a noun
and would read it as a body part.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from core.io import ModelFileError
from core.text.wordnet import LEXICON_FORMAT, pack

DEFAULT_LEXICON = Path(__file__).resolve().parents[2] / "resources" / "lexicon" / "wordnet-3.0.npz"

#: A word as T2F reads captions: letters, optionally joined by hyphens ("sky-blue").
WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")

#: English closed-class words (articles, pronouns, prepositions, conjunctions, auxiliaries and a
#: few adverbs): left as written whether or not a model knows them.
FUNCTION_WORDS = frozenset("""
a about above across after against along also although am among an and any are around as at be
because been before behind being below beneath beside besides between beyond both but by can could
did do does down during each either else even ever every few for from had has have he her here
hers herself him himself his how i if in inside into is it its itself just like may me might more
most much must my myself near neither no nor not of off on once one only onto or other our ours
out outside over own past per perhaps quite rather really same she should since so some such than that
the their theirs them themselves then there these they this those though through throughout to
too toward towards under until up upon us very via was we were what whatever when where whether
which while who whom whose why will with within without would yet you your yours
""".split())


@dataclass(frozen=True)
class Reading:
    """A description as the model will read it."""

    text: str
    #: (as written, read as) for each replaced word, in order of appearance.
    replaced: tuple[tuple[str, str], ...] = ()
    #: Words neither the model nor the lexicon could place (each once, in order of appearance).
    unknown: tuple[str, ...] = ()
    #: (word, nearest training word) for words a word-vector model reads by meaning (each once).
    near: tuple[tuple[str, str], ...] = ()
    #: Words a word-vector model meets for the first time and no training word is close to: it still
    #: reads them through their vectors, with less certainty of what they change (each once).
    new: tuple[str, ...] = ()
    #: Characters of the text the model reads (None: all of them).
    characters_read: int | None = None

    def describe(self) -> str:
        """One line for people, e.g. ``read "azure" as "blue"; unknown: "zorbly"`` (empty if nothing).
        Each word is named once, however often the text repeats it."""
        parts = []
        if self.replaced:
            parts.append("read " + ", ".join(f"“{a}” as “{b}”" for a, b in dict.fromkeys(self.replaced)))
        if self.near:
            parts.append("read by meaning: " + ", ".join(f"“{a}” ≈ “{b}”" for a, b in self.near))
        if self.new:
            parts.append("new to it, read through its word vectors: " + ", ".join(f"“{w}”" for w in self.new))
        if self.unknown:
            parts.append("unknown to this model: " + ", ".join(f"“{w}”" for w in self.unknown))
        if self.characters_read is not None:
            parts.append(f"long description: it reads the first {self.characters_read:,} of "
                         f"{len(self.text):,} characters")
        return "; ".join(parts)

    def sentence(self) -> str:
        """:meth:`describe` as a sentence for a note or tooltip ("Read “azure” as “blue”."); empty if nothing."""
        line = self.describe()
        return f"{line[0].upper()}{line[1:]}." if line else ""


class _Lists:
    """Lists of ints stored flat: ``lists[i]`` is ``values[offsets[i]:offsets[i + 1]]``."""

    def __init__(self, offsets: np.ndarray, values: np.ndarray) -> None:
        self.offsets, self.values = offsets.tolist(), values.tolist()

    def __getitem__(self, i: int) -> list[int]:
        return self.values[self.offsets[i]:self.offsets[i + 1]]


def _lines(array: np.ndarray) -> list[str]:
    text = array.tobytes().decode("utf-8")
    return text.split("\n") if text else []


class Lexicon:
    """WordNet's nouns and adjectives: synonyms, similar adjectives and hypernyms per word."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
        if meta.get("format") != LEXICON_FORMAT:
            raise ValueError(f"not a T2F lexicon (format {meta.get('format')!r})")
        self.source: str = meta.get("source", "")
        self.words = _lines(arrays["words"])
        self._id = {w: i for i, w in enumerate(self.words)}
        self._synsets, self._similar, self._hypernyms, self._senses = (
            _Lists(arrays[f"{name}_offsets"], arrays[f"{name}_values"])
            for name in ("synsets", "similar", "hypernyms", "senses"))
        self._exceptions = dict(line.split(" ", 1) for line in _lines(arrays["exceptions"]))

    @classmethod
    def from_table(cls, table: dict) -> Lexicon:
        """From :func:`core.text.wordnet.build_table`'s dict, without a file."""
        return cls(pack(table))

    @classmethod
    def load(cls, path: Path = DEFAULT_LEXICON) -> Lexicon:
        """Read an ``.npz`` written by :func:`core.text.wordnet.write_table` (no pickles allowed)."""
        try:
            with np.load(path, allow_pickle=False) as archive:
                return cls({name: archive[name] for name in archive.files})
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            raise ModelFileError(path, f"not a readable T2F lexicon ({error})") from None

    def base_forms(self, word: str) -> list[str]:
        """``word`` and the dictionary forms it may inflect (WordNet's exceptions, then its suffix
        rules for nouns and adjectives: "fedoras" → "fedora", "greyer" → "grey")."""
        word = word.lower()
        forms = [word]
        if word in self._exceptions:
            forms.append(self._exceptions[word])
        for suffix, ending in (("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
                               ("men", "man"), ("ies", "y"), ("s", ""), ("est", ""), ("er", ""),
                               ("est", "e"), ("er", "e")):
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                forms.append(word[: -len(suffix)] + ending)
        return [f for f in dict.fromkeys(forms) if f in self._id]

    def related(self, word: str) -> list[str]:
        """Words linked to ``word``, closest first: synonyms, similar adjectives, hypernyms, and
        hypernyms' hypernyms; within each, the word's more frequent senses first."""
        senses = [s for form in self.base_forms(word) for s in self._senses[self._id[form]]]
        levels: list[list[int]] = [senses, [t for s in senses for t in self._similar[s]]]
        levels.append([t for s in senses for t in self._hypernyms[s]])
        levels.append([t for s in levels[2] for t in self._hypernyms[s]])
        found: dict[str, None] = {}
        for level in levels:
            for synset in level:
                for i in self._synsets[synset]:
                    found.setdefault(self.words[i])
        found.pop(word.lower(), None)
        return list(found)

@cache
def default_lexicon() -> Lexicon | None:
    """The lexicon shipped in ``resources/lexicon`` (loaded once), or None when it is absent."""
    return Lexicon.load() if DEFAULT_LEXICON.is_file() else None


def caption_words(texts: Iterable[str]) -> frozenset[str]:
    """The lower-case words of ``texts``: what a model trained on them knows."""
    return frozenset(match.group(0).lower() for text in texts for match in WORD.finditer(text))


def adds_a_modifier(candidate: str, word: str) -> bool:
    """Whether reading ``word`` as ``candidate`` would add a word the writer did not write.

    WordNet links a general adjective to its specific satellites ("faced" is *similar to*
    "long-faced"), so "fresh-faced", read by its head "faced", came out as "long-faced": a long face
    nobody asked for. A compound that is the word plus a modifier is never its reading.
    """
    return candidate.endswith(f"-{word}") or candidate.startswith(f"{word}-")


@dataclass
class WordReader:
    """Reads descriptions with a model's known words and a lexicon (see the module docstring).

    Without a ``lexicon`` the shipped one is loaded the first time a word is not known (about a
    second), so descriptions in the model's own words never wait for it.
    """

    known: frozenset[str]
    lexicon: Lexicon | None = None
    _memo: dict[str, str | None] = field(default_factory=dict, repr=False)

    def substitute(self, word: str) -> str | None:
        """The known word to read ``word`` as (``word`` itself if known); None when there is none."""
        lower = word.lower()
        if lower in self.known or lower in FUNCTION_WORDS:
            return word
        if lower not in self._memo:
            lexicon = self.lexicon or default_lexicon()
            if lexicon is None:
                return None
            forms = lexicon.base_forms(lower)
            known_form = next((f for f in forms if f in self.known), None)
            reading = known_form or next((w for w in lexicon.related(lower)
                                          if w in self.known and not adds_a_modifier(w, lower)), None)
            if reading is None and "-" in lower:  # an English compound's head is its last part:
                reading = self.substitute(lower.rsplit("-", 1)[1])  # "close-cropped" is cropped
            self._memo[lower] = reading
        return self._memo[lower]

    def read(self, text: str) -> Reading:
        pieces, replaced, unknown, end = [], [], {}, 0
        for match in WORD.finditer(text):
            word = match.group(0)
            reading = self.substitute(word)
            pieces.append(text[end:match.start()])
            if reading is None:
                unknown.setdefault(word.lower())
                pieces.append(word)
            else:
                pieces.append(reading)
                if reading != word and (word, reading) not in replaced:
                    replaced.append((word, reading))
            end = match.end()
        pieces.append(text[end:])
        return Reading("".join(pieces), tuple(replaced), tuple(unknown))
