"""``t2f data synth | preview | info`` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from core.cli.main import main


def test_synth_writes_a_generic_dataset_that_loads_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "faces"
    assert main(["data", "synth", "--n", "12", "--out", str(out), "--resolution", "32", "--seed", "4",
                 "--workers", "1"]) == 0
    lines = (out / "captions.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 12
    record = json.loads(lines[0])
    assert record["image"] == "images/000000.png" and len(record["texts"]) >= 3
    assert set(record["attributes"]) >= {"gender", "hair_color", "background"}
    assert Image.open(out / record["image"]).size == (32, 32)
    assert "wrote 12 faces" in capsys.readouterr().out

    assert main(["data", "info", str(out), "--resolution", "32", "--cache-dir", str(tmp_path / "cache")]) == 0
    printed = capsys.readouterr().out
    assert "format:     generic" in printed and "loaded 12 images, 60 captions" in printed
    assert "attributes: accessories, age" in printed


def test_synth_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["data", "synth", "--n", "2", "--out", str(tmp_path), "--resolution", "16", "--workers", "1"]
    assert main(args) == 0
    assert main(args) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert main(args + ["--overwrite"]) == 0


def test_preview_synthetic_and_folder(tmp_path: Path, generic_jsonl: Path) -> None:
    sheet = tmp_path / "sheet.png"
    assert main(["data", "preview", "synthetic", "-o", str(sheet), "--n", "6", "--columns", "3"]) == 0
    image = Image.open(sheet)
    assert image.size[0] == 3 * (128 + 8) + 8 and image.size[1] > 2 * 128
    folder_sheet = tmp_path / "folder.png"
    assert main(["data", "preview", str(generic_jsonl), "-o", str(folder_sheet), "--resolution", "32",
                 "--cache-dir", str(tmp_path / "cache")]) == 0
    assert Image.open(folder_sheet).size[0] == 8 * (128 + 8) + 8


def test_info_verbose_lists_every_problem(generic_jsonl: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "info", str(generic_jsonl), "-v", "--cache-dir", str(tmp_path / "cache")]) == 0
    out = capsys.readouterr().out
    assert "skipped images/truncated.jpg: unreadable image" in out
    assert "converted images/cmyk.jpg: CMYK converted to RGB" in out


@pytest.mark.parametrize("make", ["missing", "unrecognised", "empty"])
def test_bad_folder_is_one_line_and_status_2(make: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "data"
    if make != "missing":
        folder.mkdir()
    if make == "empty":
        (folder / "captions.jsonl").write_text('{"image": "x.png", "text": "gone"}\n', encoding="utf-8")
    assert main(["data", "info", str(folder), "--cache-dir", str(tmp_path / "cache")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("t2f data: error:") and "\n" not in err and str(folder) in err


def test_data_without_subcommand_explains(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data"]) == 2
    assert "synth, preview or info" in capsys.readouterr().err
