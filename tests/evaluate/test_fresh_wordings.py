"""The fresh-wordings caption set: reproducible from its script, valid, and in words training never used."""

import importlib.util
from pathlib import Path

from core.data.synthetic import SyntheticFaces
from core.evaluate.captions import load_caption_file
from core.text.lexicon import caption_words

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "fresh_wordings.py"
#: Words the fresh set shares with training captions: grammar, body parts and two plain adjectives.
SHARED = {"a", "against", "an", "and", "eyes", "face", "for", "full", "glasses", "hair", "has", "have", "head",
          "jaw", "like", "look", "narrow", "of", "person", "portrait", "skin", "we", "who", "with"}


def _script():
    spec = importlib.util.spec_from_file_location("fresh_wordings", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_file_is_what_the_script_writes_and_every_line_is_valid(tmp_path, monkeypatch):
    script = _script()
    monkeypatch.setattr(script, "OUT", tmp_path / "fresh.jsonl")
    assert script.main() == 0
    shipped = ROOT / "resources" / "captions" / "fresh-wordings.jsonl"
    assert shipped.read_bytes() == (tmp_path / "fresh.jsonl").read_bytes()
    captions = load_caption_file(shipped)  # names and values from the public attribute table
    assert len(captions) == 300 and all(c.attributes for c in captions)


def test_its_words_are_not_training_words_beyond_grammar_and_body_parts():
    faces = SyntheticFaces(400, resolution=64, seed=0)
    training = caption_words(c for i in range(len(faces)) for c in faces.captions(i))
    fresh = caption_words(c.text for c in load_caption_file(ROOT / "resources" / "captions" / "fresh-wordings.jsonl"))
    assert fresh & training <= SHARED
    assert len(fresh - training) > 100
