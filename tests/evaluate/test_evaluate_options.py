"""``t2f evaluate``: every option value its --help admits either works or is refused in one line."""

import json
from pathlib import Path

import pytest

from core.cli.main import main

BUNDLED = Path(__file__).resolve().parents[2] / "resources" / "models" / "default"


def test_one_seed_per_caption_reports_faithfulness_and_says_why_diversity_is_missing(tmp_path, capsys):
    out = tmp_path / "report.json"
    code = main(["evaluate", str(BUNDLED), "--n", "3", "--seeds", "1", "--no-paraphrase", "--json", str(out)])
    assert code == 0
    report = json.loads(out.read_text())
    assert 0 <= report["faithfulness"]["mean"] <= 1
    assert report["diversity"]["generated"] is None
    assert "ratio" not in report["diversity"]
    assert report["quality"]["samples"] == 3
    printed = capsys.readouterr().out
    assert "note: diversity not measured" in printed and "--seeds 2" in printed


def test_a_single_face_skips_quality_with_a_note(capsys):
    code = main(["evaluate", str(BUNDLED), "--n", "1", "--seeds", "1", "--no-paraphrase"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "note: image quality not measured" in printed
    assert "Fréchet" not in printed


@pytest.mark.parametrize("option, message", [
    (["--n", "0"], "argument --n: must be from 1 to 10,000, got 0"),
    (["--n", "x"], "argument --n: expected an integer from 1 to 10,000, got 'x'"),
    (["--seeds", "65"], "argument --seeds: must be from 1 to 64, got 65"),
])
def test_out_of_range_values_are_refused_by_the_parser(option, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["evaluate", *option])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize("option, message", [
    (["--n", "5000", "--seeds", "64"], "320,000 faces is more than one evaluation holds (20,000)"),
    (["--json", "/nonexistent-folder/r.json"], "output folder /nonexistent-folder does not exist"),
    (["--report", "README"], "is a file; give a folder"),
    (["--judge", "nowhere"], "no attribute judge in nowhere"),
])
def test_values_that_cannot_work_are_refused_before_any_work(option, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README").write_text("a file, not a folder")
    # A model path that does not exist: a refusal that came after loading would name it instead.
    code = main(["evaluate", str(tmp_path / "no-model"), "--no-paraphrase", *option])
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
