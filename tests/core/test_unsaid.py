"""The unsaid-attribute terms (diversity, marginals, codes): targets from real labels, losses, and the trainer's use."""

import dataclasses
import itertools
import json
import math
from collections import Counter

import numpy as np
import pytest
import torch

from core.training import unsaid as unsaid_module
from core.training.trainer import Trainer
from core.training.unsaid import UnsaidTargets, unsaid_code_loss, unsaid_diversity_loss, unsaid_marginal_loss
from tests.conftest import make_toy_dataset, tiny_config

TABLE = {"facial_hair": ("beard", "none"), "gender": ("man", "woman"), "hair": ("black", "red")}
#: A tiny attribute reader for trainer tests (the unsaid terms need one).
READER = dict(reader_steps=4, reader_weight=1.0, reader_batch=6, reader_width=4)


def _faces() -> list[dict[str, str]]:
    """20 men, half bearded, half red-haired; 20 women, none bearded, three in four black-haired."""
    men = [{"gender": "man", "facial_hair": "beard" if i % 2 else "none", "hair": "red" if i < 10 else "black"}
           for i in range(20)]
    women = [{"gender": "woman", "facial_hair": "none", "hair": "red" if i < 5 else "black"} for i in range(20)]
    return men + women


def test_targets_are_real_faces_agreement_given_what_the_caption_states():
    targets, unsaid = UnsaidTargets(TABLE, _faces()).for_captions([{"gender": "woman"}, {}, {"gender": "man"}])
    assert targets.shape == unsaid.shape == (3, 3)
    # A woman: real women never have a beard (agreement 1: nothing to vary); hair 3:1.
    assert unsaid[0].tolist() == [True, False, True]
    assert targets[0].tolist() == pytest.approx([1.0, 1.0, 0.75 ** 2 + 0.25 ** 2])
    # No caption: every attribute unsaid, marginal frequencies (beards 10 of 40; hair 15 red of 40).
    assert unsaid[1].tolist() == [True, True, True]
    assert targets[1].tolist() == pytest.approx([0.25 ** 2 + 0.75 ** 2, 0.5, (15 / 40) ** 2 + (25 / 40) ** 2])
    assert targets[2].tolist() == pytest.approx([0.5, 1.0, 0.5])


def test_a_description_too_few_real_faces_share_asks_for_nothing(monkeypatch):
    monkeypatch.setattr(unsaid_module, "MIN_MATCHES", 11)
    targets, unsaid = UnsaidTargets(TABLE, _faces()).for_captions(
        [{"gender": "woman", "hair": "red"}, {"gender": "martian"}, {"gender": "man", "hair": "red"}])
    assert not unsaid[:2].any() and torch.equal(targets[:2], torch.ones(2, 3))  # 5 red-haired women; no martians
    assert unsaid[2].tolist() == [False, False, False]  # 10 red-haired men, still under 11


def test_only_agreement_beyond_the_real_faces_costs_and_it_pushes_the_twins_apart():
    names = ["gender", "hair"]
    sure = torch.tensor([[12.0, -12.0]])
    logits = {"gender": sure.clone().requires_grad_(), "hair": sure.clone().requires_grad_()}
    twins_same = {"gender": sure.clone(), "hair": sure.clone()}
    twins_other = {"gender": -sure, "hair": -sure}
    targets = torch.tensor([[0.5, 0.9]])
    only_gender = torch.tensor([[True, False]])
    loss = unsaid_diversity_loss(logits, twins_same, names, targets, only_gender)
    assert loss.item() == pytest.approx(0.5, abs=1e-3)  # agreement ≈ 1, allowed 0.5; hair is said
    loss.backward()
    assert logits["gender"].grad.abs().sum() > 0 and logits["hair"].grad.abs().sum() == 0
    assert unsaid_diversity_loss(logits, twins_other, names, targets, only_gender).item() == pytest.approx(0, abs=1e-3)
    nothing = unsaid_diversity_loss(logits, twins_same, names, targets, torch.zeros(1, 2, dtype=torch.bool))
    assert nothing.item() == 0.0


def test_a_blend_the_reader_is_unsure_of_costs_more_than_a_clearly_drawn_difference():
    names = ["hair"]
    sure, unsure = torch.tensor([[12.0, -12.0]]), torch.zeros(1, 2)
    targets, unsaid = torch.tensor([[0.5]]), torch.tensor([[True]])
    # Two 50/50 blends agree only 0.5 (no excess) but are maximally unsure: cost 1.
    assert unsaid_diversity_loss({"hair": unsure}, {"hair": unsure}, names, targets, unsaid).item() == \
        pytest.approx(1.0, abs=1e-6)
    assert unsaid_diversity_loss({"hair": sure}, {"hair": -sure}, names, targets, unsaid).item() < 1e-3


