"""Procedural cartoon faces drawn with Pillow: bold shapes so every attribute survives 32×32.

A face is painted back to front on a canvas twice the output size (supersampling), reduced with a
box filter (antialiasing), tilted and lit by a soft linear gradient. Each attribute has a cue that
is large and high in contrast at 64×64 rather than subtle and realistic: big irises, thick frames,
bold wrinkle lines, lipstick, a hat with a wide brim. The painting is a pure function of the
attributes and the generator, so ``(seed, index)`` always gives the same bytes.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

from core.data.synthetic import palette
from core.data.synthetic.attributes import Attributes
from core.data.synthetic.layout import FaceLayout, sample_layout
from core.data.synthetic.palette import RGB

BASE_SIZE = 128
"""Native size of a rendered face; the datasets box-reduce it to smaller training resolutions."""

#: How wrinkle lines are inked, per skin tone (``palette.scale`` factor). Lines darker than the skin
#: vanish on dark skin at 64×64 (the judge read such middle-aged faces as young 35 % of the time), so
#: the darkest tone gets lighter lines instead.
_WRINKLE_INK = {"pale": 0.5, "tan": 0.45, "brown": 0.32, "dark": 1.45}

#: How far (RGB distance) a beard or moustache is set from the skin. A brown moustache on dark skin
#: was 11 apart, and the judge read a third of the moustaches on dark skin as none; drawn in the hair's
#: own shade unless too close, then in a darker one (see ``palette.set_apart``).
_FACIAL_HAIR_CONTRAST = 95.0


def render_face(attrs: Attributes, rng: np.random.Generator, size: int = BASE_SIZE) -> np.ndarray:
    """Paint one face with ``attrs``; returns a ``size×size×3`` uint8 array.

    ``rng`` supplies everything the attributes leave open (pose, proportions, shades); give it a
    generator seeded per image, e.g. ``np.random.default_rng([seed, index])``.
    """
    canvas = 2 * size
    layout = sample_layout(attrs, rng, canvas)
    image = Image.new("RGB", (canvas, canvas), layout.colors.background)
    _FacePainter(image, attrs, layout, rng).paint()
    # Tilting after the 2× reduction costs a quarter of tilting the canvas, and bicubic resampling
    # keeps the antialiased edges smooth.
    image = image.reduce(2).rotate(layout.angle, resample=Image.Resampling.BICUBIC,
                                   center=(layout.cx / 2, layout.cy / 2), fillcolor=layout.colors.background)
    pixels = np.asarray(image, dtype=np.float32)
    return _apply_lighting(pixels, layout.light_angle, layout.light_strength)


@lru_cache(maxsize=8)
def _ramp(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates in ``[-1, 1]`` (x, y), cached per size."""
    axis = np.linspace(-1.0, 1.0, size, dtype=np.float32)
    return axis[None, :], axis[:, None]


def _apply_lighting(pixels: np.ndarray, angle: float, strength: float) -> np.ndarray:
    """Brighten one side and darken the other by up to ``strength``: a light source off to one side."""
    x, y = _ramp(pixels.shape[0])
    gain = 1.0 + strength * (x * math.cos(angle) + y * math.sin(angle))
    return np.clip(pixels * gain[..., None], 0, 255).astype(np.uint8)


def _clockwise_from_right(dx: float, dy: float) -> float:
    """Angle of ``(dx, dy)`` (y down) in ``[-pi/2, 3pi/2)``: increases from the right side via the chin to the left."""
    angle = math.atan2(dy, dx)
    return angle + 2 * math.pi if angle < -math.pi / 2 else angle


