"""The objective as data: terms declare their weight, needs and metric; the config, the trainer and
the loss plot all read those declarations."""

import dataclasses
import json

import pytest

from core.config import DataConfig
from core.presets import fit_to_data, preset, without_attribute_reader
from core.training.terms import GENERATOR_TERMS, READER_WEIGHTS, UNSAID_WEIGHTS, active_generator_terms, plot_series
from core.training.trainer import Trainer
from tests.conftest import make_toy_dataset, tiny_config

READER = dict(reader_steps=4, reader_weight=1.0, reader_batch=6, reader_width=4)


def test_a_folder_dataset_turns_off_every_term_that_needs_the_reader():
    recipe = preset("bundled")
    guided = recipe.replace(train=dataclasses.replace(recipe.train, unsaid_marginal_weight=1.0, unsaid_code_weight=2.0,
                                                      unsaid_diversity_weight=0.5, mode_seeking_weight=0.3),
                            data=DataConfig(source="/data/faces"))
    fitted = fit_to_data(guided)  # raised ValueError before: the marginal and code weights were left on
    assert fitted.train.reader_steps == 0
    assert all(getattr(fitted.train, name) == 0.0 for name in READER_WEIGHTS)
    assert fitted.train.mode_seeking_weight == 0.3  # needs no reader: kept
    assert without_attribute_reader(guided).train == fitted.train


@pytest.mark.parametrize("weight", READER_WEIGHTS)
def test_every_reader_term_is_refused_without_a_reader(weight):
    with pytest.raises(ValueError, match=f"{weight} needs the attribute reader: set reader_steps above 0"):
        tiny_config(**{weight: 1.0})


@pytest.mark.parametrize("term", GENERATOR_TERMS, ids=lambda t: t.weight_field)
def test_a_negative_weight_is_refused_by_its_field_name(term):
    with pytest.raises(ValueError, match=f"{term.weight_field} must be 0 or more, got -1.0"):
        tiny_config(**{term.weight_field: -1.0})


def test_terms_declare_distinct_metrics_and_the_reader_rule_once():
    metrics = [t.series.metric for t in GENERATOR_TERMS]
    assert len(set(metrics)) == len(metrics)
    assert set(UNSAID_WEIGHTS) <= set(READER_WEIGHTS)
    always, optional = plot_series()
    assert [s.metric for s in always] == ["d_loss", "g_loss", "gp", "kl", "drift"]
    assert {s.metric for s in optional} == set(metrics) - {"kl"}
    assert all(len(s.label) <= 13 for s in always + optional)  # three legend columns fit


def test_active_terms_follow_the_config_in_their_fixed_order():
    train = tiny_config(**READER, mode_seeking_weight=0.5, unsaid_code_weight=2.0).train
    assert [t.weight_field for t in active_generator_terms(train, has_reader=True)] == [
        "kl_weight", "reader_weight", "mode_seeking_weight", "unsaid_code_weight"]
    assert [t.weight for t in active_generator_terms(train, has_reader=True)] == [train.kl_weight, 1.0, 0.5, 2.0]
    assert [t.weight_field for t in active_generator_terms(train, has_reader=False)] == [
        "kl_weight", "mode_seeking_weight"]


def test_a_run_logs_exactly_its_active_terms(tmp_path):
    config = tiny_config(stage_images=32, batch=8, **READER, mode_seeking_weight=0.5)
    Trainer(tmp_path / "run", config, make_toy_dataset(32)).train(max_steps=4)
    record = json.loads((tmp_path / "run" / "metrics.jsonl").read_text().splitlines()[-1])
    optional = {t.series.metric for t in GENERATOR_TERMS}
    assert optional & set(record) == {"kl", "reader_loss", "mode_seeking"}