def test_the_trainer_logs_the_term_only_when_asked_and_it_needs_the_reader(tmp_path):
    def logged(run: str) -> list[dict]:
        return [json.loads(line) for line in (tmp_path / run / "metrics.jsonl").read_text().splitlines()]

    Trainer(tmp_path / "plain", tiny_config(stage_images=16, batch=8, **READER), make_toy_dataset(32)).train()
    assert all("unsaid_diversity" not in line for line in logged("plain"))
    trainer = Trainer(tmp_path / "varied", tiny_config(stage_images=16, batch=8, unsaid_diversity_weight=1.0,
                                                       **READER), make_toy_dataset(32))
    trainer.train()
    values = [line["unsaid_diversity"] for line in logged("varied") if "unsaid_diversity" in line]
    assert values and all(math.isfinite(v) and 0 <= v <= 2 for v in values)  # excess agreement + doubt, each ≤ 1
    assert trainer.unsaid.names == list(trainer.reader.table)
    with pytest.raises(ValueError, match="unsaid_diversity_weight needs the attribute reader"):
        tiny_config(unsaid_diversity_weight=1.0)
    with pytest.raises(ValueError, match="unsaid_diversity_weight must be 0 or more, got -1"):
        tiny_config(unsaid_diversity_weight=-1.0, **READER)


def test_marginal_targets_are_real_value_frequencies_and_the_loss_matches_the_batch_to_them():
    targets = UnsaidTargets(TABLE, _faces())
    captions = [{"gender": "woman"}, {"gender": "man", "hair": "red"}]
    freq = targets.frequencies(captions)
    _, unsaid = targets.for_captions(captions)
    assert freq["hair"][0].tolist() == pytest.approx([0.75, 0.25])  # women: 15 black, 5 red
    assert freq["facial_hair"][1].tolist() == pytest.approx([0.5, 0.5])  # red-haired men: half bearded
    assert freq["hair"][1].tolist() == [0.0, 0.0] and not unsaid[1, 2]  # stated: no target
    # The batch draws black hair for the woman with certainty where real women have it 3 in 4 times.
    logits = {"facial_hair": torch.tensor([[0.0, 9.0], [0.0, 0.0]]), "gender": torch.zeros(2, 2),
              "hair": torch.tensor([[9.0, -9.0], [0.0, 0.0]], requires_grad=True)}
    loss = unsaid_marginal_loss(logits, freq, unsaid)
    # Attributes with unsaid cells: facial hair (the woman, unbearded like every real woman, and the
    # man, even odds like real red-haired men: drawn as wanted, KL ≈ 0) and hair (the woman only).
    black = torch.tensor([9.0, -9.0]).softmax(-1)
    expected_hair = 0.75 * math.log(0.75 / black[0]) + 0.25 * math.log(0.25 / black[1])
    assert loss.item() == pytest.approx(expected_hair / 2, rel=1e-4)
    loss.backward()
    assert logits["hair"].grad[0, 1] < 0  # more red for the woman lowers it
    matched = {**logits, "hair": torch.tensor([[math.log(3.0), 0.0], [0.0, 0.0]])}
    assert unsaid_marginal_loss(matched, freq, unsaid).item() == pytest.approx(0.0, abs=1e-6)
    nothing = unsaid_marginal_loss(logits, freq, torch.zeros_like(unsaid))
    assert nothing.item() == 0.0


def _trained_log(run_dir, **weights) -> list[dict]:  # noqa: ANN001 - a pytest tmp_path
    """The metrics lines of a tiny run with the reader and ``weights``."""
    Trainer(run_dir, tiny_config(stage_images=16, batch=8, **weights, **READER), make_toy_dataset(32)).train()
    return [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]


def test_the_trainer_logs_the_marginal_term_when_asked(tmp_path):
    lines = _trained_log(tmp_path / "run", unsaid_marginal_weight=1.0)
    values = [line["unsaid_marginal"] for line in lines if "unsaid_marginal" in line]
    assert values and all(math.isfinite(v) and v >= 0 for v in values)
    assert all("unsaid_diversity" not in line for line in lines)
    with pytest.raises(ValueError, match="unsaid_marginal_weight needs the attribute reader"):
        tiny_config(unsaid_marginal_weight=1.0)


def _grid(points: int, columns: int):
    """Every combination of ``points`` evenly spaced uniforms (cell midpoints) in ``columns`` columns."""
    axis = [(k + 0.5) / points for k in range(points)]
    return np.array(list(itertools.product(axis, repeat=columns)))


