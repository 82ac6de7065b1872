"""The ``t2f`` command line: success paths write files, bad input gives one-line errors."""

import json
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


def test_generate_says_which_words_it_read_as_others(tiny_run, tmp_path, capsys):
    assert main(["generate", "a crimson square", "-o", str(tmp_path / "f.png"), "--model", str(tiny_run)]) == 0
    assert "note: read “crimson” as “red”" in capsys.readouterr().err
    assert main(["generate", "a red square", "-o", str(tmp_path / "f.png"), "--model", str(tiny_run)]) == 0
    assert "note:" not in capsys.readouterr().err


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


def test_bundled_preset_turns_its_attribute_reader_off_for_unlabelled_folders(capsys):
    from core.cli.main import build_parser
    from core.cli.train import build_config

    parser = build_parser()
    synthetic = build_config(parser.parse_args(["train", "--preset", "bundled"]))
    assert (synthetic.train.reader_steps, synthetic.train.reader_weight) == (800, 5.0)
    assert capsys.readouterr().err == ""
    folder = build_config(parser.parse_args(["train", "--preset", "bundled", "--data", "/data/faces"]))
    assert (folder.train.reader_steps, folder.train.reader_weight) == (0, 0.0)
    assert "attribute reader is off: /data/faces has no attribute labels" in capsys.readouterr().err


def test_train_options_reach_the_run_config():
    from core.cli.main import build_parser
    from core.cli.train import build_config

    args = build_parser().parse_args(["train", "--preset", "tiny", "--mixed-precision", "bf16", "--gp-every", "2"])
    config = build_config(args)
    assert (config.train.mixed_precision, config.train.gp_every) == ("bf16", 2)
    assert build_config(build_parser().parse_args(["train", "--preset", "tiny"])).train.mixed_precision == "off"


def test_t2f_train_end_to_end_on_synthetic_faces(tmp_path):
    from core.model.t2f import T2F

    run = tmp_path / "run"
    code = main(["train", "--preset", "tiny", "--resolution", "16", "--data", "synthetic", "--synthetic-count", "200",
                 "--stage-images", "160", "--batch-sizes", "16", "--run-dir", str(run), "--quiet"])
    assert code == 0
    lines = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert lines[-1]["images_seen"] >= 3 * 160 and all(
        abs(v) < 1e6 for line in lines for k, v in line.items() if k.endswith("_loss"))
    assert list((run / "samples").glob("*.png"))
    config = json.loads((run / "config.json").read_text())
    assert config["model"]["vocab_size"] > 0  # chosen from the captions, then recorded
    assert T2F.load(run).generate("a smiling woman", 1).shape == (1, 16, 16, 3)


def test_ctrl_c_during_t2f_train_saves_a_checkpoint(tmp_path):
    import os
    import signal
    import time

    run = tmp_path / "run"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    process = subprocess.Popen([sys.executable, "-m", "core", "train", "--preset", "tiny", "--resolution", "16",
                                "--data", "synthetic", "--synthetic-count", "100", "--stage-images", "100000",
                                "--batch-sizes", "8", "--run-dir", str(run), "--quiet"],
                               stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.time() + 120
    while not (run / "metrics.jsonl").exists() and time.time() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "stopped at step" in err
    assert list((run / "checkpoints").glob("step_*.safetensors"))


def test_t2f_train_resume_last_stage_trains_a_finished_run_longer(tmp_path, capsys):
    run = tmp_path / "run"
    common = ["--quiet"]
    assert main(["train", "--preset", "tiny", "--resolution", "16", "--synthetic-count", "32", "--stage-images", "16",
                 "--batch-sizes", "8", "--run-dir", str(run), *common]) == 0
    # Fades last half a stage: the 16 images of the last stage allow it to grow to 32 in one resume.
    assert main(["train", "--resume", str(run), "--last-stage", "40", *common]) != 0
    assert "can grow from 16 to at most 32 images in one resume, not to 40" in capsys.readouterr().err
    assert main(["train", "--last-stage", "40", "--run-dir", str(tmp_path / "new"), *common]) != 0
    assert "use it with --resume" in capsys.readouterr().err
    assert main(["train", "--resume", str(run), "--last-stage", "32", *common]) == 0
    lines = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert lines[-1]["images_seen"] == 64 and lines[-1]["total_images"] == 64
    assert json.loads((run / "config.json").read_text())["train"]["stage_images"] == [16, 16, 32]
