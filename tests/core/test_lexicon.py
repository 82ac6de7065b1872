"""Word knowledge: the WordNet table builder, the lexicon's links, and reading unknown words."""

import pytest
import torch

from core.io import ModelFileError
from core.model.t2f import T2F
from core.text.lexicon import DEFAULT_LEXICON, Lexicon, Reading, WordReader, adds_a_modifier, caption_words
from core.text.wordnet import build_table, main as build_main, write_table

#: WordNet 3.0's file formats, a handful of synsets (offsets are only keys here).
DATA_ADJ = """  1 This software and database is being provided to you, the LICENSEE, by
00000001 00 a 01 blue 0 000 | of the colour of the sky
00000002 00 s 04 azure 0 cerulean 0 sky-blue 0 bright_blue 0 001 & 00000001 a 0000 | deep blue
00000003 00 a 02 grey 0 gray 0 000 | like ash
00000004 00 a 01 faced 0 001 & 00000005 a 0000 | having a face
00000005 00 s 01 long-faced 0 001 & 00000004 a 0000 | having a long face
"""
DATA_NOUN = """  1 This software and database is being provided to you, the LICENSEE, by
00000010 06 n 01 hat 0 001 @ 00000013 n 0000 | headdress with a brim
00000011 06 n 02 fedora 0 felt_hat 0 001 @ 00000010 n 0000 | a felt hat
00000012 08 n 02 behind 0 buttocks 0 000 | a body part
00000013 06 n 01 headdress 0 000 | clothing for the head
00000014 06 n 01 trilby 0 001 @ 00000011 n 0000 | a fedora of a kind
"""
INDEX_ADJ = """  1 This software and database is being provided to you, the LICENSEE, by
azure a 1 1 & 1 0 00000002
blue a 1 0 1 0 00000001
cerulean a 1 1 & 1 0 00000002
faced a 1 1 & 1 0 00000004
long-faced a 1 1 & 1 0 00000005
grey a 1 0 1 0 00000003
gray a 1 0 1 0 00000003
sky-blue a 1 1 & 1 0 00000002
"""
INDEX_NOUN = """  1 This software and database is being provided to you, the LICENSEE, by
behind n 1 0 1 0 00000012
buttocks n 1 0 1 0 00000012
fedora n 1 1 @ 1 0 00000011
hat n 1 1 @ 1 0 00000010
headdress n 1 0 1 0 00000013
trilby n 1 1 @ 1 0 00000014
"""


@pytest.fixture(scope="module")
def wordnet_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wordnet")
    for name, text in {"data.adj": DATA_ADJ, "data.noun": DATA_NOUN, "index.adj": INDEX_ADJ,
                       "index.noun": INDEX_NOUN, "adj.exc": "bluer blue\n", "noun.exc": "hatz hat\n"}.items():
        (folder / name).write_text(text)
    return folder


@pytest.fixture(scope="module")
def lexicon(wordnet_dir):
    return Lexicon.from_table(build_table(wordnet_dir))


def test_the_table_keeps_single_words_senses_and_links(wordnet_dir):
    table = build_table(wordnet_dir)
    assert "felt_hat" not in table["words"] and "bright_blue" not in table["words"]
    assert "sky-blue" in table["words"]  # hyphenated words are single words
    assert table["exceptions"] == {"bluer": "blue", "hatz": "hat"}
    words = table["words"]
    azure = table["senses"][words.index("azure")]
    assert [[words[i] for i in table["synsets"][s]] for s in azure] == [["azure", "cerulean", "sky-blue"]]
    assert [[words[i] for i in table["synsets"][t]] for t in table["similar"][azure[0]]] == [["blue"]]


def test_related_words_come_synonyms_first_then_similar_then_kinds(lexicon):
    assert lexicon.related("azure") == ["cerulean", "sky-blue", "blue"]
    assert lexicon.related("trilby") == ["fedora", "hat"]  # one step up, then two
    assert lexicon.related("fedora")[:2] == ["hat", "headdress"]
    assert lexicon.base_forms("fedoras") == ["fedora"] and lexicon.base_forms("bluer") == ["blue"]
    assert lexicon.related("zorbly") == []


