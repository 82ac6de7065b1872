"""Word knowledge from outside: pretrained subword vectors that an installed package ships in its wheel.

A model trained only on our captions knows their 189 words; a person writes "lipstick", "beanie" or
"in her forties". With ``ModelConfig.word_vectors`` set, the text encoder reads a description
through a fixed table of pretrained subword vectors, so a word never seen in training still lands
near what it means, and only a small projection onto the LSTM's input is learned.

The vectors come from the ``wordllama`` package (MIT licence): its wheel carries
``weights/l2_supercat_256.safetensors`` (32,000 Llama-2 subword tokens × 256, float16, 16 MB) and the
matching tokenizer. They are read from the installed package's files — nothing is ever downloaded —
and checked against the digest the model was trained with. The model folder keeps only a reference
(its ``tokenizer.model`` is then a small JSON file naming the vectors).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from core.io import ModelFileError, atomic_write_text, read_regular_bytes
from core.text.lexicon import FUNCTION_WORDS, WORD, Reading


@dataclass(frozen=True)
class VectorSource:
    """Where a table of pretrained vectors lives inside an installed package."""

    package: str
    weights: str
    tokenizer: str
    #: SHA-256 of the weights file, so a model never runs on other vectors than it was trained with.
    sha256: str


#: The vector tables a model may name (``ModelConfig.word_vectors``).
SOURCES = {
    "wordllama-256": VectorSource("wordllama", "weights/l2_supercat_256.safetensors",
                                  "tokenizers/l2_supercat_tokenizer_config.json",
                                  "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5"),
}
#: Ids of the subword tokenizer's special tokens (Llama-2's): the start token opens every text and,
#: alone, stands for "no description"; padding reuses <unk>, whose positions the encoder ignores.
START_ID = 1
PAD_ID = 0
#: Longest description read, in subword tokens: 1,000 characters of English are about 250.
DEFAULT_MAX_TOKENS = 384


class WordVectorsMissing(ModelFileError):
    """The package that ships a model's word vectors is not installed (or holds other vectors)."""


@dataclass(frozen=True)
class WordVectors:
    """A loaded table (``V×D`` float32) and its tokenizer."""

    name: str
    table: torch.Tensor
    tokenizer: object  # tokenizers.Tokenizer

    @property
    def dim(self) -> int:
        return self.table.shape[1]


def _package_file(source: VectorSource, relative: str) -> Path:
    try:
        root = importlib.resources.files(source.package)
    except ModuleNotFoundError:
        raise WordVectorsMissing(source.package, f"this model reads words through {source.package}'s vectors; "
                                 f"install it with: pip install {source.package}") from None
    return Path(str(root / relative))


