"""``t2f train-text``: a new text encoder learns the old one's conditions; the generator stays."""

from __future__ import annotations

import json

import torch

from core.cli.main import main
from core.model.t2f import T2F
from core.training.text_distill import TextDistillSettings, build_student, distill, student_config


def test_the_new_encoder_moves_toward_the_old_conditions_and_the_generator_stays(tiny_model):
    teacher = tiny_model
    student = build_student(teacher, student_config(teacher.config, hidden=32, embedding_dim=16, max_tokens=64))
    assert all(torch.equal(a, b) for a, b in zip(student.generator.state_dict().values(),
                                                 teacher.generator.state_dict().values()))
    losses: list[float] = []
    distill(teacher, student, TextDistillSettings(steps=40, batch=16, lr=0.01), describe=None,
            report=lambda step, loss: losses.append(loss))
    assert len(losses) == 40 and sum(losses[-5:]) < 0.5 * sum(losses[:5])
    assert all(torch.equal(a, b) for a, b in zip(student.generator.state_dict().values(),
                                                 teacher.generator.state_dict().values()))


def test_t2f_train_text_writes_a_model_that_loads_and_reads_word_vectors(tiny_run, tmp_path, capsys):
    out = tmp_path / "retexted"
    assert main(["train-text", "--from-model", str(tiny_run), "-o", str(out), "--steps", "3", "--batch", "4",
                 "--hidden", "16"]) == 0
    assert "3 steps in" in capsys.readouterr().err
    model = T2F.load(out, device="cpu")
    assert model.config.word_vectors == "wordllama-256" and model.config.text_hidden == 16
    assert json.loads((out / "tokenizer.model").read_text()) == {"word_vectors": "wordllama-256"}
    teacher = T2F.load(tiny_run, device="cpu")
    assert all(torch.equal(a, b) for a, b in zip(model.generator.state_dict().values(),
                                                 teacher.generator.state_dict().values()))
    assert model.info == teacher.info
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "wordllama-256 word vectors" in card and "t2f train-text --steps 3" in card


def test_each_writer_states_what_it_says_it_states():
    import numpy as np

    from core.cli.train_text import WRITERS, _free_style_describer
    from core.data.synthetic.attributes import sample_attributes

    rng = np.random.default_rng(0)
    for writer in WRITERS:
        describe = _free_style_describer(writer)
        for _ in range(20):
            face = sample_attributes(rng)
            text, stated = describe(face, rng)
            assert text and set(stated) <= set(face), writer
