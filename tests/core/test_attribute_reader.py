"""The attribute reader: its targets and loss, its training phase, and the generator's term."""

import json
import math

import pytest
import torch
import torch.nn.functional as F

from core.model.classifier import AttributeClassifier
from core.training.attribute_reader import label_targets, reader_depth, reader_loss
from core.training.events import PhaseProgress
from core.training.trainer import Trainer
from tests.conftest import make_toy_dataset, tiny_config

TABLE = {"colour": ("blue", "red"), "shape": ("square", "stripe", "dot")}

def _is_phase(event: object, phase: str) -> bool:
    """Whether ``event`` reports progress of the pre-GAN ``phase``."""
    return isinstance(event, PhaseProgress) and event.phase == phase



def _reader() -> AttributeClassifier:
    torch.manual_seed(0)
    return AttributeClassifier(TABLE, resolution=16, width=4).eval()


def test_half_the_steps_are_at_full_resolution_and_the_rest_cycle_the_smaller_ones():
    assert [reader_depth(step, 3) for step in range(8)] == [3, 0, 3, 1, 3, 2, 3, 0]
    assert [reader_depth(step, 0) for step in range(3)] == [0, 0, 0]


def test_targets_index_the_table_and_mark_what_a_caption_does_not_state():
    targets = label_targets(TABLE, [{"colour": "red", "shape": "dot"}, {"shape": "square"}, {}])
    assert targets["colour"].tolist() == [1, -100, -100]
    assert targets["shape"].tolist() == [2, 0, -100]


def test_loss_is_the_mean_cross_entropy_over_stated_attributes_only():
    reader = _reader()
    images = torch.rand(3, 3, 16, 16) * 2 - 1
    targets = label_targets(TABLE, [{"colour": "red", "shape": "dot"}, {"shape": "square"}, {}])
    logits = reader(images)
    expected = (F.cross_entropy(logits["colour"][:1], torch.tensor([1]), reduction="sum")
                + F.cross_entropy(logits["shape"][:2], torch.tensor([2, 0]), reduction="sum")) / 3
    assert torch.allclose(reader_loss(reader, images, targets), expected)


def test_a_batch_that_states_nothing_costs_nothing_and_pushes_nothing():
    reader = _reader().requires_grad_(False)
    fakes = torch.rand(2, 3, 8, 8, requires_grad=True)
    loss = reader_loss(reader, fakes, label_targets(TABLE, [{}, {}]))
    loss.backward()
    assert loss.item() == 0.0 and (fakes.grad is None or not fakes.grad.any())


def test_small_images_are_read_as_their_nearest_neighbour_enlargement():
    reader = _reader()
    small = torch.rand(2, 3, 4, 4) * 2 - 1
    enlarged = F.interpolate(small, scale_factor=4.0, mode="nearest")
    assert torch.equal(reader(small)["shape"], reader(enlarged)["shape"])


@pytest.mark.parametrize("design", ["max", "avg"])
def test_classifier_reads_channels_last_on_the_cpu_with_the_same_logits_and_gradients(monkeypatch, design):
    import core.model.classifier as classifier_module

    def logits_and_input_gradient(reader: AttributeClassifier) -> tuple[dict, torch.Tensor]:
        images = (torch.rand(4, 3, 16, 16, generator=torch.Generator().manual_seed(1)) * 2 - 1).requires_grad_(True)
        logits = reader(images)
        (grad,) = torch.autograd.grad(sum(v.square().sum() for v in logits.values()), images)
        return logits, grad

    torch.manual_seed(0)
    reader = AttributeClassifier(TABLE, resolution=16, width=4, design=design).eval()
    seen = []
    monkeypatch.setattr(reader.trunk, "forward", lambda x, f=reader.trunk.forward: seen.append(x) or f(x))
    logits, grad = logits_and_input_gradient(reader)
    assert seen[-1].is_contiguous(memory_format=torch.channels_last)  # the layout is in use
    monkeypatch.setattr(classifier_module, "cpu_channels_last", lambda x: x)
    plain_logits, plain_grad = logits_and_input_gradient(reader)
    assert seen[-1].is_contiguous()
    torch.testing.assert_close(logits, plain_logits, rtol=1e-5, atol=1e-6)  # summation order only
    torch.testing.assert_close(grad, plain_grad, rtol=1e-4, atol=1e-6)
    assert grad.abs().max() > 0


def test_reader_weight_needs_reader_steps():
    with pytest.raises(ValueError, match="reader_weight needs the attribute reader: set reader_steps above 0"):
        tiny_config(reader_weight=1.0)


def test_a_dataset_without_labels_is_refused_by_name(tmp_path):
    from core.data import TensorTextFaceDataset

    unlabelled = TensorTextFaceDataset(torch.zeros(4, 16, 16, 3, dtype=torch.uint8).numpy(), [["a"]] * 4,
                                       source="my-folder")
    with pytest.raises(ValueError, match="reader_steps needs a dataset with attribute labels; my-folder has none"):
        Trainer(tmp_path / "run", tiny_config(reader_steps=5, reader_weight=1.0), unlabelled)


def test_a_run_fits_the_reader_first_then_freezes_it_and_resumes_with_it(tmp_path):
    config = tiny_config(stage_images=32, batch=8, reader_steps=60, reader_weight=1.0, reader_batch=16,
                         reader_width=4, reader_lr=0.01)
    seen = []
    trainer = Trainer(tmp_path / "run", config, make_toy_dataset(128), callbacks=[seen.append])
    batch = trainer.batches.take(8)
    assert all(set(m) == ({"colour", "shape"} if c else set()) for m, c in zip(batch.mentioned, batch.captions))
    trainer.train(max_steps=3)
    progress = [e for e in seen if _is_phase(e, "reader")]
    assert [e.step for e in progress] == list(range(6, 61, 6))
    # Colour and shape are plain to see: the loss must fall far below its start.
    assert progress[-1].loss < 0.3 * progress[0].loss, [e.loss for e in progress]
    assert not trainer.reader.training and not any(p.requires_grad for p in trainer.reader.parameters())
    lines = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert lines and all(math.isfinite(line["reader_loss"]) for line in lines)

    before = {k: v.clone() for k, v in trainer.reader.state_dict().items()}
    resumed = Trainer(tmp_path / "run", resume=True, dataset=make_toy_dataset(128), callbacks=[seen.append])
    assert resumed.progress.reader_step == 60
    assert all(torch.equal(before[k], v) for k, v in resumed.reader.state_dict().items())
    resumed.train(max_steps=5)
    assert len([e for e in seen if _is_phase(e, "reader")]) == len(progress)  # not fitted again
    assert all(torch.equal(before[k], v) for k, v in resumed.reader.state_dict().items())  # frozen


def test_a_stop_while_the_reader_fits_resumes_where_it_left_off(tmp_path):
    config = tiny_config(stage_images=32, batch=8, reader_steps=20, reader_weight=1.0, reader_batch=6, reader_width=4)
    trainer = Trainer(tmp_path / "run", config, make_toy_dataset(40))

    def stop_at_step_four(event):
        if _is_phase(event, "reader") and event.step == 4:
            trainer.request_stop()

    trainer.add_callback(stop_at_step_four)
    assert trainer.train().reason == "stopped"
    assert (trainer.progress.reader_step, trainer.step) == (4, 0)
    resumed = Trainer(tmp_path / "run", resume=True, dataset=make_toy_dataset(40))
    assert resumed.progress.reader_step == 4
    assert all(torch.equal(trainer.reader.state_dict()[k], v) for k, v in resumed.reader.state_dict().items())
