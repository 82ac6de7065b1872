"""Attribute directions, found InterFaceGAN-style from the judge's readings of sampled faces.

How they are found (:func:`compute_directions`): draw a few thousand faces from descriptions that
state a random half of the attributes, each value picked uniformly and independently (so no two
attributes travel together in the sample, as beards and men do in the training data); let the
attribute judge read every face; then, for every value of every attribute and separately in the
conditioning part ĉ and the noise part z, fit a linear boundary "the judge reads this value" vs
"it reads another" (shrinkage LDA: ``w = (Σ + λI)⁻¹ (μ_value − μ_rest)``).

How a slider moves a face (:meth:`Directions.step`): InterFaceGAN's *conditional* direction —
move the target's score while the scores of the other attributes' boundaries stay put. Because ĉ
is far from isotropic (a few dozen of its numbers carry nearly all the variation), the projection
is done in the sample's own metric: the step is the smallest move in Mahalanobis length that
raises the target's score and keeps every other attribute's score it is entangled with (|corr| >
:data:`ENTANGLED`) unchanged, ``d = Σ W (WᵀΣW + ρ)⁻¹ e₁``. With nothing to hold, that is the
difference of the class means, which stays on the faces' manifold. One slider unit raises the
target's score by :data:`UNIT` of its spread over the sampled faces.

Directions depend only on the model, the judge, the sample count and the seed: the same inputs
give the same tensors (everything is drawn on the CPU from fixed seeds and fitted in float64).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from core.data.synthetic import ATTRIBUTES
from core.io import ModelFileError, check_finite, load_tensors, save_tensors

DIRECTIONS_FORMAT = "t2f-desktop-directions"
DIRECTIONS_VERSION = 1
PARTS = ("condition", "noise")
#: Shrinkage of the boundaries' covariance, as a fraction of its mean variance.
SHRINK = 0.1
#: Other attributes whose boundary scores correlate with the target's above this are held fixed.
ENTANGLED = 0.4
#: Softness of the conditional constraints (a fraction of their Gram matrix's mean diagonal).
RHO = 0.1
#: One slider unit raises the target's boundary score by this many of its sample standard deviations.
UNIT = 0.6
DEFAULT_SAMPLES = 4000

Progress = Callable[[int, int], None]


class Cancelled(Exception):
    """Raised inside :func:`compute_directions` when ``should_stop`` says so."""


def value_keys() -> list[str]:
    """Every ``attribute=value`` the judge reads, in the attribute table's order."""
    return [f"{name}={value}" for name, values in ATTRIBUTES.items() for value in values]


def parse_key(key: str) -> tuple[str, str]:
    """``"age=old"`` → ``("age", "old")``, checked against the attribute table (one-line errors)."""
    name, sep, value = key.partition("=")
    name, value = name.strip().replace(" ", "_").replace("-", "_"), value.strip()
    name = {"hair_colour": "hair_color", "eyes": "eye_color", "eye_colour": "eye_color"}.get(name, name)
    if not sep or name not in ATTRIBUTES:
        raise ValueError(f"expected ATTRIBUTE=VALUE with one of {', '.join(ATTRIBUTES)}, got {key!r}")
    if value not in ATTRIBUTES[name]:
        raise ValueError(f"{name} is one of {', '.join(ATTRIBUTES[name])}, got {value!r}")
    return name, value


@dataclass
class Boundaries:
    """Linear boundaries of one latent part: row k of ``normals`` separates value k from the rest."""

    normals: np.ndarray  # V×D
    offsets: np.ndarray  # V: the boundary is normals·x + offsets = 0
    accuracy: np.ndarray  # V: held-out accuracy of the boundary as a classifier
    share: np.ndarray  # V: fraction of sampled faces the judge read as this value
    mean: np.ndarray  # D
    cov: np.ndarray  # D×D

    def score_std(self) -> np.ndarray:
        return np.sqrt(np.einsum("vd,de,ve->v", self.normals, self.cov, self.normals)).clip(1e-12)


