"""Data pipeline throughput on one core: rendering, captions, batches, and the preprocessing cache.

Usage::

    python benchmarks/bench_data.py [--faces 300] [--json runs/bench/bench_data.json]
    python benchmarks/bench_data.py --distribution 20000   # attribute frequencies as a Markdown table

Prints a table and writes the numbers as JSON. The renderer's target is 300 faces/s at 128×128 on
one core; below that, datasets should be pre-rendered (``t2f data synth``) and loaded through the
cache instead of rendered during training.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from core.data import SyntheticFaces, open_dataset  # noqa: E402
from core.data.export import export_generic  # noqa: E402
from core.data.synthetic import face_rng, make_captions, render_face, sample_attributes  # noqa: E402

RENDER_TARGET = 300.0


def rate(count: int, run: Callable[[], object]) -> tuple[float, float, float]:
    """``(items per wall-clock second, items per CPU second, wall seconds)`` for one call of ``run``.

    The CPU-time rate is what one core achieves even when other jobs share the machine; the
    wall-clock rate is what was observed. Multi-threaded steps (cache build) use more than one core.
    """
    start, cpu_start = time.perf_counter(), time.process_time()
    run()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return count / seconds, count / max(cpu, 1e-9), seconds


def bench(faces: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []

    def add(name: str, count: int, unit: str, run: Callable[[], object], note: str = "") -> None:
        per_second, per_cpu_second, seconds = rate(count, run)
        rows.append({"benchmark": name, "items": count, "unit": unit, "per_second": round(per_second, 1),
                     "per_cpu_second": round(per_cpu_second, 1), "seconds": round(seconds, 3), "note": note})

    attrs = [sample_attributes(face_rng(0, "train", i, 0)) for i in range(faces)]
    add("sample attributes", 5000, "faces",
        lambda: [sample_attributes(face_rng(0, "train", i, 0)) for i in range(5000)])
    add("captions (5 per face)", faces, "faces",
        lambda: [make_captions(a, face_rng(0, "train", i, 2), 5) for i, a in enumerate(attrs)])
    add("render 128x128", faces, "faces",
        lambda: [render_face(a, face_rng(0, "train", i, 1), 128) for i, a in enumerate(attrs)],
        f"target >= {RENDER_TARGET:.0f}/s")
    data = SyntheticFaces(faces, resolution=64)
    batches = [list(range(s, min(s + 64, faces))) for s in range(0, faces, 64)]
    add("SyntheticFaces.images 64px, cold", faces, "faces", lambda: [data.images(b) for b in batches], "renders")
    add("SyntheticFaces.images 64px, warm", faces, "faces", lambda: [data.images(b) for b in batches], "memory LRU")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "faces"
        count = min(faces, 200)
        add("export generic (PNG 128px)", count, "faces",
            lambda: export_generic(SyntheticFaces(count, resolution=128), folder))
        cache = Path(tmp) / "cache"
        add("cache build 64px (decode PNG)", count, "images", lambda: open_dataset(folder, 64, cache))
        add("cache load 64px", count, "images", lambda: open_dataset(folder, 64, cache), "no decoding")
        cached = open_dataset(folder, 64, cache)
        index_batches = [np.random.default_rng(s).integers(0, count, 64).tolist() for s in range(50)]
        add("cached images() batch 64", 50 * 64, "images", lambda: [cached.images(b) for b in index_batches],
            "memmap")
    return rows


def distribution(count: int, seed: int = 0) -> str:
    """Measured frequency of every attribute value over ``count`` training faces, as Markdown."""
    from collections import Counter

    from core.data import ATTRIBUTES

    drawn = [sample_attributes(face_rng(seed, "train", i, 0)) for i in range(count)]
    lines = [f"Measured over {count:,} training faces (seed {seed}):", "", "| attribute | values (share of images) |",
             "|---|---|"]
    for name, values in ATTRIBUTES.items():
        counts = Counter(a[name] for a in drawn)
        shares = ", ".join(f"{v} {100 * counts[v] / count:.1f} %" for v in values)
        lines.append(f"| `{name}` | {shares} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faces", type=int, default=300, help="faces per benchmark (default 300)")
    parser.add_argument("--json", type=Path, default=Path("runs/bench/bench_data.json"), help="where to write results")
    parser.add_argument("--distribution", type=int, metavar="N", default=0,
                        help="print attribute frequencies over N sampled faces instead of timing")
    args = parser.parse_args(argv)
    if args.distribution:
        print(distribution(args.distribution))
        return 0
    torch.set_num_threads(1)
    rows = bench(args.faces)
    width = max(len(str(r["benchmark"])) for r in rows)
    print(f"{'benchmark':<{width}}  {'per second':>11}  {'per CPU s':>10}  {'seconds':>8}  note")
    for r in rows:
        print(f"{r['benchmark']:<{width}}  {r['per_second']:>11,.1f}  {r['per_cpu_second']:>10,.1f}  "
              f"{r['seconds']:>8.3f}  {r['note']}")
    render = next(r for r in rows if r["benchmark"] == "render 128x128")
    speed = float(render["per_cpu_second"])  # type: ignore[arg-type]
    verdict = "meets" if speed >= RENDER_TARGET else "misses"
    print(f"\nrendering: {speed:,.0f} faces per CPU second, {verdict} the {RENDER_TARGET:.0f}/s target on one core")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    result = {"machine": platform.platform(), "python": platform.python_version(), "torch_threads": 1,
              "cpus": os.cpu_count(), "load_average_1min": load,
              "render_target_per_second": RENDER_TARGET, "results": rows}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
