"""The artefact measure, the Fréchet split and the side-by-side sheet: small sizes, real behaviour."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.cli.main import main
from core.evaluate.artefacts import DetectorPlan, add_goggles, detector_accuracy, drawn_attributes, render_sets
from core.evaluate.judge import AttributeJudge

BUNDLED = Path(__file__).resolve().parents[2] / "resources" / "models" / "default"
needs_bundled = pytest.mark.skipif(not (BUNDLED / "config.json").exists(), reason="no bundled model")


@pytest.fixture(scope="module")
def bundled():
    from core.model.t2f import T2F

    return T2F.load(BUNDLED, device="cpu")


@needs_bundled
def test_the_detector_ranks_real_then_the_bundled_model_then_goggles_painted_on_real_faces(bundled):
    """Real vs real reads near chance; the bundled model's faces give themselves away (its rainbow
    eyes, smeared hair, scrambled features); real faces with rainbow noise painted over the eyes are
    caught at the eyes more surely still, and nowhere else more than by chance."""
    from core.evaluate.captions import synthetic_captions
    from core.evaluate.report import generate_faces

    captions, _ = synthetic_captions("test", 32)
    generated = generate_faces(bundled, [c.text for c in captions], 3)
    drawn = drawn_attributes(AttributeJudge.load().predict(generated))
    real_a = render_sets(drawn, np.random.default_rng(1))
    real_b = render_sets(drawn, np.random.default_rng(2))
    goggles = add_goggles(real_b, np.random.default_rng(3))
    plan = DetectorPlan(steps=200)
    real = detector_accuracy(real_b, real_a, plan)
    model = detector_accuracy(generated, real_a, plan)
    painted = detector_accuracy(goggles, real_a, plan)
    assert real["held_out_faces"] == 24
    assert real["mean"] < 0.62 and real["eyes"] < 0.7, real
    assert model["mean"] > real["mean"] + 0.2 and model["eyes"] > 0.8, model
    assert painted["eyes"] > 0.95 and painted["eyes"] >= model["eyes"], painted
    assert painted["hair"] < 0.7, painted  # the paint is at the eyes only


def test_goggles_cover_only_the_eyes_and_the_detector_checks_its_inputs():
    images = np.zeros((2, 3, 64, 64), np.float32)
    import torch

    painted = add_goggles(torch.from_numpy(images), np.random.default_rng(0))
    changed = (painted != 0).any(1).any(0).nonzero()
    assert 21 <= int(changed[:, 0].min()) and int(changed[:, 0].max()) <= 36  # rows around y ≈ 29
    assert 16 <= int(changed[:, 1].min()) and int(changed[:, 1].max()) <= 48
    assert painted[:, :, 26:32, 22:30].std() > 0.3  # coloured noise, not a flat box
    with pytest.raises(ValueError, match="two B×3×H×W batches of one shape"):
        detector_accuracy(painted, painted[:1])


@needs_bundled
def test_the_frechet_split_is_measured_beside_quality_and_its_drawing_row_is_what_it_says(bundled):
    from core.evaluate.distances import frechet_distance
    from core.evaluate.frechet_split import RENDER_SEED
    from core.evaluate.report import evaluate_model

    judge = AttributeJudge.load()
    report = evaluate_model(bundled, judge, count=12, seeds=2, with_paraphrase=False, artefacts=False,
                            split_frechet=True)
    split = report["frechet_split"]
    assert split["distances"]["total"] == pytest.approx(report["quality"]["frechet_judge"], abs=1e-3)
    assert split["real_vs_real"] == pytest.approx(report["quality"]["frechet_real_vs_real"], abs=1e-3)
    generated = report["_images"]["generated"]
    predictions, features = judge.read(generated)
    matched = render_sets(drawn_attributes(predictions), np.random.default_rng(RENDER_SEED))
    assert split["distances"]["drawing"] == pytest.approx(frechet_distance(features, judge.embed(matched)), abs=1e-3)
    for key, value in split["distances"].items():
        assert split["ratios"][key] == pytest.approx(value / split["real_vs_real"], abs=2e-3)
    assert set(split["distances"]) == {"total", "drawing", "mix", "unsaid_from_generator", "stated_from_generator",
                                       "floor"}


def test_the_side_by_side_sheet_puts_the_real_face_first_then_the_seeds():
    from core.evaluate.sheet import side_by_side_sheet

    rng = np.random.default_rng(0)
    real = rng.integers(0, 256, (2, 8, 8, 3), dtype=np.uint8)
    generated = rng.integers(0, 256, (6, 8, 8, 3), dtype=np.uint8)
    sheet = side_by_side_sheet(real, generated, ["a smiling woman", "an old man"])
    assert sheet.shape == (16 + 2 * 20 + 4, 4 + 20 + 12 + 3 * 20 + 4 + 420, 3)
    assert np.array_equal(sheet[16 + 4 + 20 : 16 + 4 + 20 + 16, 4:20], real[1].repeat(2, 0).repeat(2, 1))
    x = 4 + 20 + 12 + 2 * 20  # the second caption's third seed
    assert np.array_equal(sheet[16 + 24 : 16 + 40, x : x + 16], generated[5].repeat(2, 0).repeat(2, 1))
    with pytest.raises(ValueError, match="one real face per caption"):
        side_by_side_sheet(real[:1], generated, ["a", "b"])


@needs_bundled
def test_cli_sheet_with_a_persons_own_captions_renders_real_faces_that_fit_them(tmp_path, capsys):
    import json

    captions = tmp_path / "mine.jsonl"
    captions.write_text(json.dumps({"text": "an old man with a grey beard",
                                    "attributes": {"age": "old", "facial_hair": "beard", "hair_color": "grey"}}) + "\n")
    sheet = tmp_path / "side.png"
    assert main(["evaluate", str(BUNDLED), "--captions", str(captions), "--seeds", "2", "--no-artefacts",
                 "--sheet", str(sheet)]) == 0
    assert Image.open(sheet).size == (4 + 132 + 12 + 2 * 132 + 4 + 420, 16 + 132 + 4)
    assert "real beside generated" in capsys.readouterr().out
    from core.evaluate.sheet import real_for_captions

    real = real_for_captions([{"age": "old", "facial_hair": "beard", "hair_color": "grey"}], 64)
    read = drawn_attributes(AttributeJudge.load().predict(real))[0]
    assert (read["age"], read["facial_hair"], read["hair_color"]) == ("old", "beard", "grey")


def test_cli_refuses_a_sheet_path_it_cannot_write_before_any_work(tmp_path, capsys):
    code = main(["evaluate", str(tmp_path / "no-model"), "--sheet", str(tmp_path / "nowhere" / "s.png")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err
