"""Hostile or broken model folders: refused at once in one line, never hung on or allocated (issue 26)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import torch

from core.io import MAX_WEIGHTS_BYTES, ModelFileError, load_tensors, save_tensors


def _info(cli, folder):
    return cli("info", folder)


def test_a_fifo_named_model_safetensors_is_refused_at_once(cli_process, model_copy):
    weights = model_copy / "model.safetensors"
    weights.unlink()
    os.mkfifo(weights)
    result = cli_process("generate", "a man", "--model", model_copy, "-o", model_copy.parent / "f.png", timeout=60)
    result.one_line_error(str(weights), "FIFO", "not a regular file")


@pytest.mark.timeout(30)
def test_a_fifo_named_tokenizer_model_is_refused_at_once(cli, model_copy):
    tokenizer = model_copy / "tokenizer.model"
    tokenizer.unlink()
    os.mkfifo(tokenizer)
    _info(cli, model_copy).one_line_error(str(tokenizer), "FIFO")


@pytest.mark.timeout(30)
def test_a_fifo_checkpoint_is_refused_at_once(tmp_path):
    from core.training.checkpoint import checkpoint_images_seen, load_checkpoint

    fifo = tmp_path / "step_00000010.safetensors"
    os.mkfifo(fifo)
    for read in (load_checkpoint, checkpoint_images_seen):
        with pytest.raises(ModelFileError, match="FIFO"):
            read(fifo)


@pytest.mark.timeout(30)
def test_a_link_to_dev_zero_is_refused_unread(cli, model_copy):
    weights = model_copy / "model.safetensors"
    weights.unlink()
    weights.symlink_to("/dev/zero")
    _info(cli, model_copy).one_line_error(str(weights), "character device")


def test_files_over_the_size_caps_are_refused_unread(cli, model_copy):
    tokenizer = model_copy / "tokenizer.model"
    with open(tokenizer, "r+b") as handle:  # sparse: no disk space used
        handle.truncate(65 * 2**20)
    _info(cli, model_copy).one_line_error(str(tokenizer), "65.0 MiB", "allowed")
    huge = model_copy / "huge.safetensors"
    with open(huge, "wb") as handle:
        handle.truncate(MAX_WEIGHTS_BYTES + 1)
    with pytest.raises(ModelFileError, match="more than the 8.0 GiB"):
        load_tensors(huge)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_weights_are_refused(cli, model_copy, bad):
    weights = model_copy / "model.safetensors"
    tensors, metadata = load_tensors(weights)
    name = next(k for k, v in tensors.items() if v.is_floating_point() and v.numel() > 1)
    tensors[name] = tensors[name].clone()
    tensors[name].view(-1)[1] = bad
    save_tensors(weights, tensors, metadata)
    output = model_copy.parent / "face.png"
    result = cli("generate", "a man", "--model", model_copy, "-o", output)
    result.one_line_error(str(weights), "non-finite", name)
    assert not output.exists()


def _edit_config(folder: Path, edit) -> None:
    path = folder / "config.json"
    meta = json.loads(path.read_text())
    edit(meta)
    path.write_text(json.dumps(meta))


@pytest.mark.timeout(30)
def test_huge_channels_are_refused_before_allocating(cli, model_copy):
    _edit_config(model_copy, lambda m: m["model"].update(channels=[20000] * len(m["model"]["channels"])))
    _info(cli, model_copy).one_line_error("config.json", "'channels'", "4096")
    _edit_config(model_copy, lambda m: m["model"].update(channels=[4096] * len(m["model"]["channels"])))
    _info(cli, model_copy).one_line_error("config.json", "parameters", "the most this application loads")


@pytest.mark.parametrize(("edit", "fragments"), [
    (lambda m: m.update(version="1"), ("config.json", "version", "'1'")),
    (lambda m: m["model"].update(channels=[float(c) + 0.5 for c in m["model"]["channels"]]), ("'channels'",)),
    (lambda m: m["model"].update(ca_dim="32"), ("'ca_dim'", "whole number")),
    (lambda m: m["model"].update(text_summary=3), ("'text_summary'", "text")),
    (lambda m: m.update(model=[1, 2]), ("\"model\"", "object")),
    (lambda m: m["info"].update(depth=99), ("'depth'", "0 to 2")),
    (lambda m: m["info"].update(alpha="half"), ("'alpha'",)),
    (lambda m: m.update(max_tokens=-1), ("max_tokens",)),
    (lambda m: m.update(info=None), ("\"info\"",)),
])
def test_wrong_types_in_config_json_are_one_line(cli, model_copy, edit, fragments):
    _edit_config(model_copy, edit)
    _info(cli, model_copy).one_line_error(str(model_copy / "config.json"), *fragments)


def test_a_run_interrupted_between_the_export_renames_still_loads(cli, model_folder, tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.json").write_text("{}")  # a run folder's own config, not a model's
    shutil.copytree(model_folder, run / "model.new")
    shutil.copytree(model_folder, run / "model.old")
    assert _info(cli, run).code == 0  # model/ gone: the complete model.new is used
    shutil.rmtree(run / "model.new")
    assert _info(cli, run).code == 0  # only model.old: still usable
    shutil.rmtree(run / "model.old")
    _info(cli, run).one_line_error(str(run), "not a model folder")


def test_the_interrupted_export_prefers_the_newer_model(model_folder, tmp_path):
    from core.model.t2f import resolve_model_folder

    run = tmp_path / "run"
    shutil.copytree(model_folder, run / "model.new")
    shutil.copytree(model_folder, run / "model.old")
    assert resolve_model_folder(run) == run / "model.new"
    (run / "model.new" / "config.json").unlink()  # an incomplete staging folder is passed over
    assert resolve_model_folder(run) == run / "model.old"
    shutil.copytree(model_folder, run / "model")
    assert resolve_model_folder(run) == run / "model"


def test_a_good_model_still_loads_and_draws(cli, model_folder, tmp_path):
    output = tmp_path / "face.png"
    assert cli("generate", "a red man", "--model", model_folder, "-o", output).code == 0
    assert output.stat().st_size > 0
    assert torch.isfinite(load_tensors(model_folder / "model.safetensors")[0]["generator.to_rgb.0.weight"]).all()
