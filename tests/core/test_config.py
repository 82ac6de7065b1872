import dataclasses

from core.config import DataConfig, fit_to_data, preset, reader_lacks_labels


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

    import pytest

    from core.config import RunConfig
    from core.io import ModelFileError

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

    (tmp_path / "a.json").write_text('{"extends": "b.json"}')
    (tmp_path / "b.json").write_text('{"extends": "a.json"}')
    with pytest.raises(ModelFileError, match="extend each other in a circle: a.json → b.json → a.json"):
        RunConfig.load(tmp_path / "a.json")
    (tmp_path / "missing.json").write_text('{"extends": "nowhere.json"}')
    with pytest.raises(ModelFileError, match="nowhere.json.*file not found"):
        RunConfig.load(tmp_path / "missing.json")
    (tmp_path / "odd.json").write_text('{"extends": ["a.json"]}')
    with pytest.raises(ModelFileError, match="names one config file"):
        RunConfig.load(tmp_path / "odd.json")
    (tmp_path / "typo.json").write_text('{"extends": "leg.json", "train": {"lrate": 1}}')
    with pytest.raises(ValueError, match="unknown TrainConfig fields: lrate"):
        RunConfig.load(tmp_path / "typo.json")