def test_the_noise_codes_unsaid_attributes_jointly_as_real_faces_have_them():
    targets = UnsaidTargets(TABLE, _faces())
    uniforms = _grid(12, 3)  # 1,728 faces from a caption that says nothing
    values, coded = targets.complete([{}] * len(uniforms), uniforms)
    assert values.shape == coded.shape == (1728, 3) and bool(coded.all())
    drawn = Counter(tuple(TABLE[name][v] for name, v in zip(TABLE, row)) for row in values.tolist())
    real = Counter((face["facial_hair"], face["gender"], face["hair"]) for face in _faces())
    # The real joint exactly (each real combination 1728/40 times per face): no bearded woman.
    assert drawn == Counter({combo: count * 1728 // 40 for combo, count in real.items()})
    assert not any(combo[:2] == ("beard", "woman") for combo in drawn)


def test_stated_attributes_are_not_coded_and_condition_the_rest():
    targets = UnsaidTargets(TABLE, _faces())
    uniforms = _grid(4, 3)
    values, coded = targets.complete([{"gender": "woman"}] * len(uniforms), uniforms)
    assert coded.tolist() == [[True, False, True]] * len(uniforms)
    assert (values[:, 1] == -1).all()
    assert (values[:, 0] == TABLE["facial_hair"].index("none")).all()  # real women: never bearded
    assert values[:, 2].tolist().count(TABLE["hair"].index("red")) == len(uniforms) // 4  # 5 red of 20
    same = targets.complete([{"gender": "woman"}], uniforms[:1])
    assert torch.equal(same[0][0], values[0])  # a face's code depends on its own noise only


def test_coding_stops_where_too_few_real_faces_share_the_description(monkeypatch):
    monkeypatch.setattr(unsaid_module, "MIN_MATCHES", 11)
    targets = UnsaidTargets(TABLE, _faces())
    uniforms = [[0.9, 0.5, 0.5], [0.9, 0.5, 0.5]]
    values, coded = targets.complete([{"gender": "woman", "hair": "red"}, {"gender": "man"}], uniforms)
    assert not coded[0].any()  # five red-haired women
    # A man: facial hair from 20 men (u = 0.9: none, the second value), then hair among the 10
    # unbearded men — under 11, so coding stops there.
    assert coded[1].tolist() == [True, False, False] and values[1, 0] == TABLE["facial_hair"].index("none")


def test_the_code_term_is_the_readers_cross_entropy_on_the_coded_values():
    logits = {"facial_hair": torch.tensor([[2.0, -1.0], [0.5, 0.5]], requires_grad=True),
              "gender": torch.tensor([[0.0, 3.0], [1.0, -1.0]], requires_grad=True),
              "hair": torch.zeros(2, 2, requires_grad=True)}
    values = torch.tensor([[1, -1, 0], [0, 1, -1]])
    coded = values >= 0
    loss = unsaid_code_loss(logits, values, coded)
    ce = torch.nn.functional.cross_entropy
    expected = (ce(logits["facial_hair"], torch.tensor([1, 0]), reduction="sum")
                + ce(logits["gender"][1:], torch.tensor([1]), reduction="sum")
                + ce(logits["hair"][:1], torch.tensor([0]), reduction="sum")) / 4
    assert loss.item() == pytest.approx(expected.item(), rel=1e-6)
    loss.backward()
    assert logits["facial_hair"].grad[0, 1] < 0  # more of the coded value lowers it
    assert logits["gender"].grad[0].abs().sum() == 0 and logits["hair"].grad[1].abs().sum() == 0  # uncoded
    nothing = unsaid_code_loss(logits, values, torch.zeros_like(coded))
    assert nothing.item() == 0.0


def test_the_trainer_logs_the_code_term_and_checks_its_settings(tmp_path):
    lines = _trained_log(tmp_path / "run", unsaid_code_weight=1.0)
    values = [line["unsaid_code"] for line in lines if "unsaid_code" in line]
    assert values and all(math.isfinite(v) and v >= 0 for v in values)
    with pytest.raises(ValueError, match="unsaid_code_weight needs the attribute reader"):
        tiny_config(unsaid_code_weight=1.0)
    with pytest.raises(ValueError, match="unsaid_code_weight must be 0 or more"):
        tiny_config(unsaid_code_weight=-1.0)
    config = tiny_config(unsaid_code_weight=1.0, **READER)
    narrow = config.replace(model=dataclasses.replace(config.model, noise_dim=1))  # toy faces: 2 attributes
    with pytest.raises(ValueError, match="codes 2 attributes in the noise, but noise_dim is 1"):
        Trainer(tmp_path / "narrow", narrow, make_toy_dataset(32))
