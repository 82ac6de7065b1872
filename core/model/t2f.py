"""The T2F inference bundle: tokenizer + text encoder + conditioning augmentation + generator.

A model is a folder ``config.json`` + ``model.safetensors`` + ``tokenizer.model``, and
``known_words.txt`` (the words of its training captions) when it was exported by this version;
``T2F.load`` reads it and ``generate`` turns texts and seeds into uint8 images. The same text, seed
and model always give the same bytes: the noise comes from a CPU generator seeded per image.

With known words, a description is read through :class:`core.text.lexicon.WordReader` first, so a
word the model never saw is read as a known word WordNet links it to ("azure" as "blue");
:meth:`T2F.read` says what was replaced and what stays unknown.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from core.config import ModelConfig
from core.devices import resolve_device
from core.io import (ModelFileError, atomic_write_text, check_finite, load_tensors, read_json, read_regular_bytes,
                     save_tensors)
from core.model.card_checks import check_info, check_max_tokens, check_model_fields, check_size, check_version
from core.model.conditioning import ConditioningAugmentation
from core.model.generator import Generator
from core.text.encoder import text_encoder_for
from core.text.lexicon import Reading, WordReader
from core.text.tokenizer import Tokenizer

MODEL_FORMAT = "t2f-desktop-model"
MODEL_FORMAT_VERSION = 1
KNOWN_WORDS_FILE = "known_words.txt"
MAX_SEED = 2**32 - 1


@dataclass(frozen=True)
class ModelInfo:
    """Where a model stands: the depth/α it draws at and what it was trained on."""

    depth: int
    alpha: float = 1.0
    images_seen: int = 0
    dataset: str = ""
    step: int = 0

    @property
    def resolution(self) -> int:
        return 4 * 2**self.depth


def check_seed(seed: int) -> int:
    """Seeds are 32-bit unsigned integers (what a spin box and numpy can both hold)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    if not 0 <= int(seed) <= MAX_SEED:
        raise ValueError(f"seed must be between 0 and {MAX_SEED}, got {seed}")
    return int(seed)