@dataclass
class Directions:
    """Boundaries for both latent parts, and the slider steps they give (cached per key)."""

    keys: list[str]
    parts: dict[str, Boundaries]
    ca_dim: int
    noise_dim: int
    meta: dict[str, str] = field(default_factory=dict)
    _steps: dict[tuple[str, tuple[str, ...]], torch.Tensor] = field(default_factory=dict, repr=False)

    def step(self, key: str, parts: tuple[str, ...] = ("condition",)) -> torch.Tensor:
        """The float32 latent change of one slider unit toward ``key`` ("age=old")."""
        name, value = parse_key(key)
        key = f"{name}={value}"
        cached = self._steps.get((key, parts))
        if cached is not None:
            return cached
        out = np.zeros(self.ca_dim + self.noise_dim)
        for part in parts:
            where = slice(0, self.ca_dim) if part == "condition" else slice(self.ca_dim, None)
            out[where] = self._part_step(key, self.parts[part])
        step = torch.from_numpy(out).float()
        self._steps[(key, parts)] = step
        return step

    def _part_step(self, key: str, b: Boundaries) -> np.ndarray:
        k = self.keys.index(key)
        name = key.split("=")[0]
        n, cov = b.normals[k], b.cov
        norms = b.score_std()
        if not n.any():  # the judge never (or always) read this value: nothing to steer by
            return np.zeros_like(n)
        corr = (b.normals @ cov @ n) / (norms * norms[k])
        held = [i for i, other in enumerate(self.keys) if other.split("=")[0] != name and abs(corr[i]) > ENTANGLED]
        w = b.normals[[k, *held]].T  # D×m
        gram = w.T @ cov @ w
        if len(held):
            gram = gram + RHO * np.trace(gram) / len(gram) * np.eye(len(gram))
        target = np.zeros(len(gram))
        target[0] = 1.0
        d = cov @ w @ np.linalg.solve(gram, target)
        return UNIT * norms[k] * d / float(n @ d)

    def held_fixed(self, key: str, part: str = "condition") -> list[str]:
        """The other attributes' values a slider keeps still (for the docs and the benchmark)."""
        b = self.parts[part]
        k = self.keys.index(key)
        norms = b.score_std()
        corr = (b.normals @ b.cov @ b.normals[k]) / (norms * norms[k])
        name = key.split("=")[0]
        return [o for i, o in enumerate(self.keys) if o.split("=")[0] != name and abs(corr[i]) > ENTANGLED]

    # ---- files ----------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """One safetensors file (atomically): float64 tensors plus a small metadata header."""
        tensors = {}
        for part, b in self.parts.items():
            for attr in ("normals", "offsets", "accuracy", "share", "mean", "cov"):
                tensors[f"{part}.{attr}"] = torch.from_numpy(np.ascontiguousarray(getattr(b, attr)))
        meta = {**self.meta, "format": DIRECTIONS_FORMAT, "version": str(DIRECTIONS_VERSION),
                "keys": json.dumps(self.keys), "ca_dim": str(self.ca_dim), "noise_dim": str(self.noise_dim)}
        save_tensors(Path(path), tensors, metadata=meta)

    @classmethod
    def load(cls, path: Path) -> Directions:
        """Read a directions file; never runs code; sizes and types checked (one-line errors)."""
        path = Path(path)
        tensors, meta = load_tensors(path)
        if meta.get("format") != DIRECTIONS_FORMAT:
            raise ModelFileError(path, "not a T2F Desktop directions file")
        if meta.get("version") != str(DIRECTIONS_VERSION):
            raise ModelFileError(path, f"directions version {meta.get('version')!r} is not supported")
        try:
            keys = json.loads(meta["keys"])
            ca_dim, noise_dim = int(meta["ca_dim"]), int(meta["noise_dim"])
        except (KeyError, ValueError, json.JSONDecodeError):
            raise ModelFileError(path, "damaged header (keys or sizes missing)") from None
        if keys != value_keys():
            raise ModelFileError(path, "made for another attribute table; delete it to compute new ones")
        check_finite(tensors, path)
        parts = {}
        for part, dim in (("condition", ca_dim), ("noise", noise_dim)):
            shapes = {"normals": (len(keys), dim), "offsets": (len(keys),), "accuracy": (len(keys),),
                      "share": (len(keys),), "mean": (dim,), "cov": (dim, dim)}
            values = {}
            for attr, shape in shapes.items():
                tensor = tensors.get(f"{part}.{attr}")
                if tensor is None or tuple(tensor.shape) != shape or tensor.dtype != torch.float64:
                    raise ModelFileError(path, f"{part}.{attr} is missing or not float64 of shape {shape}")
                values[attr] = tensor.numpy()
            parts[part] = Boundaries(**values)
        return cls(keys, parts, ca_dim, noise_dim, {k: v for k, v in meta.items() if k not in ("keys",)})


# ---- finding them ---------------------------------------------------------------------------------
def sample_descriptions(count: int, rng: np.random.Generator) -> list[str]:
    """Descriptions in the training dialect stating a random half of independently drawn attributes."""
    from core.data.synthetic.captions import caption_stating

    texts = []
    for _ in range(count):
        face = {name: values[int(rng.integers(len(values)))] for name, values in ATTRIBUTES.items()}
        stated = [name for name in ATTRIBUTES if rng.random() < 0.5]
        texts.append(caption_stating(face, stated, rng).text)
    return texts


