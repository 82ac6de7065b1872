import dataclasses

import pytest

from core.config import DataConfig, RunConfig
from core.presets import fit_to_data, preset, reader_lacks_labels


def test_fit_to_data_turns_the_reader_off_only_where_faces_carry_no_labels():
    bundled = preset("bundled")
    assert not reader_lacks_labels(bundled) and fit_to_data(bundled) == bundled
    on_folder = bundled.replace(data=DataConfig(source="/data/faces"))
    assert reader_lacks_labels(on_folder)
    fitted = fit_to_data(on_folder)
    assert (fitted.train.reader_steps, fitted.train.reader_weight) == (0, 0.0)
    # Everything else in the recipe stays as it was.
    assert dataclasses.replace(fitted.train, reader_steps=800, reader_weight=5.0) == bundled.train
    assert fitted.model == bundled.model and fitted.data == on_folder.data
    # A recipe without a reader needs nothing fitted, whatever its data.
    plain = preset("default").replace(data=DataConfig(source="/data/faces"))
    assert not reader_lacks_labels(plain) and fit_to_data(plain) == plain


def test_a_config_file_can_extend_another_with_only_the_fields_it_changes(tmp_path):
    import json

    from core.config import RunConfig

    base = preset("bundled")
    (tmp_path / "recipes").mkdir()
    base.save(tmp_path / "recipes" / "base.json")
    (tmp_path / "leg.json").write_text(json.dumps(
        {"extends": "recipes/base.json", "model": {"critic_channels": [8, 8, 8, 8, 8]}, "train": {"lr": 0.0001}}))
    (tmp_path / "next.json").write_text(json.dumps({"extends": "leg.json", "train": {"gp_every": 2}}))
    leg = RunConfig.load(tmp_path / "next.json")
    assert leg == base.replace(model=dataclasses.replace(base.model, critic_channels=(8,) * 5),
                               train=dataclasses.replace(base.train, lr=0.0001, gp_every=2))
    leg.save(tmp_path / "saved.json")  # what a run folder keeps: resolved, no "extends"
    assert "extends" not in json.loads((tmp_path / "saved.json").read_text())
    assert RunConfig.load(tmp_path / "saved.json") == leg


@pytest.mark.parametrize("files, message", [
    ({"a.json": {"extends": "b.json"}, "b.json": {"extends": "a.json"}},
     "extend each other in a circle: a.json → b.json → a.json"),
    ({"a.json": {"extends": "nowhere.json"}}, "nowhere.json.*file not found"),
    ({"a.json": {"extends": ["b.json"]}}, "names one config file"),
    ({"a.json": {"extends": "b.json", "train": {"lrate": 1}}, "b.json": {}}, "unknown TrainConfig fields: lrate"),
])
def test_a_bad_extends_chain_is_refused_by_name(tmp_path, files, message):
    import json

    from core.config import RunConfig

    for name, content in files.items():
        (tmp_path / name).write_text(json.dumps(content))
    with pytest.raises(ValueError, match=message):  # ModelFileError is a ValueError
        RunConfig.load(tmp_path / "a.json")


@pytest.mark.parametrize(("data", "message"), [
    ({"train": {"log_every": "5"}}, "TrainConfig field 'log_every' must be a whole number, got '5'"),
    ({"train": {"lr": True}}, "TrainConfig field 'lr' must be a finite number, got True"),
    ({"model": {"channels": [1.5, 2, 3, 4, 5]}}, "ModelConfig field 'channels' must be a list of whole numbers"),
    ({"data": {"cache_dir": 3}}, "DataConfig field 'cache_dir' must be text or null, got 3"),
    ({"train": {"keep_checkpoints": 0}}, "keep_checkpoints must be at least 1, got 0"),
    ({"train": {"keep_checkpoints": -2}}, "keep_checkpoints must be at least 1, got -2"),
    ({"train": {"log_every": 0}}, "log_every must be at least 1, got 0"),
    ({"train": {"sample_every": 0}}, "sample_every must be at least 1, got 0"),
    ({"train": {"checkpoint_every": 0}}, "checkpoint_every must be at least 1, got 0"),
    ({"train": {"sample_count": 0}}, "sample_count must be at least 1, got 0"),
    ({"train": {"checkpoint_minutes": -1}}, "checkpoint_minutes must be 0 or more, got -1"),
    ({"train": {"betas": [0.0, 1.0]}}, r"betas must be two numbers in \[0, 1\), got \[0.0, 1.0\]"),
    ({"train": "fast"}, "TrainConfig must be a JSON object, got str"),
])
def test_a_config_with_a_wrong_type_or_a_meaningless_count_is_refused_in_one_line(data, message):
    with pytest.raises(ValueError, match=message):
        RunConfig.from_dict(data)
