"""One face being refined: its description, its latent, slider positions and every step taken.

:class:`Refinement` is what the Refine view, ``t2f edit`` and the face files share. Each change is
a :class:`Step` (start, pick, mean, description, sliders, open); the history is a list with a
position, so undo and redo move the position and a new step after an undo drops the steps that
were undone (as a text editor does).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from core.refine.directions import Directions
from core.refine.latent import mean_latent, variations, with_description
from core.refine.moves import apply_sliders, check_sliders

MAX_HISTORY = 400
KINDS = ("start", "pick", "mean", "description", "sliders", "open")


@dataclass(frozen=True)
class Step:
    """The state after one change: description, base latent (1-D float32 on the CPU), sliders."""

    kind: str
    label: str
    text: str
    base: torch.Tensor
    sliders: Mapping[str, float] = field(default_factory=dict)


def describe_sliders(sliders: Mapping[str, float]) -> str:
    """``{"age=old": 1.5}`` → "age→old +1.5"."""
    return ", ".join(f"{k.replace('=', '→')} {v:+.1f}" for k, v in sorted(sliders.items())) or "sliders reset"


class Refinement:
    """A face, its history and the model that draws it (``directions`` only needed for sliders)."""

    def __init__(self, model, text: str, base: torch.Tensor, *, seed: int = 0, truncation: float = 1.0,  # noqa: ANN001
                 directions: Directions | None = None, kind: str = "start", label: str = "") -> None:
        self.model = model
        self.directions = directions
        self.seed = int(seed)
        self.truncation = float(truncation)
        self.rounds = 0
        self.steps: list[Step] = []
        self.index = -1
        self.ca_dim = model.config.ca_dim
        dim = model.config.ca_dim + model.config.noise_dim
        if base.ndim != 1 or base.shape[0] != dim:
            raise ValueError(f"a latent of this model has {dim} numbers, got shape {tuple(base.shape)}")
        self._push(Step(kind, label or f"start: seed {seed}", text, base.detach().float().cpu().clone(), {}))

    @classmethod
    def start(cls, model, text: str, seed: int, truncation: float = 1.0,  # noqa: ANN001
              directions: Directions | None = None) -> Refinement:
        """Begin from a description and a seed, as Generate draws them."""
        with torch.inference_mode():
            base = model.latents([text], [seed], truncation)[0]
        return cls(model, text, base, seed=seed, truncation=truncation, directions=directions)

    # ---- state ----------------------------------------------------------------------------------
    @property
    def current(self) -> Step:
        return self.steps[self.index]

    @property
    def text(self) -> str:
        return self.current.text

    @property
    def base(self) -> torch.Tensor:
        return self.current.base

    @property
    def sliders(self) -> dict[str, float]:
        return dict(self.current.sliders)

    def latent(self, sliders: Mapping[str, float] | None = None) -> torch.Tensor:
        """The drawn latent: the base with the current (or the given, not yet committed) sliders."""
        return apply_sliders(self.base, self.sliders if sliders is None else sliders, self.directions)

    def step_latent(self, step: Step) -> torch.Tensor:
        return apply_sliders(step.base, step.sliders, self.directions)

    @torch.inference_mode()
    def render(self, latents: torch.Tensor) -> np.ndarray:
        """uint8 faces ``N×R×R×3`` (or one ``R×R×3`` for a 1-D latent)."""
        from core.model.t2f import to_uint8

        single = latents.ndim == 1
        batch = latents.reshape(-1, latents.shape[-1]).to(self.model.device)
        images = to_uint8(self.model.synthesize(batch))
        return images[0] if single else images

    def image(self) -> np.ndarray:
        return self.render(self.latent())

    # ---- moves ----------------------------------------------------------------------------------
    def variation_bases(self, count: int, strength: float, round_: int | None = None) -> torch.Tensor:
        """``count`` base latents around the current one (noise moved at ``strength``, ĉ kept).

        Round ``r`` of a face always gives the same grid; :meth:`next_round` moves to a new one.
        """
        r = self.rounds if round_ is None else round_
        seed = (self.seed * 1_000_003 + 7919 * r + len(self.steps)) % 2**32
        return variations(self.base, self.ca_dim, count, strength, seed, self.truncation)

    def next_round(self) -> int:
        self.rounds += 1
        return self.rounds

    def pick(self, base: torch.Tensor, label: str = "picked a variation") -> Step:
        """Make a variation the current face (its sliders stay as they are)."""
        return self._push(Step("pick", label, self.text, base.detach().float().cpu().clone(), self.sliders))

    def mean(self, bases: Sequence[torch.Tensor] | torch.Tensor, label: str | None = None) -> Step:
        """Move to the spherical mean of several picked faces."""
        stack = torch.stack([b.detach().float().cpu() for b in bases])
        if len(stack) < 2:
            raise ValueError("a mean needs at least two faces")
        base = mean_latent(stack, self.ca_dim).float()
        return self._push(Step("mean", label or f"mean of {len(stack)} faces", self.text, base, self.sliders))

    def set_text(self, text: str) -> Step:
        """A new description: its conditioning part, this face's noise part."""
        with torch.inference_mode():
            mu, _ = self.model.text_condition([text])
        base = with_description(self.base, mu[0].float().cpu(), self.ca_dim)
        return self._push(Step("description", "description changed", text, base, self.sliders))

    def set_sliders(self, sliders: Mapping[str, float]) -> Step | None:
        """Record new slider positions as a step (None when nothing changed)."""
        sliders = check_sliders(sliders)
        if sliders == self.sliders:
            return None
        if sliders and self.directions is None:
            raise ValueError("attribute sliders need the model's directions (not computed yet)")
        return self._push(Step("sliders", describe_sliders(sliders), self.text, self.base, sliders))

    # ---- history --------------------------------------------------------------------------------
    def _push(self, step: Step) -> Step:
        del self.steps[self.index + 1:]
        self.steps.append(step)
        if len(self.steps) > MAX_HISTORY:
            del self.steps[1:len(self.steps) - MAX_HISTORY + 1]  # keep the start
        self.index = len(self.steps) - 1
        return step

    @property
    def can_undo(self) -> bool:
        return self.index > 0

    @property
    def can_redo(self) -> bool:
        return self.index < len(self.steps) - 1

    def undo(self) -> bool:
        if not self.can_undo:
            return False
        self.index -= 1
        return True

    def redo(self) -> bool:
        if not self.can_redo:
            return False
        self.index += 1
        return True

    def go_to(self, index: int) -> None:
        if not 0 <= index < len(self.steps):
            raise IndexError(f"no step {index}")
        self.index = index
