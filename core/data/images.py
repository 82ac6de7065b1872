"""Decode one image file into a square RGB face at the training resolution, or say why not.

Policy for imperfect files (also in ``docs/data.md``):

* unreadable, truncated or corrupt files are skipped ("unreadable image (...)");
* grayscale, palette, CMYK and other colour modes are converted to RGB, noted;
* transparency (RGBA, LA, palette with transparency) is flattened onto white, noted;
* 16-bit and 32-bit images are scaled to 8 bits, noted;
* an EXIF rotation is applied, so phone photos stand upright;
* images are centre-cropped to a square (or cropped to a format's face box) and resized with
  Lanczos; a crop smaller than the resolution is upscaled and noted, unless it is smaller than half
  the resolution, which would be mostly blur: then it is skipped;
* an image of more than :data:`MAX_PIXELS` pixels is skipped from its header, before decoding: a
  small file can describe a huge image (a 140 KB PNG can decode to almost a gigabyte).
"""

from __future__ import annotations

import math
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from core.io import ModelFileError, open_regular

Box = tuple[int, int, int, int]

#: The most pixels a dataset image may have (a 1024×1024 CelebA-HQ photo has 1 M). Checked from the
#: header; PIL's own decompression-bomb guard is set to the same so no other open decodes more.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
#: The largest image file opened (an uncompressed 40-megapixel TIFF is 120 MB).
MAX_IMAGE_FILE_BYTES = 256 * 2**20
# PIL warns between one and two times its limit; such images are refused below with a clear reason.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


@dataclass(frozen=True)
class FaceBox:
    """Where the face is in images of one known size, e.g. CelebA's aligned 178×218 photos.

    Used only for images of exactly ``image_size`` (and without EXIF rotation); any other image of
    the same dataset gets the centred square.
    """

    image_size: tuple[int, int]
    box: Box


_DIRECT_TO_RGB = {"L": "grayscale", "1": "black-and-white", "P": "palette", "CMYK": "CMYK",
                  "YCbCr": "YCbCr", "LAB": "Lab", "HSV": "HSV"}
_WITH_ALPHA = ("RGBA", "LA", "PA", "RGBa", "La")
_ORIENTATION = 0x0112  # the EXIF tag


class ImageProblem(Exception):
    """An image that cannot be used; the message is the skip reason shown to the user."""


def decode_face(path: Path, resolution: int, crop: FaceBox | None = None) -> tuple[np.ndarray, list[str]]:
    """``path`` as an ``R×R×3`` uint8 array, plus notes on any conversion made.

    ``crop`` says where the face is in images of a known size; otherwise the centred square is
    used. Raises :class:`ImageProblem` with the reason to show the user.
    """
    notes: list[str] = []
    try:
        with os.fdopen(open_regular(path, MAX_IMAGE_FILE_BYTES), "rb") as handle, Image.open(handle) as image:
            original = image.size
            if original[0] * original[1] > MAX_PIXELS:
                raise ImageProblem(f"image too large ({original[0]}×{original[1]} is "
                                   f"{original[0] * original[1] / 1e6:.0f} megapixels; the limit is "
                                   f"{MAX_PIXELS // 1_000_000})")
            rotated = image.getexif().get(_ORIENTATION, 1) != 1
            use_crop = crop is not None and not rotated and crop.image_size == original
            box: tuple[float, ...] = crop.box if use_crop and crop else _centre_square(original)
            side = box[2] - box[0]
            if side < resolution / 2:
                raise ImageProblem(f"image too small ({original[0]}×{original[1]}; "
                                   f"needs a {math.ceil(resolution / 2)} px square)")
            if side < resolution:
                notes.append(f"upscaled from {round(side)} px")
            scale = _draft(image, side, resolution)
            image.load()
            if rotated:
                image = ImageOps.exif_transpose(image)
                box = _centre_square(image.size)
            else:
                box = tuple(v * scale for v in box)
            rgb = _to_rgb(image, notes)
            face = rgb.resize((resolution, resolution), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
            return np.array(face, dtype=np.uint8), notes
    except ImageProblem:
        raise
    except ModelFileError as error:  # not a regular file, or too large: never opened
        raise ImageProblem(f"unreadable image ({error.problem})") from None
    except Image.DecompressionBombError:
        raise ImageProblem(f"image too large (more than {2 * MAX_PIXELS // 1_000_000} megapixels; "
                           f"the limit is {MAX_PIXELS // 1_000_000})") from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageProblem(f"unreadable image ({_short(error, path)})") from None


def _centre_square(size: tuple[int, int]) -> Box:
    w, h = size
    side = min(w, h)
    left, top = (w - side) // 2, (h - side) // 2
    return left, top, left + side, top + side


def _draft(image: Image.Image, side: float, resolution: int) -> float:
    """Let a JPEG decode at 1/2, 1/4 or 1/8 size while the crop stays at least twice the resolution.

    Decoding a 1024 px CelebA-HQ photo for a 64 px face is mostly wasted work; DCT scaling skips it.
    Returns the scale that was applied to the image's size (1.0 when none).
    """
    factor = 2.0 * resolution / max(side, 1.0)
    if factor > 0.5:
        return 1.0
    width = image.size[0]
    image.draft(None, (math.ceil(image.size[0] * factor), math.ceil(image.size[1] * factor)))
    return image.size[0] / width


def _to_rgb(image: Image.Image, notes: list[str]) -> Image.Image:
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in _WITH_ALPHA or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        notes.append("transparency flattened onto white")
        return flat
    if mode in _DIRECT_TO_RGB:
        if mode != "P":
            notes.append(f"{_DIRECT_TO_RGB[mode]} converted to RGB")
        return image.convert("RGB")
    if mode.startswith("I") or mode == "F":
        pixels = np.asarray(image).astype(np.float64)
        peak = 65535.0 if mode.startswith("I;16") or pixels.max(initial=0) > 255 else 255.0
        if mode == "F":
            peak = 1.0 if pixels.max(initial=0) <= 1.0 else 255.0
        gray = np.clip(pixels * (255.0 / peak), 0, 255).astype(np.uint8)
        notes.append(f"{'floating-point' if mode == 'F' else 'high bit-depth'} image reduced to 8-bit RGB")
        return Image.fromarray(gray, "L").convert("RGB")
    try:
        converted = image.convert("RGB")
    except (ValueError, OSError) as error:
        raise ImageProblem(f"unsupported colour mode {mode} ({_short(error)})") from None
    notes.append(f"{mode} converted to RGB")
    return converted


def _short(error: BaseException, path: Path | None = None) -> str:
    """A short reason: the path is already shown beside it, so it is cut out of the message."""
    text = str(error).strip() or error.__class__.__name__
    text = re.sub(r" ?<_io\.\w+ name=[^>]*>", "", text)  # the open file PIL was handed, shown as a repr
    if path is not None:
        text = text.replace(f" '{path}'", "").replace(f" {path}", "").replace(str(path), Path(path).name)
    return text if len(text) <= 80 else text[:77] + "..."
