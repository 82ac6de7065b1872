"""A report a person can look at: a per-attribute bar chart and sample grids, in one HTML page."""

from __future__ import annotations

import html
import json
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core.explore import grid_array, save_png
from core.io import atomic_write_text
from core.model.t2f import to_uint8

BAR_COLOURS = {"generated": (52, 120, 200), "paraphrase": (120, 170, 90), "ceiling": (150, 150, 150),
               "floor": (210, 110, 90)}


def bar_chart(series: dict[str, dict[str, float]], width: int = 900, row: int = 26) -> np.ndarray:
    """Horizontal grouped bars: one group per attribute, one bar per series, values in [0, 1]."""
    names = list(next(iter(series.values())).keys()) if series else []
    for values in series.values():
        names += [n for n in values if n not in names]
    font = ImageFont.load_default()
    label_w, top = 130, 30
    height = top + len(names) * row * max(1, len(series)) // 2 + len(names) * 8 + 20
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    x = label_w
    for key in series:
        colour = BAR_COLOURS.get(key, (90, 90, 90))
        draw.rectangle([x, 8, x + 12, 20], fill=colour)
        draw.text((x + 16, 8), key, fill="black", font=font)
        x += 140
    bar_h = max(4, row // 2 - 2)
    y = top
    span = width - label_w - 60
    for name in names:
        draw.text((4, y + 2), name.replace("_", " "), fill="black", font=font)
        for key, values in series.items():
            value = values.get(name)
            if value is not None:
                colour = BAR_COLOURS.get(key, (90, 90, 90))
                draw.rectangle([label_w, y, label_w + int(span * value), y + bar_h - 1], fill=colour)
                draw.text((label_w + int(span * value) + 4, y - 2), f"{value:.2f}", fill="black", font=font)
            y += bar_h + 1
        y += 8
    for frac in (0.0, 0.5, 1.0):
        gx = label_w + int(span * frac)
        draw.line([gx, top - 4, gx, y], fill=(200, 200, 200))
    return np.asarray(image)


def caption_sheet(faces: np.ndarray, texts: Sequence[str], per_caption: int, scale: int = 2,
                  text_width: int = 420) -> np.ndarray:
    """One picture of ``len(texts)`` rows: each caption's ``per_caption`` faces, then its words.

    ``faces`` is ``len(texts)·per_caption × H × W × 3`` uint8, caption-major. A single image a
    README or an issue can show, so faces are never separated from what they were asked to be.
    """
    font = ImageFont.load_default()
    size, pad = faces.shape[1] * scale, 4
    row_h = size + pad
    sheet = Image.new("RGB", (per_caption * (size + pad) + pad + text_width, len(texts) * row_h + pad), "white")
    draw = ImageDraw.Draw(sheet)
    for i, text in enumerate(texts):
        y = pad + i * row_h
        for k in range(per_caption):
            face = Image.fromarray(faces[i * per_caption + k]).resize((size, size), Image.Resampling.NEAREST)
            sheet.paste(face, (pad + k * (size + pad), y))
        lines = textwrap.wrap(text, width=max(20, text_width // 7))
        line_h = 13
        top = y + max(0, (size - line_h * len(lines)) // 2)
        for j, line in enumerate(lines):
            draw.text((per_caption * (size + pad) + 2 * pad, top + j * line_h), line, fill="black", font=font)
    return np.asarray(sheet)


def save_side_by_side(report: dict, path: Path, rows: int | None = None) -> Path:
    """Save the first ``rows`` captions' real faces beside their generated ones (see
    :mod:`core.evaluate.sheet`), atomically; real faces are rendered for a person's own captions."""
    from core.evaluate.sheet import SHEET_ROWS, real_for_captions, side_by_side_sheet

    images = report["_images"]
    captions = images["captions"][: rows or SHEET_ROWS]
    seeds = report["seeds"]
    generated = images["generated"][: len(captions) * seeds]
    real = images.get("real")
    if real is None:
        real = real_for_captions([c.attributes for c in captions], generated.shape[-1])
    save_png(side_by_side_sheet(to_uint8(real[: len(captions)]), to_uint8(generated), [c.text for c in captions]),
             path)
    return path


def write_report(report: dict, folder: Path, grids: int = 12) -> Path:
    """Write ``report.json``, ``attributes.png``, ``samples_*.png``, ``sheet.png`` (all sample rows with
    their captions in one picture), ``side_by_side.png`` (real faces beside generated ones) and
    ``index.html``; returns the page."""
    folder.mkdir(parents=True, exist_ok=True)
    images = report.get("_images", {})
    public = {k: v for k, v in report.items() if not k.startswith("_")}
    atomic_write_text(folder / "report.json", json.dumps(public, indent=2) + "\n")
    series = {"generated": public["faithfulness"]["per_attribute"]}
    for key, name in (("paraphrase", "paraphrase"), ("ceiling_real_faces", "ceiling"),
                      ("floor_shuffled_captions", "floor")):
        if key in public:
            series[name] = public[key]["per_attribute"]
    save_png(bar_chart(series), folder / "attributes.png")
    rows = []
    generated, captions = images.get("generated"), images.get("captions", [])
    seeds = public["seeds"]
    shown = captions[:grids]
    shown_faces = to_uint8(generated[: len(shown) * seeds]) if shown else None
    if shown:
        save_png(caption_sheet(shown_faces, [c.text for c in shown], seeds), folder / "sheet.png")
    for i, caption in enumerate(shown):
        faces = shown_faces[i * seeds : (i + 1) * seeds]
        save_png(grid_array(faces.repeat(2, 1).repeat(2, 2), columns=seeds), folder / f"samples_{i:02d}.png")
        asked = ", ".join(f"{k}={v}" for k, v in caption.attributes.items())
        rows.append(f"<tr><td><img src='samples_{i:02d}.png'></td><td>{html.escape(caption.text)}"
                    f"<br><small>{html.escape(asked)}</small></td></tr>")
    if captions:
        save_side_by_side(report, folder / "side_by_side.png")
    summary = "".join(f"<li><b>{html.escape(k)}</b>: {html.escape(json.dumps(v))}</li>"
                      for k, v in public.items() if k not in ("faithfulness",))
    page = (f"<!doctype html><meta charset='utf-8'><title>T2F evaluation</title>"
            f"<h1>T2F evaluation</h1><p>Mean text-faithfulness: <b>{public['faithfulness']['mean']:.3f}</b></p>"
            f"<img src='attributes.png'><ul>{summary}</ul>"
            + ("<h2>Real faces beside generated ones</h2><img src='side_by_side.png'>" if captions else "")
            + f"<table>{''.join(rows)}</table>")
    atomic_write_text(folder / "index.html", page)
    return folder / "index.html"
