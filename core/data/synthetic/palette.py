"""Colours of the synthetic faces: one base colour per named value, plus per-face shade jitter.

Named colours are far apart in RGB (further than jitter plus the lighting gradient can move them)
so that a colour name is always recoverable from the pixels, yet no two faces share an exact shade.
"""

from __future__ import annotations

import numpy as np

RGB = tuple[int, int, int]

SKIN: dict[str, RGB] = {
    "pale": (247, 218, 196),
    "tan": (214, 163, 115),
    "brown": (156, 100, 62),
    "dark": (88, 54, 36),
}

HAIR: dict[str, RGB] = {
    "black": (28, 24, 24),
    "brown": (110, 66, 32),
    "blonde": (238, 204, 105),
    "red": (200, 72, 28),
    "grey": (180, 180, 184),
}

EYES: dict[str, RGB] = {
    "brown": (112, 62, 20),
    "blue": (40, 120, 235),
    "green": (40, 170, 60),
}

BACKGROUND: dict[str, RGB] = {
    "white": (242, 242, 238),
    "grey": (140, 140, 140),
    "blue": (90, 150, 225),
    "green": (110, 190, 100),
    "yellow": (240, 215, 80),
    "purple": (140, 90, 180),
}

#: Not attributes: chosen at random per face for variety only.
SHIRTS: tuple[RGB, ...] = ((40, 50, 90), (120, 30, 40), (30, 110, 110), (60, 60, 66), (200, 200, 205),
                           (90, 110, 40), (180, 120, 60), (70, 40, 100))
HATS: tuple[RGB, ...] = ((200, 40, 40), (30, 40, 120), (25, 25, 30), (180, 140, 90), (30, 120, 60),
                         (230, 120, 30))
LIPSTICK: tuple[RGB, ...] = ((205, 20, 50), (225, 40, 110), (150, 10, 60), (235, 60, 60))
FRAMES: tuple[RGB, ...] = ((20, 20, 20), (70, 35, 20), (20, 30, 80), (110, 20, 30), (200, 30, 40), (40, 90, 210),
                          (225, 185, 40))
EARRINGS: tuple[RGB, ...] = ((250, 200, 30), (225, 225, 235), (255, 120, 180), (60, 220, 230))


def jitter(rng: np.random.Generator, color: RGB, amount: int) -> RGB:
    """``color`` moved by up to ``amount`` per channel, brightness and tint separately."""
    shift, *tint = rng.integers(-amount, amount + 1, size=4).tolist()
    r, g, b = (min(255, max(0, c + shift + t // 2)) for c, t in zip(color, tint))
    return r, g, b


def scale(color: RGB, factor: float) -> RGB:
    """``color`` darkened (factor < 1) or lightened toward white (factor > 1)."""
    if factor <= 1:
        return tuple(int(c * factor) for c in color)  # type: ignore[return-value]
    t = factor - 1
    return tuple(int(c + (255 - c) * t) for c in color)  # type: ignore[return-value]


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Linear blend from ``a`` (t=0) to ``b`` (t=1)."""
    return tuple(int(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def contrasting(rng: np.random.Generator, options: tuple[RGB, ...], against: RGB, min_distance: float = 120.0) -> RGB:
    """A random option at least ``min_distance`` (RGB distance) from ``against``, else the farthest one.

    Keeps accessories visible: gold earrings vanish on a yellow background, black frames on dark skin.
    """
    far = [c for c in options if distance(c, against) >= min_distance]
    if not far:
        return max(options, key=lambda c: distance(c, against))
    return far[int(rng.integers(len(far)))]


def distance(a: RGB, b: RGB) -> float:
    """Euclidean RGB distance."""
    return float(np.sqrt(sum((x - y) ** 2 for x, y in zip(a, b))))


def set_apart(color: RGB, against: RGB, min_distance: float) -> RGB:
    """``color``, or the nearest shade of it that is ``min_distance`` from ``against``.

    Darker shades first (a moustache darker than the skin looks natural), lighter ones when no
    darker shade gets that far; the farthest shade tried if neither does. Keeps a shape drawn in a
    face's own colours legible: a brown moustache on dark skin, or a blonde one on tan skin, vanishes
    at 64×64 otherwise.
    """
    if distance(color, against) >= min_distance:
        return color
    shades = [scale(color, 1 - 0.1 * step) for step in range(1, 10)] + \
             [scale(color, 1 + 0.1 * step) for step in range(1, 10)]
    for shade in shades:
        if distance(shade, against) >= min_distance:
            return shade
    return max(shades, key=lambda shade: distance(shade, against))


def nearest(color: np.ndarray | tuple[float, float, float], table: dict[str, RGB]) -> str:
    """The name in ``table`` whose base colour is closest to ``color`` (used by tests and checks)."""
    c = np.asarray(color, dtype=np.float64)
    return min(table, key=lambda name: float(np.sum((np.asarray(table[name], dtype=np.float64) - c) ** 2)))