def check_truncation(truncation: float) -> float:
    if not np.isfinite(truncation) or truncation < 0:
        raise ValueError(f"truncation must be a finite number ≥ 0, got {truncation}")
    return float(truncation)


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """``B×3×H×W`` in [−1, 1] → ``B×H×W×3`` uint8 (values outside are clipped)."""
    scaled = ((images.detach().float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return scaled.permute(0, 2, 3, 1).cpu().numpy()


class T2F(nn.Module):
    """Text → face. Holds the parts needed to draw; the discriminator lives in training only."""

    def __init__(self, config: ModelConfig, tokenizer: Tokenizer, info: ModelInfo | None = None) -> None:
        super().__init__()
        if tokenizer.vocab_size != config.vocab_size:
            raise ValueError(f"tokenizer has {tokenizer.vocab_size} pieces but the model expects {config.vocab_size}")
        self.config = config
        self.tokenizer = tokenizer
        self.info = info or ModelInfo(depth=config.depths - 1)
        self.text_encoder = text_encoder_for(config)
        self.ca = ConditioningAugmentation(config.text_hidden, config.ca_dim)
        self.generator = Generator(config)
        self._word_reader: WordReader | None = None
        self._words_as_written = False

    # ---- text -------------------------------------------------------------------------------
    @property
    def known_words(self) -> frozenset[str] | None:
        """The words of the training captions; None for a model exported without them."""
        return None if self._word_reader is None else self._word_reader.known

    @known_words.setter
    def known_words(self, words: frozenset[str] | None) -> None:
        self._word_reader = None if words is None else WordReader(frozenset(words))

    def read(self, text: str) -> Reading:
        """``text`` as the text encoder will see it (unchanged when the known words are not known)."""
        if self.config.word_vectors:  # the vectors know the words themselves: nothing is replaced
            from core.text.word_vectors import read_by_meaning

            if self._words_as_written:
                return read_by_meaning(text, self.tokenizer, self.known_words)
            return read_by_meaning(text, self.tokenizer, self.known_words, self._word_reader)
        if self._word_reader is None or self._words_as_written:
            return Reading(text)
        return self._word_reader.read(text)

    @contextmanager
    def words_as_written(self) -> Iterator[None]:
        """Within the block, descriptions reach the text encoder as written (for measuring what the
        word reader adds: ``t2f evaluate`` reports the paraphrase split both ways)."""
        self._words_as_written = True
        try:
            yield
        finally:
            self._words_as_written = False

    def encode_text(self, texts: Sequence[str]) -> torch.Tensor:
        """Text summaries ``B×text_hidden`` on this model's device, of the texts as :meth:`read` reads them."""
        ids, lengths = self.tokenizer.batch([self.read(text).text for text in texts])
        device = self.device
        return self.text_encoder(ids.to(device), lengths.to(device))

    def text_condition(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """``(μ, log σ²)`` of the conditioning augmentation for each text."""
        return self.ca(self.encode_text(texts))

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    # ---- latents ----------------------------------------------------------------------------
    def noise(self, seeds: Sequence[int]) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-seed ``(z, ε)``: noise vector and CA sample, drawn on the CPU so every device agrees."""
        zs, eps = [], []
        for seed in seeds:
            gen = torch.Generator().manual_seed(check_seed(seed))
            zs.append(torch.randn(self.config.noise_dim, generator=gen))
            eps.append(torch.randn(self.config.ca_dim, generator=gen))
        return torch.stack(zs).to(self.device), torch.stack(eps).to(self.device)

    def latents(self, texts: Sequence[str], seeds: Sequence[int], truncation: float = 1.0,
                text_variation: bool = False) -> torch.Tensor:
        """Generator inputs ``[ĉ ; ψ·z]``; ĉ = μ unless ``text_variation`` (then μ + ψ·σ·ε)."""
        if len(texts) != len(seeds):
            raise ValueError(f"{len(texts)} texts but {len(seeds)} seeds")
        psi = check_truncation(truncation)
        mu, logvar = self.text_condition(texts)
        z, eps = self.noise(seeds)
        c = ConditioningAugmentation.sample(mu, logvar, psi * eps) if text_variation else mu
        return torch.cat([c, psi * z], dim=1)

    def synthesize(self, latents: torch.Tensor, batch_size: int = 64) -> torch.Tensor:
        """Run the generator at the model's depth/α over ``latents`` in chunks; float images."""
        chunks = [self.generator(chunk, self.info.depth, self.info.alpha) for chunk in latents.split(batch_size)]
        return torch.cat(chunks)

    @torch.inference_mode()
    def generate(self, texts: Sequence[str] | str, seeds: Sequence[int] | int, truncation: float = 1.0,
                 text_variation: bool = False, batch_size: int = 64) -> np.ndarray:
        """Faces as uint8 ``N×R×R×3``. A single text or seed is broadcast against the other."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        seeds = [seeds] if isinstance(seeds, (int, np.integer)) else list(seeds)
        if len(texts) == 1 and len(seeds) > 1:
            texts = texts * len(seeds)
        if len(seeds) == 1 and len(texts) > 1:
            seeds = seeds * len(texts)
        if not texts:
            raise ValueError("nothing to generate: no texts or seeds given")
        latents = self.latents(texts, seeds, truncation, text_variation)
        return to_uint8(self.synthesize(latents, batch_size))

    # ---- files ------------------------------------------------------------------------------
    def save(self, folder: str | Path) -> None:
        """Write ``config.json``, ``model.safetensors``, ``tokenizer.model`` and, when known,
        ``known_words.txt`` (each atomically)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.tokenizer.save(folder / "tokenizer.model")
        save_tensors(folder / "model.safetensors", dict(self.state_dict()), metadata={"format": MODEL_FORMAT})
        config = {
            "format": MODEL_FORMAT,
            "version": MODEL_FORMAT_VERSION,
            "model": self.config.to_dict(),
            "info": {"depth": self.info.depth, "alpha": self.info.alpha, "images_seen": self.info.images_seen,
                     "dataset": self.info.dataset, "step": self.info.step},
            "max_tokens": self.tokenizer.max_tokens,
        }
        atomic_write_text(folder / "config.json", json.dumps(config, indent=2) + "\n")
        if self.known_words is not None:
            atomic_write_text(folder / KNOWN_WORDS_FILE, "".join(f"{w}\n" for w in sorted(self.known_words)))

    @classmethod
    def load(cls, path: str | Path, device: str | torch.device = "auto") -> T2F:
        """Load a model folder (or a run folder, whose ``model/`` is used). Never executes file content."""
        card = read_model_card(Path(path))
        folder, config, info = card.folder, card.config, card.info
        if config.word_vectors:
            from core.text.word_vectors import SubwordTokenizer

            tokenizer = SubwordTokenizer.load(folder / "tokenizer.model", config.word_vectors, card.max_tokens)
        else:
            tokenizer = Tokenizer.load(folder / "tokenizer.model", max_tokens=card.max_tokens)
        if tokenizer.vocab_size != config.vocab_size:
            raise ModelFileError(folder / "tokenizer.model",
                                 f"has {tokenizer.vocab_size} pieces, config.json says {config.vocab_size}")
        model = cls(config, tokenizer, info)
        tensors, _ = load_tensors(folder / "model.safetensors")
        load_state_strict(model, tensors, folder / "model.safetensors")
        check_finite(tensors, folder / "model.safetensors")
        words = folder / KNOWN_WORDS_FILE
        if words.exists():
            try:
                model.known_words = frozenset(read_regular_bytes(words).decode("utf-8").split())
            except UnicodeDecodeError:
                raise ModelFileError(words, "is not UTF-8 text (one known word per line)") from None
        return model.to(resolve_device(device)).eval()

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def describe(self) -> dict[str, Any]:
        """Facts for ``t2f info`` and the app's model panel."""
        return {
            "resolution": self.info.resolution,
            "final_resolution": self.config.resolution,
            "images_seen": self.info.images_seen,
            "step": self.info.step,
            "dataset": self.info.dataset,
            "parameters": self.parameter_count(),
            "vocabulary": self.tokenizer.vocab_size,
            "word_vectors": self.config.word_vectors,
            "known_words": len(self.known_words) if self.known_words is not None else None,
            "device": str(self.device),
        }


@dataclass(frozen=True)
class ModelCard:
    """What a model folder's ``config.json`` says, read without its weights (milliseconds)."""

    folder: Path
    config: ModelConfig
    info: ModelInfo
    max_tokens: int


def read_model_card(path: Path) -> ModelCard:
    """The architecture and position of the model at ``path`` (a model or run folder), checked.

    Types and sizes are checked before anything is built (see :mod:`core.model.card_checks`).
    """
    folder = resolve_model_folder(path)
    where = folder / "config.json"
    meta = read_json(where)
    if not isinstance(meta, dict) or meta.get("format") != MODEL_FORMAT:
        raise ModelFileError(where, "not a T2F Desktop model config")
    check_version(meta, MODEL_FORMAT_VERSION, where)
    if "model" not in meta:
        raise ModelFileError(where, "invalid model config (no \"model\" entry)")
    try:
        config = ModelConfig.from_dict(check_model_fields(meta["model"], where))
        info = ModelInfo(**check_info(meta.get("info", {}), config, where))
        max_tokens = check_max_tokens(meta.get("max_tokens", config.max_tokens), where)
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError) as error:
        raise ModelFileError(where, f"invalid model config ({error})") from None
    check_size(config, where)
    return ModelCard(folder, config, info, max_tokens)


#: Where an interrupted export leaves the model: the trainer saves ``model.new``, renames ``model``
#: to ``model.old``, then ``model.new`` to ``model``. A kill between the renames leaves no ``model``;
#: ``model.new`` is then complete (it was written before the first rename) and the newer of the two.
EXPORT_LEFTOVERS = ("model.new", "model.old")


def _is_model_folder(path: Path) -> bool:
    return (path / "config.json").is_file() and (path / "model.safetensors").exists()


def resolve_model_folder(path: Path) -> Path:
    """Accept a model folder, a run folder (→ its ``model/``) or a file inside a model folder.

    A run folder whose ``model/`` is missing because an export was interrupted falls back to the
    complete ``model.new`` (or ``model.old``) it left (see :data:`EXPORT_LEFTOVERS`).
    """
    path = Path(path)
    if path.is_file():
        path = path.parent
    if not path.exists():
        raise ModelFileError(path, "no such file or folder")
    if _is_model_folder(path):
        return path
    if (path / "model" / "config.json").is_file():
        return path / "model"
    if not (path / "model").exists():
        for name in EXPORT_LEFTOVERS:
            if _is_model_folder(path / name) and (path / name / "tokenizer.model").exists():
                return path / name
    raise ModelFileError(path, "not a model folder (expected config.json, model.safetensors and tokenizer.model)")


def load_state_strict(module: nn.Module, tensors: dict[str, torch.Tensor], source: Path) -> None:
    """Copy ``tensors`` into ``module``, with a one-line error for any key or shape mismatch."""
    expected = module.state_dict()
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    wrong = [k for k in expected if k in tensors and tuple(tensors[k].shape) != tuple(expected[k].shape)]
    if missing or unexpected or wrong:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing tensors (e.g. {missing[0]})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected tensors (e.g. {unexpected[0]})")
        if wrong:
            k = wrong[0]
            parts.append(f"{len(wrong)} shape mismatches (e.g. {k}: file {tuple(tensors[k].shape)}, "
                         f"model {tuple(expected[k].shape)})")
        raise ModelFileError(source, "does not match the architecture in config.json: " + "; ".join(parts))
    module.load_state_dict(tensors, strict=True)
