"""Everything random about a face except its attributes: where each feature sits and its shade.

A :class:`FaceLayout` is drawn from the face's own generator, so a face is a pure function of
``(attributes, seed, index)``. Sizes are in canvas pixels and derived from the face width ``w`` so
that every feature scales with the face; the ranges are wide enough that no two faces look alike
and narrow enough that every attribute stays readable at 32×32.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from core.data.synthetic import palette
from core.data.synthetic.attributes import Attributes
from core.data.synthetic.palette import RGB

#: Face shape → (width factor, height/width ratio, superellipse exponent, chin taper).
#: Exponent 2 is an ellipse, larger is boxier; taper narrows the lower half toward the chin.
_SHAPES: dict[str, tuple[float, float, float, float]] = {
    "round": (1.10, 1.04, 2.0, 0.00),
    "oval": (0.95, 1.32, 2.0, 0.24),
    "long": (0.80, 1.66, 2.4, 0.10),
    "square": (1.02, 1.12, 5.0, 0.02),
}
_OUTLINE_POINTS = 72


def _unit_outline(exponent: float, taper: float) -> tuple[np.ndarray, np.ndarray]:
    """A closed superellipse of radius 1 (angles clockwise from 3 o'clock, y pointing down)."""
    t = np.linspace(0.0, 2.0 * math.pi, _OUTLINE_POINTS, endpoint=False)
    c, s = np.cos(t), np.sin(t)
    x = np.sign(c) * np.abs(c) ** (2.0 / exponent)
    y = np.sign(s) * np.abs(s) ** (2.0 / exponent)
    x = x * (1.0 - taper * np.clip(y, 0.0, None) ** 2)
    return x, y


_UNIT_OUTLINES = {shape: _unit_outline(e, taper) for shape, (_, _, e, taper) in _SHAPES.items()}


@dataclass(frozen=True)
class FaceColors:
    """The exact shades of one face (named colours plus jitter, and free choices like the shirt)."""

    background: RGB
    skin: RGB
    hair: RGB
    eyes: RGB
    shirt: RGB
    lips: RGB
    hat: RGB
    frames: RGB
    earrings: RGB


@dataclass(frozen=True)
class FaceLayout:
    """Positions and sizes (canvas pixels) of one face, plus its colours and pose."""

    canvas: int
    cx: float
    cy: float
    w: float  # face width
    h: float  # face height
    outline_x: np.ndarray  # face outline, absolute canvas coordinates
    outline_y: np.ndarray
    angle: float  # head tilt in degrees
    eye_y: float
    eye_dx: float  # distance of each eye centre from the face's centre line
    eye_rx: float
    eye_ry: float
    brow_y: float
    nose_y: float
    mouth_y: float
    mouth_w: float
    hairline_y: float
    ear_y: float
    light_angle: float  # direction of the lighting gradient, radians
    light_strength: float  # relative brightness change across the image
    colors: FaceColors

    @property
    def top(self) -> float:
        return self.cy - self.h / 2

    @property
    def chin(self) -> float:
        return self.cy + self.h / 2

    def outline(self, scale: float = 1.0, dy: float = 0.0) -> list[float]:
        """The face outline as a flat ``[x0, y0, x1, y1, ...]`` list, optionally scaled about the centre."""
        xs = self.cx + (self.outline_x - self.cx) * scale
        ys = self.cy + (self.outline_y - self.cy) * scale + dy
        return np.column_stack((xs, ys)).ravel().tolist()

    @cached_property
    def _edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The outline as segments ``(x0, y0) → (x1, y1)``, computed once per face."""
        order = np.arange(1, len(self.outline_x) + 1) % len(self.outline_x)
        return self.outline_x, self.outline_y, self.outline_x[order], self.outline_y[order]

    def half_width(self, y: float) -> float:
        """Half the face width at height ``y``: where a horizontal line crosses the outline (0 outside)."""
        x0, y0, x1, y1 = self._edges
        crossing = (y0 - y) * (y1 - y) <= 0
        if not crossing.any():
            return 0.0
        t = (y - y0[crossing]) / np.where(y1[crossing] == y0[crossing], 1.0, y1[crossing] - y0[crossing])
        xs = x0[crossing] + t * (x1[crossing] - x0[crossing])
        return float(np.max(np.abs(xs - self.cx)))


def sample_layout(attrs: Attributes, rng: np.random.Generator, canvas: int) -> FaceLayout:
    """Draw the pose, proportions and shades of a face with attributes ``attrs``."""
    u = rng.uniform
    width_factor, aspect, _, _ = _SHAPES[attrs["face_shape"]]
    w = canvas * u(0.37, 0.42) * width_factor
    h = w * aspect * u(0.97, 1.03)
    cx = canvas * (0.5 + u(-0.035, 0.035))
    cy = canvas * (0.47 + u(-0.025, 0.025))
    ux, uy = _UNIT_OUTLINES[attrs["face_shape"]]
    eye_rx = w * u(0.115, 0.13)
    eye_ry = eye_rx * u(0.68, 0.76) * (1.22 if attrs["expression"] == "surprised" else 1.0)
    eye_y = cy + h * u(-0.05, -0.01)
    chin = cy + h / 2
    brow_raise = w * 0.07 if attrs["expression"] == "surprised" else 0.0
    return FaceLayout(
        canvas=canvas, cx=cx, cy=cy, w=w, h=h,
        outline_x=cx + ux * (w / 2), outline_y=cy + uy * (h / 2),
        angle=u(-8.0, 8.0),
        eye_y=eye_y,
        eye_dx=w * u(0.20, 0.235),
        eye_rx=eye_rx,
        eye_ry=eye_ry,
        brow_y=eye_y - eye_ry - w * u(0.07, 0.09) - brow_raise,
        nose_y=eye_y + (chin - eye_y) * u(0.38, 0.45),
        mouth_y=eye_y + (chin - eye_y) * u(0.66, 0.72),
        mouth_w=w * u(0.34, 0.42),
        hairline_y=cy - h / 2 + h * u(0.13, 0.19),
        ear_y=eye_y + w * u(0.06, 0.10),
        light_angle=u(0.0, 2.0 * math.pi),
        light_strength=u(0.04, 0.10),
        colors=_sample_colors(attrs, rng),
    )


def _sample_colors(attrs: Attributes, rng: np.random.Generator) -> FaceColors:
    def any_of(options: tuple[RGB, ...]) -> RGB:
        return options[int(rng.integers(len(options)))]

    skin = palette.jitter(rng, palette.SKIN[attrs["skin_tone"]], 8)
    background = palette.jitter(rng, palette.BACKGROUND[attrs["background"]], 12)
    return FaceColors(
        background=background,
        skin=skin,
        hair=palette.jitter(rng, palette.HAIR[attrs["hair_color"]], 12),
        eyes=palette.jitter(rng, palette.EYES[attrs["eye_color"]], 14),
        shirt=palette.jitter(rng, any_of(palette.SHIRTS), 14),
        lips=(palette.jitter(rng, any_of(palette.LIPSTICK), 10) if attrs["gender"] == "woman"
              else palette.mix(palette.scale(skin, 0.78), (160, 60, 60), 0.35)),
        hat=palette.jitter(rng, palette.contrasting(rng, palette.HATS, background), 12),
        frames=palette.contrasting(rng, palette.FRAMES, skin),
        earrings=palette.contrasting(rng, palette.EARRINGS, background, 150.0),
    )