@lru_cache(maxsize=2)
def load_word_vectors(name: str) -> WordVectors:
    """The vectors ``name`` (a key of :data:`SOURCES`), read once per process from the installed package."""
    from safetensors.numpy import load
    from tokenizers import Tokenizer as SubwordModel

    if name not in SOURCES:
        raise ValueError(f"unknown word vectors {name!r}; known: {', '.join(SOURCES)}")
    source = SOURCES[name]
    weights = _package_file(source, source.weights)
    data = read_regular_bytes(weights, 64 * 2**20)
    if hashlib.sha256(data).hexdigest() != source.sha256:
        raise WordVectorsMissing(weights, f"holds other vectors than {name} (a different {source.package} "
                                 f"version?); install the one this model was trained with")
    table = torch.from_numpy(np.asarray(next(iter(load(data).values())), dtype=np.float32))
    tokenizer = SubwordModel.from_str(read_regular_bytes(_package_file(source, source.tokenizer),
                                                         16 * 2**20).decode("utf-8"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return WordVectors(name, table, tokenizer)


def _folded(text: str) -> str:
    """``text`` as the subword tokenizer reads it: lower case, runs of white space as one space."""
    return " ".join(text.lower().split())


class SubwordTokenizer:
    """The tokenizer of a word-vector table, with T2F's tokenizer interface (see
    :class:`core.text.tokenizer.Tokenizer`): case folded, every text starts with the start token,
    an empty text is the start token alone, long texts are cut to ``max_tokens``."""

    #: The id of a piece the vocabulary cannot read (Llama-2's <unk>; its byte fallback makes it rare).
    unk_id = PAD_ID

    def __init__(self, name: str, max_tokens: int = DEFAULT_MAX_TOKENS) -> None:
        self.name = name
        self.vectors = load_word_vectors(name)
        self.max_tokens = max_tokens

    @property
    def vocab_size(self) -> int:
        return self.vectors.table.shape[0]

    @staticmethod
    def is_empty(text: str) -> bool:
        return not text or not text.strip()

    def encode(self, text: str) -> list[int]:
        """Ids for one text: never empty, never longer than ``max_tokens``."""
        if self.is_empty(text):
            return [START_ID]
        return self.vectors.tokenizer.encode(_folded(text)).ids[: self.max_tokens] or [START_ID]

    def characters_read(self, text: str) -> int:
        """How many characters of ``text`` fit in ``max_tokens`` (all of them when it is short enough)."""
        encoding = self.vectors.tokenizer.encode(_folded(text))
        if len(encoding.ids) <= self.max_tokens:
            return len(text)
        return encoding.offsets[self.max_tokens - 1][1]

    def decode(self, ids: Sequence[int]) -> str:
        return self.vectors.tokenizer.decode([i for i in ids if i not in (PAD_ID, START_ID)])

    def batch(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """``(ids B×T, lengths B)`` padded to the longest text in the batch."""
        from core.text.tokenizer import padded_batch

        return padded_batch([self.encode(t) for t in texts], PAD_ID)

    def save(self, path: str | Path) -> None:
        """A model folder's ``tokenizer.model`` for these vectors: a JSON reference, not the table."""
        atomic_write_text(Path(path), json.dumps({"word_vectors": self.name}) + "\n")

    @classmethod
    def load(cls, path: str | Path, name: str, max_tokens: int = DEFAULT_MAX_TOKENS) -> SubwordTokenizer:
        """Check that ``path`` names the vectors ``name`` (the model's config), then load them."""
        try:
            named = json.loads(read_regular_bytes(Path(path), 4096).decode("utf-8")).get("word_vectors")
        except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
            named = None
        if named != name:
            raise ModelFileError(path, f"should name the word vectors {name!r} that config.json names")
        return cls(name, max_tokens)


#: A word is read "near" a training word when their vectors' cosine is at least this; below it the
#: note calls the word unknown to the model (its vector still reaches the encoder).
NEAR = 0.45


def read_by_meaning(text: str, tokenizer: SubwordTokenizer, known: frozenset[str] | None,
                    lexicon_reader: object | None = None) -> Reading:
    """What a word-vector model makes of ``text``: each word its training captions never used, once,
    with the nearest word they did use — or, when no training word is near, the word WordNet links it
    to (``lexicon_reader``, a :class:`core.text.lexicon.WordReader`), which then replaces it in the
    text the encoder reads; else it stays as written (new to the model). And how much of a long text
    it reads.

    Why both: the vectors place common words well ("female" next to "woman") where WordNet misreads
    them ("female" → "person"), and WordNet knows rare words the vectors do not place ("madam",
    "inky"); each is used where it is the better reader.
    """
    cut = tokenizer.characters_read(text)
    reading_end = cut if cut < len(text) else None
    if not known:
        return Reading(text, characters_read=reading_end)
    near, new, replaced, decided = {}, {}, {}, {}
    vectors = _KnownVectors.of(tokenizer, known)
    pieces, end = [], 0
    for match in WORD.finditer(text):
        word = match.group(0)
        lower = word.lower()
        substitute = None
        if lower not in known and lower not in FUNCTION_WORDS and len(lower) >= 3:
            if lower not in decided:
                closest, similarity = vectors.nearest(lower)
                if similarity >= NEAR:
                    decided[lower] = None
                    near.setdefault(lower, closest)
                else:
                    decided[lower] = lexicon_reader.substitute(word) if lexicon_reader is not None else None
                    if decided[lower] is None or decided[lower].lower() == lower:
                        decided[lower] = None
                        new.setdefault(lower)
            substitute = decided[lower]
        pieces.append(text[end:match.start()])
        pieces.append(substitute if substitute is not None else word)
        if substitute is not None:
            replaced.setdefault((word, substitute))
        end = match.end()
    pieces.append(text[end:])
    return Reading("".join(pieces), replaced=tuple(replaced), near=tuple(near.items()), new=tuple(new),
                   characters_read=reading_end)


class _KnownVectors:
    """Unit vectors of a model's known words (mean of their pieces), built once per word set."""

    _cache: dict[tuple[str, frozenset[str]], _KnownVectors] = {}

    def __init__(self, tokenizer: SubwordTokenizer, known: frozenset[str]) -> None:
        self.tokenizer = tokenizer
        self.words = sorted(known)
        self.matrix = torch.stack([self.vector(w) for w in self.words])

    @classmethod
    def of(cls, tokenizer: SubwordTokenizer, known: frozenset[str]) -> _KnownVectors:
        key = (tokenizer.name, known)
        if key not in cls._cache:
            cls._cache = {key: cls(tokenizer, known)}
        return cls._cache[key]

    def vector(self, word: str) -> torch.Tensor:
        ids = self.tokenizer.encode(word)[1:] or [START_ID]
        mean = self.tokenizer.vectors.table[ids].mean(0)
        return mean / mean.norm().clamp_min(1e-8)

    def nearest(self, word: str) -> tuple[str, float]:
        similarities = self.matrix @ self.vector(word)
        best = int(similarities.argmax())
        return self.words[best], float(similarities[best])
