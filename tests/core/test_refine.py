"""core.refine: directions, moves, history, face files, the sheet and the CLI (on the tiny model)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch

from core.io import ModelFileError
from core.refine import (Directions, Refinement, apply_sliders, compute_directions, directions_for, load_face,
                         mean_latent, model_id, save_face, spherical_mean, variations)
from core.refine.sheet import refinement_sheet

SAMPLES = 60


@pytest.fixture(scope="module")
def directions(tiny_model):
    return compute_directions(tiny_model, samples=SAMPLES, seed=3)


def test_directions_are_deterministic_for_a_fixed_seed_and_model(tiny_model, directions, tmp_path):
    again = compute_directions(tiny_model, samples=SAMPLES, seed=3)
    for part in ("condition", "noise"):
        for attr in ("normals", "offsets", "accuracy", "mean", "cov"):
            np.testing.assert_array_equal(getattr(directions.parts[part], attr), getattr(again.parts[part], attr))
    assert torch.equal(directions.step("age=old"), again.step("age=old"))
    other = compute_directions(tiny_model, samples=SAMPLES, seed=4)
    assert not np.array_equal(other.parts["condition"].normals, directions.parts["condition"].normals)
    directions.save(tmp_path / "d.safetensors")
    loaded = Directions.load(tmp_path / "d.safetensors")
    assert torch.equal(loaded.step("expression=smiling"), directions.step("expression=smiling"))


def test_directions_are_stored_beside_the_model_and_found_again(tiny_run, tmp_path, monkeypatch):
    from core.model.t2f import T2F

    folder = tmp_path / "model"
    shutil.copytree(tiny_run / "model", folder)
    model = T2F.load(folder, device="cpu")
    calls = []
    first = directions_for(model, folder, progress=lambda done, total: calls.append((done, total)), samples=SAMPLES)
    assert calls[-1] == (SAMPLES, SAMPLES) and (folder / "directions.safetensors").is_file()
    assert first.meta["model_id"] == model_id(model)
    monkeypatch.setattr("core.refine.store.compute_directions", lambda *a, **k: pytest.fail("computed twice"))
    assert torch.equal(directions_for(model, folder).step("age=old"), first.step("age=old"))
    # A read-only model folder (simulated: these tests may run as root): the user cache is used.
    from core.refine.store import find_directions, store_directions

    monkeypatch.setattr("core.refine.store._writable", lambda folder: False)
    monkeypatch.setenv("T2F_CACHE_DIR", str(tmp_path / "cache"))
    stored = store_directions(first, folder)
    assert stored == tmp_path / "cache" / "directions" / f"{model_id(model)}.safetensors"
    (folder / "directions.safetensors").unlink()
    assert find_directions(model, folder) is not None


def test_a_move_along_a_direction_and_back_returns_the_starting_latent(tiny_model, directions):
    from core.refine import value_keys

    a, b = sorted(value_keys(), key=lambda key: -float(directions.step(key).norm()))[:2]  # values it reads
    face = Refinement.start(tiny_model, "a red square", 5, directions=directions)
    start = face.latent().clone()
    face.set_sliders({a: 2.5, b: -1.3})
    assert not torch.equal(face.latent(), start)
    face.set_sliders({a: 0.7})
    face.set_sliders({a: 0.0, b: 0.0})
    assert torch.equal(face.latent(), start)
    assert torch.equal(apply_sliders(start, {"eyewear=glasses": 0}, directions), start)
    with pytest.raises(ValueError, match="between"):
        face.set_sliders({"age=old": 4})
    with pytest.raises(ValueError, match="age is one of"):
        face.set_sliders({"age=ancient": 1})


def test_variations_keep_the_description_and_move_the_noise_by_strength(tiny_model):
    ca = tiny_model.config.ca_dim
    base = tiny_model.latents(["a red square"], [1])[0]
    near = variations(base, ca, 12, 0.05, seed=9)
    far = variations(base, ca, 12, 1.0, seed=9)
    assert near.shape == (12, base.shape[0])
    assert torch.equal(near[:, :ca], base[:ca].expand(12, -1))
    assert (near[:, ca:] - base[ca:]).norm(dim=1).max() < (far[:, ca:] - base[ca:]).norm(dim=1).min()
    assert torch.equal(variations(base, ca, 12, 0.3, seed=9), variations(base, ca, 12, 0.3, seed=9))


def test_spherical_mean_of_two_is_their_slerp_midpoint_and_stays_on_the_shell():
    from core.explore import slerp

    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(64, generator=g), torch.randn(64, generator=g)
    b = b / b.norm() * a.norm()
    mid = slerp(a, b, torch.tensor([0.5]))[0]
    torch.testing.assert_close(spherical_mean(torch.stack([a, b])), mid, atol=1e-5, rtol=1e-5)
    many = torch.randn(5, 64, generator=g)
    assert abs(spherical_mean(many).norm() - many.norm(dim=1).mean()) < 1e-4
    assert many.mean(0).norm() < 0.6 * many.norm(dim=1).mean()  # the plain mean would shrink


def test_history_undo_redo_and_a_new_step_drops_the_undone(tiny_model, directions):
    face = Refinement.start(tiny_model, "a red square", 5, directions=directions)
    grid = face.variation_bases(8, 0.5)
    face.pick(grid[2])
    face.mean([grid[0], grid[1], grid[3]])
    ca = tiny_model.config.ca_dim
    torch.testing.assert_close(face.base, mean_latent(grid[[0, 1, 3]], ca))
    noise = face.base[ca:].clone()
    face.set_text("a blue stripe")
    assert torch.equal(face.base[ca:], noise) and face.text == "a blue stripe"
    assert [s.kind for s in face.steps] == ["start", "pick", "mean", "description"]
    assert face.undo() and face.undo() and face.index == 1 and torch.equal(face.base, grid[2])
    assert face.redo() and face.current.kind == "mean"
    face.set_sliders({"age=old": 1.0})
    assert [s.kind for s in face.steps] == ["start", "pick", "mean", "sliders"] and not face.can_redo


def test_a_face_file_round_trips_to_identical_pixels(tiny_model, directions, tmp_path):
    face = Refinement.start(tiny_model, "a green stripe", 11, directions=directions)
    face.pick(face.variation_bases(8, 0.4)[3])
    face.set_sliders({"hair_color=red": 1.5})
    path = save_face(tmp_path / "witness", face, model_id(tiny_model), "tiny")
    assert path.suffix == ".t2fface"
    loaded = load_face(path)
    assert loaded.description == "a green stripe" and loaded.sliders == {"hair_color=red": 1.5}
    again = loaded.refinement(tiny_model, directions)
    np.testing.assert_array_equal(again.image(), face.image())
    assert [s.label for s in again.steps] == [s.label for s in face.steps] and again.index == face.index
    assert torch.equal(loaded.latent, face.latent())


@pytest.mark.parametrize("change, message", [
    (lambda d: "not json", "not valid JSON"),
    (lambda d: {**d, "format": "x"}, "not a T2F Desktop face file"),
    (lambda d: {**d, "version": 9}, "version"),
    (lambda d: {**d, "latent": d["latent"][:-8]}, "latent"),
    (lambda d: {**d, "latent": "!!notbase64"}, "base64"),
    (lambda d: {**d, "sliders": {"age=old": "a lot"}}, "sliders"),
    (lambda d: {**d, "current": 99}, "current step"),
    (lambda d: {**d, "history": []}, "history"),
    (lambda d: {**d, "model": {**d["model"], "ca_dim": 10**9}}, "implausible"),
])
def test_broken_face_files_are_refused_with_one_line(tiny_model, tmp_path, change, message):
    face = Refinement.start(tiny_model, "a red square", 1)
    path = save_face(tmp_path / "f.t2fface", face, "id")
    data = change(json.loads(path.read_text()))
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    with pytest.raises(ModelFileError, match=message) as error:
        load_face(path)
    assert "\n" not in str(error.value)


def test_a_pickle_named_like_a_face_is_refused(tmp_path):
    import pickle

    path = tmp_path / "evil.t2fface"
    path.write_bytes(pickle.dumps({"format": "t2f-desktop-face"}))
    with pytest.raises(ModelFileError):
        load_face(path)


def test_the_sheet_shows_the_final_face_large_and_every_step(tiny_model, directions):
    face = Refinement.start(tiny_model, "a red square", 2, directions=directions)
    face.pick(face.variation_bases(8, 0.5)[0])
    sheet = refinement_sheet(face)
    assert sheet.dtype == np.uint8 and sheet.shape[1] == 760 and sheet.shape[0] > 400
    large = np.asarray(face.image()).repeat(20, 0).repeat(20, 1)
    np.testing.assert_array_equal(sheet[60:60 + large.shape[0], 16:16 + large.shape[1]], large)


def test_t2f_edit_and_generate_face_draw_the_same_pixels(tiny_run, tiny_model, tmp_path, capsys):
    from PIL import Image

    from core.cli.main import main

    model_dir = tmp_path / "model"
    shutil.copytree(tiny_run / "model", model_dir)
    directions = directions_for(tiny_model, model_dir, samples=SAMPLES)
    face = Refinement.start(tiny_model, "a red square", 3, directions=directions)
    save_face(tmp_path / "f.t2fface", face, model_id(tiny_model))
    assert main(["edit", str(tmp_path / "f.t2fface"), "--set", "age=old", "--strength", "2", "-o",
                 str(tmp_path / "out.png"), "--save-face", str(tmp_path / "g.t2fface"), "--model", str(model_dir),
                 "--device", "cpu"]) == 0
    assert load_face(tmp_path / "g.t2fface").sliders == {"age=old": 2.0}
    assert main(["generate", "--face", str(tmp_path / "g.t2fface"), "-o", str(tmp_path / "again.png"),
                 "--model", str(model_dir), "--device", "cpu"]) == 0
    edited = np.asarray(Image.open(tmp_path / "out.png"))
    np.testing.assert_array_equal(edited, np.asarray(Image.open(tmp_path / "again.png")))
    face.set_sliders({"age=old": 2.0})
    np.testing.assert_array_equal(edited, face.image())
    assert main(["edit", str(tmp_path / "f.t2fface"), "--set", "age=ancient", "--model", str(model_dir)]) == 2
    assert "age is one of" in capsys.readouterr().err