def test_the_reader_replaces_unknown_words_by_known_ones_and_reports_the_rest(lexicon):
    reader = WordReader(frozenset({"a", "woman", "blue", "eyes", "hat", "grey"}), lexicon)
    reading = reader.read("A woman with Azure eyes, two fedoras behind her and zorbly gray hair.")
    assert reading.text == "A woman with blue eyes, two hat behind her and zorbly grey hair."
    assert reading.replaced == (("Azure", "blue"), ("fedoras", "hat"), ("gray", "grey"))
    assert reading.unknown == ("two", "zorbly", "hair")  # "behind" is a function word, never a body part
    assert reading.describe() == ("read “Azure” as “blue”, “fedoras” as “hat”, “gray” as “grey”; "
                                  "unknown to this model: “two”, “zorbly”, “hair”")
    assert reader.read("a blue hat") == Reading("a blue hat")
    # An unreadable compound is read by its head, its last part; a readable one as a whole.
    assert reader.read("a sea-azure hat").replaced == (("sea-azure", "blue"),)
    assert reader.read("a sky-blue hat").replaced == (("sky-blue", "blue"),)
    assert reader.read("a zorbly-hat").unknown == () and reader.read("a hat-zorbly").unknown == ("hat-zorbly",)
    assert Reading("a blue hat").describe() == ""
    repeated = reader.read("A woman with azure eyes. " * 20)  # a long text names each reading once
    assert repeated.replaced == (("azure", "blue"),) and repeated.describe().count("azure") == 1


def test_a_reading_never_adds_a_modifier_the_writer_did_not_write(lexicon):
    assert lexicon.related("faced") == ["long-faced"]  # WordNet: "faced" is similar to "long-faced"
    reader = WordReader(frozenset({"a", "face", "long-faced"}), lexicon)
    # "fresh-faced" by its head "faced" once read as "long-faced"; it says nothing about length.
    assert reader.read("a fresh-faced man").unknown == ("fresh-faced", "man")
    assert reader.read("a long-faced man").replaced == ()
    assert adds_a_modifier("long-faced", "faced") and adds_a_modifier("faced-up", "faced")
    assert not adds_a_modifier("surfaced", "faced") and not adds_a_modifier("faced", "long-faced")
    # "past" is a preposition, left as written: WordNet's adjective once read "gazing past" as "gazing old".
    assert reader.read("gazing past the camera").unknown == ("gazing", "camera")


def test_the_table_file_round_trips_is_deterministic_and_refuses_what_it_is_not(wordnet_dir, tmp_path, capsys):
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    write_table(build_table(wordnet_dir), first)
    assert build_main([str(wordnet_dir), str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    loaded = Lexicon.load(first)
    assert loaded.words == Lexicon.from_table(build_table(wordnet_dir)).words
    assert loaded.related("trilby") == ["fedora", "hat"] and loaded.base_forms("bluer") == ["blue"]
    assert build_main([str(tmp_path)]) == 2
    assert "is not a WordNet dict folder (no data.adj)" in capsys.readouterr().err
    other = build_table(wordnet_dir) | {"format": "something else"}
    with pytest.raises(ValueError, match="not a T2F lexicon"):
        Lexicon.from_table(other)
    (tmp_path / "broken.npz").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ModelFileError, match="not a readable T2F lexicon"):
        Lexicon.load(tmp_path / "broken.npz")


def test_a_model_reads_with_its_known_words_and_keeps_them_in_its_folder(tiny_model, lexicon, tmp_path):
    model = T2F(tiny_model.config, tiny_model.tokenizer, tiny_model.info)
    model.load_state_dict(tiny_model.state_dict())
    model.known_words = caption_words(["a blue hat", "a grey square"])
    model._word_reader.lexicon = lexicon
    with torch.no_grad():
        assert torch.equal(model.encode_text(["an azure trilby"]), model.encode_text(["an blue hat"]))
    assert model.read("an azure trilby").replaced == (("azure", "blue"), ("trilby", "hat"))
    model.save(tmp_path / "m")
    assert (tmp_path / "m" / "known_words.txt").read_text() == "a\nblue\ngrey\nhat\nsquare\n"
    assert T2F.load(tmp_path / "m", device="cpu").known_words == model.known_words
    assert model.describe()["known_words"] == 5
    (tmp_path / "m" / "known_words.txt").write_bytes(b"blue\n\xff\xfe\n")
    with pytest.raises(ModelFileError, match="known_words.txt: is not UTF-8 text"):
        T2F.load(tmp_path / "m", device="cpu")
    model.known_words = None
    model.save(tmp_path / "plain")
    assert not (tmp_path / "plain" / "known_words.txt").exists()
    assert T2F.load(tmp_path / "plain", device="cpu").read("an azure trilby") == Reading("an azure trilby")
    assert model.describe()["known_words"] is None


def test_the_bundled_model_reads_unseen_synonyms_with_the_shipped_lexicon():
    assert DEFAULT_LEXICON.is_file() and (DEFAULT_LEXICON.parent / "LICENSE-WordNet-3.0").is_file()
    model = T2F.load(DEFAULT_LEXICON.parents[1] / "models" / "default", device="cpu")
    reading = model.read("A woman with azure eyes, spectacles and a fedora.")
    assert reading.text == "A woman with blue eyes, spectacles and a hat."
    assert reading.unknown == ()
