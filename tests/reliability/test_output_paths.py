"""Outputs go only onto regular files or new paths, in the format their name says (issue 26)."""

from __future__ import annotations

import os
import stat
import time

import pytest
from PIL import Image

from tests.reliability.conftest import requires_root


def _generate(cli, model, output, *extra):
    return cli("generate", "a red man", "--model", model, "-o", output, *extra)


@requires_root("mknod")
def test_generate_refuses_a_device_and_leaves_it_alone(cli, model_folder, tmp_path):
    device = tmp_path / "devnull_clone"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    _generate(cli, model_folder, device).one_line_error(str(device), "character device", "refusing")
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_generate_refuses_a_fifo_and_a_link_to_one(cli, model_folder, tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    link = tmp_path / "link.png"
    link.symlink_to(fifo)
    for target in (fifo, link):
        _generate(cli, model_folder, target).one_line_error(str(target), "FIFO", "refusing")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and link.is_symlink()


def test_generate_refuses_a_folder(cli, model_folder, tmp_path):
    folder = tmp_path / "out.png"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    _generate(cli, model_folder, folder).one_line_error(str(folder), "folder")
    assert (folder / "keep.txt").read_text() == "mine"


@pytest.mark.parametrize(("name", "magic", "fmt"), [("face.jpg", b"\xff\xd8\xff", "JPEG"),
                                                    ("face.JPEG", b"\xff\xd8\xff", "JPEG"),
                                                    ("face.webp", b"RIFF", "WEBP"),
                                                    ("face.png", b"\x89PNG", "PNG")])
def test_generate_writes_the_format_its_extension_names(cli, model_folder, tmp_path, name, magic, fmt):
    output = tmp_path / name
    assert _generate(cli, model_folder, output).code == 0
    assert output.read_bytes().startswith(magic)
    with Image.open(output) as image:
        assert image.format == fmt and image.size == (16, 16)


def test_generate_refuses_an_extension_it_cannot_write(cli, model_folder, tmp_path):
    output = tmp_path / "face.gif"
    _generate(cli, model_folder, output).one_line_error(str(output), "'.gif'", ".png", ".jpg")
    assert not output.exists()


def test_an_absurd_scale_is_refused_in_one_line(cli, model_folder, tmp_path):
    output = tmp_path / "face.png"
    _generate(cli, model_folder, output, "--scale", "100000").one_line_error("--scale", "between 1 and", "100000")
    big = _generate(cli, model_folder, output, "--n", "256", "--scale", "32")
    big.one_line_error("px", "largest")
    assert not output.exists()


def test_interpolate_onto_an_existing_text_file_is_refused_and_keeps_it(cli, model_folder, tmp_path):
    text = tmp_path / "existing.txt"
    text.write_text("my notes\n")
    result = cli("interpolate", "--from", "a", "--to", "b", "--frames", "3", "--model", model_folder, "-o", text)
    result.one_line_error(str(text), "'.txt'", ".gif")
    assert text.read_text() == "my notes\n"


def test_interpolate_png_is_an_animated_png_and_mp4_is_refused(cli, model_folder, tmp_path):
    png = tmp_path / "walk.png"
    args = ("interpolate", "--from", "a red man", "--to", "a blue woman", "--frames", "4", "--model", model_folder)
    assert cli(*args, "-o", png).code == 0
    assert png.is_file()
    with Image.open(png) as image:
        assert image.format == "PNG" and getattr(image, "n_frames", 1) == 4 and image.size == (32, 32)
    video = tmp_path / "walk.mp4"
    cli(*args, "-o", video).one_line_error(str(video), "'.mp4'", ".gif")
    assert not video.exists()
    frames = tmp_path / "frames"
    assert cli(*args, "-o", frames).code == 0
    assert sorted(p.name for p in frames.iterdir()) == [f"frame_{i:03d}.png" for i in range(4)]


def test_old_leftovers_of_interrupted_writes_are_removed_and_nothing_else(cli, model_folder, tmp_path):
    output = tmp_path / "face.png"
    old = tmp_path / ".face.png.k3j4h5g6.tmp"
    fresh = tmp_path / ".face.png.a1b2c3d4.tmp"  # perhaps another writer's, still at work
    other = tmp_path / ".notes.txt.k3j4h5g6.tmp"
    mine = tmp_path / "face.png.tmp"
    for leftover in (old, fresh, other, mine):
        leftover.write_bytes(b"partial")
    hours_ago = time.time() - 2 * 3600
    for leftover in (old, other, mine):
        os.utime(leftover, (hours_ago, hours_ago))
    assert _generate(cli, model_folder, output).code == 0
    assert not old.exists()
    assert fresh.exists() and other.exists() and mine.exists()


def test_preview_never_replaces_a_sheet_with_a_truncated_one(cli_process, tmp_path):
    sheet = tmp_path / "sheet.png"
    good = Image.new("RGB", (8, 8), (10, 200, 30))
    good.save(sheet)
    before = sheet.read_bytes()
    result = cli_process("data", "preview", "synthetic:8", "-o", sheet, "--n", "8", "--resolution", "64",
                         file_size_limit=20_000)
    result.one_line_error(str(sheet), "file size limit", "needs")
    assert sheet.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_evaluate_refuses_special_report_outputs_before_any_work(cli, model_folder, tmp_path):
    fifo = tmp_path / "report.json"
    os.mkfifo(fifo)
    cli("evaluate", model_folder, "--json", fifo).one_line_error(str(fifo), "FIFO")
    report = tmp_path / "report"
    (report / "index.html").mkdir(parents=True)
    cli("evaluate", model_folder, "--report", report).one_line_error(str(report / "index.html"), "folder")


def test_synth_never_opens_a_fifo_in_its_output_and_a_full_disk_is_one_line(cli, tmp_path):
    from tests.reliability.test_run_folder import _file_size_limit

    out = tmp_path / "synth"
    (out / "images").mkdir(parents=True)
    fifo = out / "images" / "000000.png"
    os.mkfifo(fifo)
    cli("data", "synth", "--n", "2", "--out", out, "--workers", "1").one_line_error(str(fifo), "FIFO")
    fifo.unlink()
    with _file_size_limit(8000):
        result = cli("data", "synth", "--n", "2", "--out", out, "--workers", "1")
    result.one_line_error(str(fifo), "file size limit")
    assert not (out / "captions.jsonl").exists()  # the half-made dataset never looks complete
