"""The ``t2f`` command line: success paths write files, bad input gives one-line errors."""

import subprocess
import sys

import pytest
from PIL import Image

from core.cli.main import main


def test_generate_writes_a_png(tiny_run, tmp_path, capsys):
    out = tmp_path / "face.png"
    assert main(["generate", "a red square", "-o", str(out), "--model", str(tiny_run), "--seed", "4", "--n", "4"]) == 0
    with Image.open(out) as image:
        assert image.size[0] > 16
    assert "saved 4 face(s)" in capsys.readouterr().out


def test_generate_empty_text_says_so(tiny_run, tmp_path, capsys):
    assert main(["generate", "  ", "-o", str(tmp_path / "f.png"), "--model", str(tiny_run)]) == 0
    assert "no description" in capsys.readouterr().err


def test_interpolate_writes_a_gif(tiny_run, tmp_path):
    out = tmp_path / "a.gif"
    assert main(["interpolate", "--from", "a red square", "--to", "a green stripe", "--frames", "9",
                 "--model", str(tiny_run), "-o", str(out)]) == 0
    with Image.open(out) as gif:
        assert gif.n_frames == 9


def test_info_describes_the_model(tiny_run, capsys):
    assert main(["info", str(tiny_run)]) == 0
    assert "resolution: 16" in capsys.readouterr().out


@pytest.mark.parametrize("args,message", [
    (["generate", "x", "--n", "0"], "--n must be between 1 and 256"),
    (["generate", "x", "--truncation", "-1"], "must be a finite number"),
    (["generate", "x", "--seed", "-4"], "seed must be between"),
    (["generate", "x", "--seed", "99999999999"], "seed must be between"),
    (["generate", "x", "-o", "/nonexistent-dir/x.png"], "does not exist"),
    (["interpolate", "--from", "a", "--to", "b", "--frames", "1"], "--frames must be between 2 and 240"),
])
def test_bad_input_is_one_line(tiny_run, args, message, capsys):
    code = None
    try:
        code = main(args + ["--model", str(tiny_run)])
    except SystemExit as exit_:
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_missing_model_is_one_line(tmp_path, capsys):
    assert main(["generate", "x", "--model", str(tmp_path / "nope"), "-o", str(tmp_path / "f.png")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_python_m_core_help_runs():
    result = subprocess.run([sys.executable, "-m", "core", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "generate" in result.stdout