@torch.inference_mode()
def judge_probabilities(judge, images: torch.Tensor, batch_size: int = 256) -> dict[str, np.ndarray]:  # noqa: ANN001
    """The judge's probability of every value, ``{attribute: N×values}`` (float64)."""
    judge.eval()
    out: dict[str, list[np.ndarray]] = {name: [] for name in ATTRIBUTES}
    for chunk in images.split(batch_size):
        features = judge.features(chunk)
        for name, head in judge.heads.items():
            out[name].append(head(features).double().softmax(1).cpu().numpy())
    return {name: np.concatenate(v) for name, v in out.items()}


def fit_boundaries(x: np.ndarray, readings: dict[str, np.ndarray], holdout: float = 0.2) -> Boundaries:
    """Shrinkage-LDA boundaries of every value over the ``N×D`` points ``x`` (float64)."""
    x = np.asarray(x, dtype=np.float64)
    split_at = int(len(x) * (1 - holdout))

    def fit(points: np.ndarray, member: np.ndarray) -> tuple[np.ndarray, float]:
        cov = np.cov(points.T)
        ridge = SHRINK * np.trace(cov) / len(cov) * np.eye(len(cov))
        inside, outside = points[member], points[~member]
        if len(inside) < 2 or len(outside) < 2:  # the judge never (or always) reads it: no boundary
            return np.zeros(points.shape[1]), 0.0
        mu_in, mu_out = inside.mean(0), outside.mean(0)
        w = np.linalg.solve(cov + ridge, mu_in - mu_out)
        return w, float(-w @ (mu_in + mu_out) / 2)

    normals, offsets, accuracy, share = [], [], [], []
    for name, values in ATTRIBUTES.items():
        for index in range(len(values)):
            member = readings[name] == index
            w, b = fit(x, member)
            w_train, b_train = fit(x[:split_at], member[:split_at])
            held = (x[split_at:] @ w_train + b_train > 0) == member[split_at:]
            normals.append(w)
            offsets.append(b)
            accuracy.append(float(held.mean()) if len(held) else 0.0)
            share.append(float(member.mean()))
    return Boundaries(np.array(normals), np.array(offsets), np.array(accuracy), np.array(share),
                      x.mean(0), np.cov(x.T))


def compute_directions(model, judge=None, samples: int = DEFAULT_SAMPLES, seed: int = 0,  # noqa: ANN001
                       progress: Progress | None = None, should_stop: Callable[[], bool] | None = None,
                       batch_size: int = 250) -> Directions:
    """Sample ``samples`` faces, let ``judge`` (default: the bundled one) read them, fit boundaries.

    ``progress(done, total)`` is called after every batch; ``should_stop()`` returning True raises
    :class:`Cancelled` between batches. A few thousand faces take seconds to a minute on a CPU.
    """
    from core.model.t2f import MAX_SEED

    if samples < 50:
        raise ValueError(f"directions need at least 50 sampled faces, got {samples}")
    if judge is None:
        from core.evaluate.judge import AttributeJudge

        judge = AttributeJudge.load()
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    texts = sample_descriptions(samples, rng)
    seeds = [int(s) for s in rng.integers(0, MAX_SEED, samples)]
    latents, readings = [], {name: [] for name in ATTRIBUTES}
    judge = judge.to(model.device)
    for begin in range(0, samples, batch_size):
        if should_stop is not None and should_stop():
            raise Cancelled("stopped")
        with torch.inference_mode():
            chunk = model.latents(texts[begin:begin + batch_size], seeds[begin:begin + batch_size])
            probabilities = judge_probabilities(judge, model.synthesize(chunk, batch_size))
        latents.append(chunk.double().cpu().numpy())
        for name, p in probabilities.items():
            readings[name].append(p.argmax(1))
        if progress is not None:
            progress(min(begin + batch_size, samples), samples)
    x = np.concatenate(latents)
    read = {name: np.concatenate(v) for name, v in readings.items()}
    ca = model.config.ca_dim
    parts = {"condition": fit_boundaries(x[:, :ca], read), "noise": fit_boundaries(x[:, ca:], read)}
    meta = {"samples": str(samples), "seed": str(seed), "seconds": f"{time.perf_counter() - start:.1f}"}
    return Directions(value_keys(), parts, ca, model.config.noise_dim, meta)
