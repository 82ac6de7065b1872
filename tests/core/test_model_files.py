"""Model files: exact round trips, deterministic images, and files that must be refused."""

import os
import pickle
import shutil

import numpy as np
import pytest
import torch

from core.explore import png_bytes
from core.io import ModelFileError, load_tensors
from core.model.t2f import T2F


def test_save_load_round_trip_is_bit_exact(tiny_model, tmp_path):
    tiny_model.save(tmp_path / "copy")
    loaded = T2F.load(tmp_path / "copy", device="cpu")
    original, restored = tiny_model.state_dict(), loaded.state_dict()
    assert original.keys() == restored.keys()
    assert all(torch.equal(original[k], restored[k]) for k in original)
    assert loaded.info == tiny_model.info and loaded.config == tiny_model.config
    assert np.array_equal(loaded.generate("a red square", 5), tiny_model.generate("a red square", 5))


def test_same_text_and_seed_give_identical_png_bytes(tiny_model, tiny_run):
    again = T2F.load(tiny_run, device="cpu")
    a = png_bytes(tiny_model.generate("a blue stripe", 42)[0])
    b = png_bytes(again.generate("a blue stripe", 42)[0])
    assert a == b
    assert png_bytes(tiny_model.generate("a blue stripe", 43)[0]) != a


def test_generate_shapes_and_broadcasting(tiny_model):
    images = tiny_model.generate("a green square", [1, 2, 3])
    assert images.shape == (3, 16, 16, 3) and images.dtype == np.uint8
    assert tiny_model.generate(["a", "b"], 7).shape[0] == 2
    assert tiny_model.generate("", 0).shape == (1, 16, 16, 3)  # no description still draws


def test_text_changes_only_the_text_part(tiny_model):
    a = tiny_model.latents(["a red square"], [9])
    b = tiny_model.latents(["a yellow stripe"], [9])
    ca = tiny_model.config.ca_dim
    assert torch.equal(a[:, ca:], b[:, ca:]) and not torch.equal(a[:, :ca], b[:, :ca])


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "3"])
def test_bad_seeds_are_refused(tiny_model, seed):
    with pytest.raises(ValueError, match="seed"):
        tiny_model.generate("x", [seed])


def test_negative_truncation_is_refused(tiny_model):
    with pytest.raises(ValueError, match="truncation"):
        tiny_model.generate("x", 1, truncation=-0.5)
    zero = tiny_model.latents(["x"], [1], truncation=0.0)
    assert torch.equal(zero[:, tiny_model.config.ca_dim:], torch.zeros_like(zero[:, tiny_model.config.ca_dim:]))


class _Payload:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


def test_pickle_payload_is_refused_without_running(tiny_run, tmp_path):
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.pt"
    evil.write_bytes(pickle.dumps({"weight": _Payload(marker)}))
    with pytest.raises(ModelFileError, match="refused"):
        load_tensors(evil)
    # Offered as the weights of a model folder:
    folder = tmp_path / "model"
    shutil.copytree(tiny_run / "model", folder)
    (folder / "model.safetensors").write_bytes(evil.read_bytes())
    with pytest.raises(ModelFileError, match=r"model\.safetensors.*refused"):
        T2F.load(folder)
    # And as a torch.save zip file holding an object:
    torch.save({"weight": _Payload(marker)}, folder / "model.safetensors")
    with pytest.raises(ModelFileError, match="refused"):
        T2F.load(folder)
    assert not marker.exists()


def test_corrupt_truncated_and_wrong_files_give_one_line_errors(tiny_run, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(tiny_run / "model", folder)
    weights = folder / "model.safetensors"
    good = weights.read_bytes()
    cases = {
        "truncated": good[: len(good) // 2],
        "empty": b"",
        "garbage": b"\x12\x00\x00\x00\x00\x00\x00\x00not json at all" + b"\x00" * 50,
    }
    for name, data in cases.items():
        weights.write_bytes(data)
        with pytest.raises(ModelFileError) as info:
            T2F.load(folder)
        message = str(info.value)
        assert "model.safetensors" in message and "\n" not in message, name
    weights.write_bytes(good)
    (folder / "config.json").write_text("{ not json")
    with pytest.raises(ModelFileError, match=r"config\.json.*not valid JSON"):
        T2F.load(folder)


def test_wrong_architecture_is_named(tiny_run, tmp_path):
    import json

    folder = tmp_path / "model"
    shutil.copytree(tiny_run / "model", folder)
    meta = json.loads((folder / "config.json").read_text())
    meta["model"]["channels"] = [c * 2 for c in meta["model"]["channels"]]
    (folder / "config.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="does not match the architecture.*shape mismatch"):
        T2F.load(folder)


def test_not_a_model_folder(tmp_path):
    with pytest.raises(ModelFileError, match="not a model folder"):
        T2F.load(tmp_path)


def test_atomic_writes_leave_readable_files_and_no_temp_files(tmp_path):
    from core.io import atomic_write_text

    target = tmp_path / "a.json"
    atomic_write_text(target, "{}")
    atomic_write_text(target, '{"x": 1}')
    assert target.read_text() == '{"x": 1}'
    assert os.stat(target).st_mode & 0o044  # group/other may read, like any file the user saves
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_safetensors_whose_header_length_starts_like_a_pickle_still_load(tmp_path):
    from core.io import save_tensors

    tensors = {"w": torch.arange(6.0).view(2, 3)}
    for pad in range(300):  # find metadata whose header length's low byte is 0x80
        path = tmp_path / "w.safetensors"
        save_tensors(path, tensors, metadata={"pad": "x" * pad})
        if path.read_bytes()[0] == 0x80:
            break
    else:
        pytest.fail("could not produce a header length ending in 0x80")
    loaded, metadata = load_tensors(path)
    assert torch.equal(loaded["w"], tensors["w"]) and metadata["pad"] == "x" * pad