class _FacePainter:
    """Draws the layers of one face in order; each method is one feature."""

    def __init__(self, image: Image.Image, attrs: Attributes, layout: FaceLayout,
                 rng: np.random.Generator) -> None:
        self.draw = ImageDraw.Draw(image)
        self.blend = ImageDraw.Draw(image, "RGBA")  # for translucent fills (tinted lenses, blush)
        self.a = attrs
        self.f = layout
        self.c = layout.colors
        self.rng = rng

    def paint(self) -> None:
        self.hair_back()
        self.shoulders()
        self.ears()
        self.face()
        self.wrinkles()
        self.hair_front()
        self.hat()
        self.eyebrows()
        self.eyes()
        self.nose()
        self.facial_hair()
        self.mouth()
        self.moustache()
        self.eyewear()
        self.earrings()

    # -- helpers ---------------------------------------------------------------------------------

    def _px(self, fraction: float) -> int:
        """A line width that is ``fraction`` of the face width, at least 1 px."""
        return max(1, round(self.f.w * fraction))

    def _ellipse(self, x: float, y: float, rx: float, ry: float, fill: RGB | None = None,
                 outline: RGB | None = None, width: int = 1) -> None:
        self.draw.ellipse((x - rx, y - ry, x + rx, y + ry), fill=fill, outline=outline, width=width)

    # -- body and head ---------------------------------------------------------------------------

    def shoulders(self) -> None:
        f, c = self.f, self.c
        neck = palette.scale(c.skin, 0.85)
        self.draw.rectangle((f.cx - f.w * 0.22, f.cy, f.cx + f.w * 0.22, f.chin + f.h * 0.3), fill=neck)
        top = f.chin + f.h * 0.12
        self.draw.ellipse((f.cx - f.w * 0.95, top, f.cx + f.w * 0.95, top + f.w * 1.3), fill=c.shirt)
        self.draw.polygon([(f.cx - f.w * 0.2, top), (f.cx, top + f.w * 0.2), (f.cx + f.w * 0.2, top)], fill=neck)

    def face(self) -> None:
        self.draw.polygon(self.f.outline(), fill=self.c.skin)
        if self.a["gender"] == "woman":  # rosy cheeks, a soft extra cue
            f = self.f
            for side in (-1, 1):
                x, y = f.cx + side * f.eye_dx * 1.05, f.eye_y + f.w * 0.2
                self.blend.ellipse((x - f.w * 0.09, y - f.w * 0.05, x + f.w * 0.09, y + f.w * 0.05),
                                   fill=(235, 80, 90, 70))

    def ears(self) -> None:
        f = self.f
        half = f.half_width(f.ear_y)
        inner = palette.scale(self.c.skin, 0.8)
        for side in (-1, 1):
            x = f.cx + side * half * 0.97
            self._ellipse(x, f.ear_y, f.w * 0.085, f.w * 0.14, fill=self.c.skin)
            self._ellipse(x + side * f.w * 0.02, f.ear_y, f.w * 0.035, f.w * 0.08, fill=inner)

    def wrinkles(self) -> None:
        """Young: none. Middle-aged: two forehead lines, smile lines, a crow's foot. Old: many bold lines."""
        age = self.a["age"]
        if age == "young":
            return
        f = self.f
        old = age == "old"
        ink = palette.scale(self.c.skin, _WRINKLE_INK[self.a["skin_tone"]])
        width = self._px(0.048 if old else 0.038)
        # Forehead lines, between the brows and the hairline.
        lines = 3 if old else 2
        gap = (f.brow_y - f.hairline_y) / (lines + 1.3)
        for k in range(lines):
            y = f.brow_y - gap * (k + 0.9)
            span = f.w * (0.26 - 0.02 * k)
            self.draw.arc((f.cx - span, y - f.w * 0.05, f.cx + span, y + f.w * 0.05), 200, 340,
                          fill=ink, width=width)
        # Smile lines from the nose to the mouth corners.
        for side in (-1, 1):
            x0 = f.cx + side * f.w * 0.12
            x1 = f.cx + side * (f.mouth_w * 0.5 + f.w * (0.05 if old else 0.035))
            pts = [(x0, f.nose_y - f.w * 0.02), (x1, f.mouth_y - f.w * 0.03),
                   (x1 - side * f.w * 0.01, f.mouth_y + f.w * (0.1 if old else 0.04))]
            self.draw.line(pts, fill=ink, width=width, joint="curve")
        # Crow's feet: one line when middle-aged, three when old; they stay visible under a hat and a beard.
        for side in (-1, 1):
            x = f.cx + side * (f.eye_dx + f.eye_rx * 1.65)
            for k in (-1, 0, 1) if old else (0,):
                self.draw.line((x, f.eye_y + k * f.w * 0.025, x + side * f.w * 0.08, f.eye_y + k * f.w * 0.05),
                               fill=ink, width=width)
        if not old:
            return
        for side in (-1, 1):  # bags under the eyes
            ex = f.cx + side * f.eye_dx
            self.draw.arc((ex - f.eye_rx, f.eye_y, ex + f.eye_rx, f.eye_y + f.eye_ry * 2.3), 20, 160,
                          fill=ink, width=width)
        self.draw.arc((f.cx - f.w * 0.13, f.chin - f.w * 0.16, f.cx + f.w * 0.13, f.chin - f.w * 0.04),
                      20, 160, fill=ink, width=width)

    # -- hair and hat ----------------------------------------------------------------------------

    def hair_back(self) -> None:
        style, f, hair = self.a["hair_style"], self.f, self.c.hair
        if style == "long":  # falls behind the neck to the shoulders, widening a little
            reach = f.chin + f.h * self.rng.uniform(0.2, 0.4)
            self._ellipse(f.cx, f.top + f.h * 0.36, f.w * 0.6, f.h * 0.42, fill=hair)
            mid = f.top + f.h * 0.36
            self.draw.polygon([(f.cx - f.w * 0.6, mid), (f.cx + f.w * 0.6, mid), (f.cx + f.w * 0.74, reach),
                               (f.cx - f.w * 0.74, reach)], fill=hair)
        elif style == "curly":
            self._curls(ring=1.0, radius=0.13, bottom=f.ear_y + f.w * 0.2)
        elif style == "short":
            self._ellipse(f.cx, f.top + f.h * 0.34, f.w * 0.55, f.h * 0.40, fill=hair)

    def _curls(self, ring: float, radius: float, bottom: float) -> None:
        """Bumpy hair: overlapping outlined circles around the head from ``bottom`` on one side to the other."""
        f, hair = self.f, self.c.hair
        edge = palette.scale(hair, 0.6) if sum(hair) > 200 else palette.scale(hair, 1.35)
        r = f.w * radius
        cy = f.top + f.h * 0.38
        ry = (cy - f.top) * 1.15 * ring
        rx = f.w * 0.55 * ring
        lowest = math.asin(min(1.0, max(-1.0, (bottom - cy) / ry)))
        angles = np.linspace(math.pi - lowest, 2 * math.pi + lowest, 15)
        jitter = self.rng.uniform(-0.08, 0.08, size=(len(angles), 2)) * f.w
        for a, (jx, jy) in zip(angles, jitter):
            self._ellipse(f.cx + rx * math.cos(a) + jx, cy + ry * math.sin(a) + jy, r, r,
                          fill=hair, outline=edge, width=self._px(0.025))

    def hair_front(self) -> None:
        style, f, hair = self.a["hair_style"], self.f, self.c.hair
        if style == "bald":
            self._ellipse(f.cx - f.w * 0.12, f.top + f.h * 0.1, f.w * 0.14, f.h * 0.05,
                          fill=palette.scale(self.c.skin, 1.25))
            for side in (-1, 1):  # the fringe that is left at the sides shows the hair colour
                x = f.cx + side * f.half_width(f.ear_y - f.w * 0.15) * 0.92
                self._ellipse(x, f.ear_y - f.w * 0.12, f.w * 0.07, f.w * 0.16, fill=hair)
            return
        if style == "curly":
            self._curls(ring=0.82, radius=0.1, bottom=f.hairline_y)
            return
        # Short and long hair: a cap over the top of the head down to a side-parted hairline.
        top = [(x, y) for x, y in zip(f.outline_x, f.outline_y) if y <= f.hairline_y + f.h * 0.02]
        top.sort(key=lambda p: p[0])
        cap = [(f.cx + (x - f.cx) * 1.05, f.cy + (y - f.cy) * 1.05 - f.h * 0.02) for x, y in top]
        part = self.rng.uniform(-0.25, 0.25) * f.w
        fringe = [(f.cx + f.w * 0.5, f.hairline_y + f.h * 0.05), (f.cx + part, f.hairline_y - f.h * 0.03),
                  (f.cx - f.w * 0.5, f.hairline_y + f.h * 0.05)]
        self.draw.polygon(cap + fringe, fill=hair)
        if style == "short" and self.a["gender"] == "man":  # sideburns
            for side in (-1, 1):
                x = f.cx + side * f.half_width(f.ear_y - f.w * 0.1) * 0.95
                self.draw.rectangle((min(x, x - side * f.w * 0.07), f.hairline_y, max(x, x - side * f.w * 0.07),
                                     f.ear_y), fill=hair)
        if style == "long":  # a lock over each temple
            for side in (-1, 1):
                x = f.cx + side * f.half_width(f.hairline_y + f.h * 0.05)
                self.draw.polygon([(x - side * f.w * 0.08, f.hairline_y), (x + side * f.w * 0.04, f.hairline_y),
                                   (x + side * f.w * 0.04, f.ear_y), (x - side * f.w * 0.01, f.ear_y - f.w * 0.1)],
                                  fill=hair)

    def hat(self) -> None:
        if self.a["accessories"] != "hat":
            return
        f, color = self.f, self.c.hat
        brim_y = f.hairline_y - f.h * 0.01
        crown_top = f.top - f.h * 0.2
        self.draw.rounded_rectangle((f.cx - f.w * 0.47, crown_top, f.cx + f.w * 0.47, brim_y),
                                    radius=f.w * 0.2, fill=color)
        self.draw.rectangle((f.cx - f.w * 0.47, brim_y - f.h * 0.09, f.cx + f.w * 0.47, brim_y - f.h * 0.03),
                            fill=palette.scale(color, 0.55) if sum(color) > 150 else palette.scale(color, 1.6))
        self._ellipse(f.cx, brim_y, f.w * 0.72, f.h * 0.05, fill=color)

    # -- features --------------------------------------------------------------------------------

    def eyebrows(self) -> None:
        f = self.f
        color = palette.scale(self.c.hair, 0.75)
        woman = self.a["gender"] == "woman"
        width = self._px(0.035 if woman else 0.06)
        arch = f.w * (0.05 if woman or self.a["expression"] == "surprised" else 0.015)
        for side in (-1, 1):
            ex = f.cx + side * f.eye_dx
            pts = [(ex - side * f.eye_rx * 1.0, f.brow_y + f.w * 0.01), (ex, f.brow_y - arch),
                   (ex + side * f.eye_rx * 1.15, f.brow_y + f.w * 0.015)]
            self.draw.line(pts, fill=color, width=width, joint="curve")

    def eyes(self) -> None:
        f = self.f
        woman = self.a["gender"] == "woman"
        lid = (25, 20, 25) if woman else palette.scale(self.c.skin, 0.45)
        for side in (-1, 1):
            x = f.cx + side * f.eye_dx
            box = (x - f.eye_rx, f.eye_y - f.eye_ry, x + f.eye_rx, f.eye_y + f.eye_ry)
            self.draw.ellipse(box, fill=(250, 250, 250))
            iris = f.eye_ry * 0.95
            self._ellipse(x, f.eye_y, iris, iris, fill=self.c.eyes)
            self._ellipse(x, f.eye_y, iris * 0.42, iris * 0.42, fill=(12, 10, 12))
            self._ellipse(x - iris * 0.35, f.eye_y - iris * 0.35, iris * 0.2, iris * 0.2, fill=(255, 255, 255))
            self.draw.arc(box, 190, 350, fill=lid, width=self._px(0.035 if woman else 0.02))
            if woman:  # long lashes at the outer corner
                for k in range(3):
                    a = math.radians(200 + 25 * k) if side < 0 else math.radians(340 - 25 * k)
                    px, py = x + f.eye_rx * math.cos(a), f.eye_y + f.eye_ry * math.sin(a)
                    self.draw.line((px, py, px + math.cos(a) * f.w * 0.07, py + math.sin(a) * f.w * 0.07 - f.w * 0.02),
                                   fill=lid, width=self._px(0.02))

    def nose(self) -> None:
        f = self.f
        shade = palette.scale(self.c.skin, 0.7)
        self.draw.arc((f.cx - f.w * 0.08, f.nose_y - f.w * 0.06, f.cx + f.w * 0.08, f.nose_y + f.w * 0.04),
                      20, 160, fill=shade, width=self._px(0.025))
        self.draw.line((f.cx + f.w * 0.02, f.eye_y, f.cx + f.w * 0.04, f.nose_y - f.w * 0.02),
                       fill=palette.scale(self.c.skin, 0.85), width=self._px(0.02))

    def mouth(self) -> None:
        f, lips = self.f, self.c.lips
        woman = self.a["gender"] == "woman"
        rim = self._px(0.04 if woman else 0.025)
        x0, x1 = f.cx - f.mouth_w / 2, f.cx + f.mouth_w / 2
        expression = self.a["expression"]
        if expression == "smiling":
            box = (x0, f.mouth_y - f.w * 0.1, x1, f.mouth_y + f.w * 0.11)
            self.draw.chord(box, 0, 180, fill=(110, 25, 35), outline=lips, width=rim)
            self.draw.rectangle((x0 + f.mouth_w * 0.16, f.mouth_y + rim * 0.5, x1 - f.mouth_w * 0.16,
                                 f.mouth_y + f.w * 0.035), fill=(250, 250, 245))
        elif expression == "surprised":
            self._ellipse(f.cx, f.mouth_y, f.w * 0.08, f.w * 0.1, fill=(70, 20, 28), outline=lips, width=rim)
        elif woman:
            self._ellipse(f.cx, f.mouth_y - f.w * 0.018, f.mouth_w * 0.38, f.w * 0.035, fill=lips)
            self._ellipse(f.cx, f.mouth_y + f.w * 0.02, f.mouth_w * 0.33, f.w * 0.04, fill=lips)
            self.draw.line((x0 + f.mouth_w * 0.14, f.mouth_y, x1 - f.mouth_w * 0.14, f.mouth_y),
                           fill=palette.scale(lips, 0.5), width=self._px(0.012))
        else:
            self.draw.line((x0 + f.mouth_w * 0.1, f.mouth_y, f.cx, f.mouth_y + f.w * 0.008,
                            x1 - f.mouth_w * 0.1, f.mouth_y), fill=lips, width=self._px(0.035), joint="curve")

    def facial_hair(self) -> None:
        """Beards cover the lower face and follow its outline, so the face shape stays visible."""
        if self.a["facial_hair"] != "beard":
            return
        f = self.f
        color = self._facial_hair_colour(0.9)
        start = f.ear_y + f.w * 0.02
        lower = [(f.cx + (x - f.cx) * 1.04, f.cy + (y - f.cy) * 1.04)
                 for x, y in zip(f.outline_x, f.outline_y) if y >= start]
        lower.sort(key=lambda p: _clockwise_from_right(p[0] - f.cx, p[1] - f.cy))  # right → chin → left
        lip_top = f.mouth_y - f.w * 0.14
        upper = [(f.cx - f.w * 0.3, f.nose_y + f.w * 0.06), (f.cx, lip_top), (f.cx + f.w * 0.3, f.nose_y + f.w * 0.06)]
        self.draw.polygon(lower + upper, fill=color)
        texture = palette.scale(color, 0.7) if sum(color) > 200 else palette.scale(color, 1.4)
        for _ in range(8):
            x = f.cx + self.rng.uniform(-0.35, 0.35) * f.w
            y = self.rng.uniform(f.mouth_y + f.w * 0.1, f.chin - f.w * 0.02)
            self.draw.line((x, y, x + f.w * 0.02, y + f.w * 0.05), fill=texture, width=self._px(0.015))

    def moustache(self) -> None:
        if self.a["facial_hair"] == "none":
            return
        f = self.f
        y = f.mouth_y - (f.w * 0.1 if self.a["expression"] == "smiling" else f.w * 0.04)
        half = f.mouth_w * 0.62
        pts = [(f.cx - half, y + f.w * 0.06), (f.cx - half * 0.7, y - f.w * 0.07), (f.cx, y - f.w * 0.1),
               (f.cx + half * 0.7, y - f.w * 0.07), (f.cx + half, y + f.w * 0.06), (f.cx, y - f.w * 0.01)]
        self.draw.polygon(pts, fill=self._facial_hair_colour(0.8))

    def _facial_hair_colour(self, shade: float) -> RGB:
        """The hair colour at ``shade``, set apart from the skin so the beard or moustache shows."""
        return palette.set_apart(palette.scale(self.c.hair, shade), self.c.skin, _FACIAL_HAIR_CONTRAST)

    def eyewear(self) -> None:
        kind = self.a["eyewear"]
        if kind == "none":
            return
        f = self.f
        sun = kind == "sunglasses"
        frame = (15, 15, 18) if sun else self.c.frames
        width = self._px(0.04)
        rx, up, down = f.eye_rx * (1.5 if sun else 1.4), f.eye_ry * (1.7 if sun else 1.55), f.eye_ry * 1.5
        for side in (-1, 1):
            x = f.cx + side * f.eye_dx
            box = (x - rx, f.eye_y - up, x + rx, f.eye_y + down)
            if sun:  # a dark tint: the eye colour still shows through, much darker
                self.blend.rounded_rectangle(box, radius=rx * 0.5, fill=(10, 12, 20, 165))
            self.draw.rounded_rectangle(box, radius=rx * 0.5, outline=frame, width=width)
            outer = x + side * rx
            ear = f.cx + side * f.half_width(f.ear_y) * 0.98
            self.draw.line((outer, f.eye_y - up * 0.6, ear, f.ear_y - f.w * 0.04),
                           fill=frame, width=width)
        inner = max(f.eye_dx - rx, f.w * 0.02)  # the bridge, never an inverted box
        self.draw.arc((f.cx - inner, f.eye_y - up * 0.9, f.cx + inner, f.eye_y), 200, 340, fill=frame, width=width)

    def earrings(self) -> None:
        if self.a["accessories"] != "earrings":
            return
        f, color = self.f, self.c.earrings
        hoop = self.rng.random() < 0.5
        for side in (-1, 1):
            x = f.cx + side * f.half_width(f.ear_y) * 0.99
            y = f.ear_y + f.w * 0.13
            if hoop:
                self._ellipse(x, y + f.w * 0.07, f.w * 0.075, f.w * 0.085, outline=color, width=self._px(0.035))
            else:
                self.draw.line((x, y, x, y + f.w * 0.06), fill=color, width=self._px(0.025))
                self._ellipse(x, y + f.w * 0.1, f.w * 0.055, f.w * 0.055, fill=color)
