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
