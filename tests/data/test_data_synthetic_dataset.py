"""``SyntheticFaces`` as a ``TextFaceDataset``."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.data import SyntheticFaces, TextFaceDataset
from core.data.synthetic import ATTRIBUTES, face_rng, sample_attributes


def test_is_a_text_face_dataset_with_the_right_shapes() -> None:
    data = SyntheticFaces(6, resolution=32, seed=1)
    assert isinstance(data, TextFaceDataset) and len(data) == 6 and data.resolution == 32
    image = data.image(0)
    assert image.shape == (3, 32, 32) and image.dtype == torch.float32
    assert -1.0 <= image.min() < image.max() <= 1.0
    batch = data.images([4, 0, 4])
    assert batch.shape == (3, 3, 32, 32)
    assert torch.equal(batch[0], data.image(4)) and torch.equal(batch[1], data.image(0))
    image, caption, attributes = data[2]
    assert caption == data.captions(2)[0] and attributes == data.attributes(2)
    assert data.summary.images == 6 and data.summary.captions == 30
    assert len(data.all_captions()) == 30


def test_attributes_come_from_their_own_stream() -> None:
    data = SyntheticFaces(5, seed=9, split="test")
    assert data.attributes(4) == sample_attributes(face_rng(9, "test", 4, 0))


@pytest.mark.parametrize("resolution", [16, 48, 64, 128])
def test_any_resolution(resolution: int) -> None:
    assert SyntheticFaces(1, resolution=resolution).image(0).shape == (3, resolution, resolution)


def test_lower_resolutions_are_box_reductions_of_the_same_face() -> None:
    big = SyntheticFaces(1, resolution=128).image(0)
    small = SyntheticFaces(1, resolution=64).image(0)
    pooled = torch.nn.functional.avg_pool2d(big[None], 2)[0]
    assert (pooled - small).abs().max() < 0.02


def test_rejects_bad_arguments_and_indices() -> None:
    with pytest.raises(ValueError, match="split"):
        SyntheticFaces(3, split="validation")
    with pytest.raises(ValueError):
        SyntheticFaces(0)
    data = SyntheticFaces(3)
    with pytest.raises(IndexError):
        data.image(3)
    with pytest.raises(IndexError):
        data.captions(-1)


def test_memory_cache_is_bounded() -> None:
    data = SyntheticFaces(20, resolution=32, memory_cache_mb=5 * 32 * 32 * 3 / 2**20)
    for i in range(20):
        data.image(i)
    assert len(data._images) == 5
    first = data.image_uint8(19)
    assert data.image_uint8(19) is first  # served from memory


def test_pickles_without_its_caches() -> None:
    import pickle

    data = SyntheticFaces(4, resolution=32)
    before = data.image(2)
    data.captions(2)
    copy = pickle.loads(pickle.dumps(data))
    assert len(copy._images) == 0 and torch.equal(copy.image(2), before)


def test_each_caption_comes_with_exactly_what_it_states() -> None:
    faces = SyntheticFaces(6, resolution=16, seed=3)
    table = faces.attribute_table()
    assert table == {name: tuple(values) for name, values in ATTRIBUTES.items()}
    for index in range(len(faces)):
        stated = faces.mentioned_attributes(index)
        assert len(stated) == len(faces.captions(index))
        for record, labels in zip(faces.caption_records(index), stated):
            assert labels == record.mentioned and labels  # every caption states something
            assert all(faces.attributes(index)[name] == value and value in table[name]
                       for name, value in labels.items())


def test_in_memory_datasets_infer_their_table_and_check_what_captions_state() -> None:
    from core.data import TensorTextFaceDataset

    images = np.zeros((2, 8, 8, 3), dtype=np.uint8)
    labelled = TensorTextFaceDataset(images, [["a"], ["b", "c"]], [{"hair": "red"}, {"hair": "black", "eyes": "blue"}],
                                     mentioned=[[{"hair": "red"}], [{}, {"eyes": "blue"}]])
    assert labelled.attribute_table() == {"eyes": ("blue",), "hair": ("black", "red")}
    assert labelled.mentioned_attributes(1) == [{}, {"eyes": "blue"}]
    assert TensorTextFaceDataset(images, [["a"], ["b"]], [{"hair": "red"}, None]).attribute_table() is None
    assert TensorTextFaceDataset(images, [["a"], ["b"]]).mentioned_attributes(0) is None
    with pytest.raises(ValueError, match="mentioned needs one attribute dict per caption"):
        TensorTextFaceDataset(images, [["a"], ["b", "c"]], mentioned=[[{}], [{}]])


def test_prerender_fills_the_cache_on_worker_processes_with_the_same_pixels(monkeypatch):
    import core.data.synthetic.dataset as dataset_module

    monkeypatch.setattr(dataset_module, "PRERENDER_FROM", 10)
    faces = SyntheticFaces(150, resolution=16, seed=3)
    assert faces.prerender(workers=2)
    assert sorted(faces._images) == list(range(150))  # all drawn before first use
    fresh = SyntheticFaces(150, resolution=16, seed=3)
    for index in (0, 63, 64, 149):  # across the 64-face batches handed to the workers
        assert np.array_equal(faces.image_uint8(index), fresh.image_uint8(index))


def test_prerender_stops_when_asked_and_leaves_small_sets_to_first_use(monkeypatch):
    import core.data.synthetic.dataset as dataset_module

    small = SyntheticFaces(50, resolution=16)
    assert small.prerender(workers=2) and not small._images  # below PRERENDER_FROM: nothing to gain
    monkeypatch.setattr(dataset_module, "PRERENDER_FROM", 10)
    assert SyntheticFaces(50, resolution=16).prerender(workers=1)  # one worker: first use, as before
    stopped = SyntheticFaces(50, resolution=16)
    assert stopped.prerender(workers=2, should_stop=lambda: True) is False
    assert not stopped._images
