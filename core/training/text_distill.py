"""Teach a model a new text encoder while its generator stays as it is.

A trained model draws well what its own caption dialect says and reads people's descriptions
poorly. Its generator need not change for that: only the map from text to the condition ĉ does.
This trains a new text encoder (and conditioning augmentation) — typically one that reads
pretrained word vectors (:mod:`core.text.word_vectors`) and long texts — to give, for any
description, the condition the old encoder gives to a caption in its own dialect that states the
same attributes. The targets come from the old model itself, so nothing else is needed: for each
synthetic face, a description (free style, or the old dialect, or empty) and one or more captions
in the old dialect stating exactly what it states.

What it optimises: the squared distance between the new and the old encoder's μ (plus a small
weight on log σ²), averaged over the batch. The generator's weights are copied and never change,
so a student that matches its teacher on the old dialect draws the same faces for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from core.config import ModelConfig
from core.data.synthetic.attributes import sample_attributes
from core.data.synthetic.captions import caption_stating, make_caption
from core.model.t2f import T2F

#: Writes a free-style description of a face: (attributes, rng) → (text, names it states).
Describer = Callable[[dict[str, str], np.random.Generator], tuple[str, list[str]]]


@dataclass(frozen=True)
class TextDistillSettings:
    """How long and on what the new encoder trains."""

    steps: int = 3000
    batch: int = 64
    lr: float = 0.002
    #: Shares of a batch: free-style descriptions, captions in the old dialect, empty texts.
    people_share: float = 0.5
    dialect_share: float = 0.42
    #: Old-dialect wordings averaged into each free-style description's target.
    targets_per_description: int = 2
    logvar_weight: float = 0.1
    seed: int = 0


def student_config(teacher: ModelConfig, word_vectors: str = "wordllama-256", hidden: int = 256, layers: int = 1,
                   embedding_dim: int = 128, max_tokens: int = 384, summary: str = "mean") -> ModelConfig:
    """The teacher's architecture with a new text encoder (its generator and CA sizes unchanged)."""
    from core.text.word_vectors import load_word_vectors

    vocab = load_word_vectors(word_vectors).table.shape[0] if word_vectors else teacher.vocab_size
    return dataclasses.replace(teacher, word_vectors=word_vectors, vocab_size=vocab, text_hidden=hidden,
                               text_layers=layers, embedding_dim=embedding_dim, max_tokens=max_tokens,
                               text_summary=summary)


def build_student(teacher: T2F, config: ModelConfig) -> T2F:
    """A model with ``config``'s text encoder and the teacher's generator, position and known words."""
    from core.text.word_vectors import SubwordTokenizer

    if config.word_vectors:
        tokenizer = SubwordTokenizer(config.word_vectors, config.max_tokens)
    else:
        tokenizer = teacher.tokenizer
    student = T2F(config, tokenizer, teacher.info)
    student.generator.load_state_dict(teacher.generator.state_dict())
    student.known_words = teacher.known_words
    return student


class DistillBatches:
    """Descriptions and their targets' texts, drawn from fresh synthetic faces."""

    def __init__(self, settings: TextDistillSettings, describe: Describer | None) -> None:
        self.settings = settings
        self.describe = describe
        self.rng = np.random.default_rng(settings.seed)

    def take(self) -> tuple[list[str], list[list[str]]]:
        """``(inputs, targets)``: each input text and the old-dialect texts whose mean condition it should get."""
        s = self.settings
        inputs, targets = [], []
        for _ in range(s.batch):
            face = sample_attributes(self.rng)
            roll = self.rng.random()
            people = s.people_share if self.describe is not None else 0.0
            dialect = s.dialect_share + (s.people_share - people)
            if roll < people:
                text, stated = self.describe(face, self.rng)
                wordings = ([caption_stating(face, stated, self.rng).text for _ in range(s.targets_per_description)]
                            if stated else [""])
            elif roll < people + dialect:
                text = make_caption(face, self.rng).text
                wordings = [text]
            else:
                text, wordings = "", [""]
            inputs.append(text)
            targets.append(wordings)
        return inputs, targets


def distill(teacher: T2F, student: T2F, settings: TextDistillSettings, describe: Describer | None,
            report: Callable[[int, float], None] = lambda step, loss: None,
            stop: Callable[[], bool] = lambda: False) -> int:
    """Train ``student``'s text encoder and CA toward ``teacher``'s conditions; returns the steps run."""
    torch.manual_seed(settings.seed)
    teacher.eval()
    student.generator.requires_grad_(False)
    trainable = [*student.text_encoder.parameters(), *student.ca.parameters()]
    optimizer = torch.optim.Adam([p for p in trainable if p.requires_grad], lr=settings.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, settings.steps, eta_min=settings.lr * 0.05)
    batches = DistillBatches(settings, describe)
    student.train()
    step = 0
    for step in range(1, settings.steps + 1):
        if stop():
            step -= 1
            break
        inputs, targets = batches.take()
        with torch.no_grad():
            flat = [t for wordings in targets for t in wordings]
            mu_all, logvar_all = teacher.text_condition(flat)
            index = torch.repeat_interleave(torch.tensor([len(w) for w in targets]))
            counts = torch.bincount(index).unsqueeze(1).float()
            mu_t = torch.zeros(len(targets), mu_all.shape[1]).index_add_(0, index, mu_all) / counts
            logvar_t = torch.zeros(len(targets), mu_all.shape[1]).index_add_(0, index, logvar_all) / counts
        with student.words_as_written():  # the new encoder reads words as written: its vectors know them
            mu_s, logvar_s = student.text_condition(inputs)
        loss = ((mu_s - mu_t) ** 2).sum(1).mean() + settings.logvar_weight * ((logvar_s - logvar_t) ** 2).sum(1).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        report(step, float(loss.detach()))
    student.eval()
    return step


def save_model(model: T2F, folder: Path) -> None:
    """Write ``model`` to ``folder``, replacing what is there in one rename."""
    from core.training.run_state import replace_model_folder

    replace_model_folder(folder, model.save)
