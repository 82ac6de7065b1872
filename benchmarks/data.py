"""Training data: synthetic rendering speed, and an epoch with and without the preprocessing cache.

Usage::

    python -m benchmarks.data [--quick] [--threads N]

* rendering: ``SyntheticFaces`` images drawn cold (no memory cache) at 128×128 (native) and
  64×64 (drawn at 128 and box-reduced), faces/s on this thread;
* a generic-format folder (``images/*.png`` + ``captions.jsonl``) written the way ``t2f data synth``
  writes it (``core.data.export.export_generic``), in a temporary folder;
* ``open_dataset(folder, 64, cache_dir=tmp)`` twice: the first call scans and decodes every PNG
  into the cache, the second finds the cache entry and maps it;
* one epoch (shuffled batches of 32 through ``dataset.images``) after each open, and — what every
  epoch would cost with no cache — decoding every PNG with the same ``decode_face`` the cache uses.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from benchmarks.common import Report, log, options, timed

BATCH = 32


def render_rate(count: int, resolution: int) -> float:
    from core.data import SyntheticFaces

    data = SyntheticFaces(count + 3, resolution=resolution, seed=1, memory_cache_mb=0)
    getter = getattr(data, "image_uint8", None) or data.image
    for i in range(count, count + 3):  # warm-up: imports, font and layout caches
        getter(i)
    seconds = timed(lambda: [getter(i) for i in range(count)])
    return count / seconds


def epoch(dataset) -> float:  # noqa: ANN001
    order = np.random.default_rng(0).permutation(len(dataset)).tolist()
    batches = [order[s:s + BATCH] for s in range(0, len(order), BATCH)]
    return timed(lambda: [dataset.images(b) for b in batches])


def decode_epoch(folder: Path, resolution: int) -> tuple[float, int]:
    """Decode every image of the folder as an uncached loader would each epoch; (seconds, count)."""
    from core.data.images import decode_face

    paths = sorted((folder / "images").glob("*.png"))
    order = np.random.default_rng(0).permutation(len(paths))

    def run() -> None:
        for s in range(0, len(order), BATCH):
            pixels = np.stack([decode_face(paths[i], resolution)[0] for i in order[s:s + BATCH]])
            torch.from_numpy(pixels).permute(0, 3, 1, 2).float().div_(127.5).sub_(1.0)

    return timed(run), len(paths)


def main(argv: Sequence[str] | None = None) -> int:
    args = options(__doc__.splitlines()[0], argv)
    quick = args.quick
    report = Report("data", "Training data: rendering and the preprocessing cache", quick)
    render_count = 60 if quick else 400
    folder_count = 96 if quick else 1024
    rows = []
    for resolution in (128, 64):
        log(f"rendering {render_count} faces at {resolution}px …")
        rate = render_rate(render_count, resolution)
        rows.append([f"SyntheticFaces {resolution}×{resolution}, cold", render_count, rate, 1000 / rate])
    report.add_table("Synthetic rendering (one thread, no memory cache)", ["what", "faces", "faces/s", "ms / face"],
                     rows)
    data = {"render_faces_per_s": {str(r[0]): r[2] for r in rows}}

    from core.data import SyntheticFaces, open_dataset
    from core.data.export import export_generic

    with tempfile.TemporaryDirectory(prefix="t2f-bench-data-") as tmp:
        folder, cache = Path(tmp) / "faces", Path(tmp) / "cache"
        log(f"writing {folder_count} faces in the generic format …")
        export_s = timed(lambda: export_generic(SyntheticFaces(folder_count, resolution=128, seed=2), folder))
        log("first open (builds the cache) …")
        start = time.perf_counter()
        cold = open_dataset(folder, 64, cache_dir=cache)
        cold_open = time.perf_counter() - start
        cold_epoch = epoch(cold)
        del cold
        log("second open (cache hit) …")
        start = time.perf_counter()
        warm = open_dataset(folder, 64, cache_dir=cache)
        warm_open = time.perf_counter() - start
        warm_epoch = epoch(warm)
        count = len(warm)
        del warm
        log("an epoch decoding every PNG (no cache) …")
        decode_s, decoded = decode_epoch(folder, 64)
    rows = [
        ["write generic folder (128px PNG, `t2f data synth` path)", export_s, folder_count / export_s, ""],
        ["open_dataset, first (scan + decode into the cache)", cold_open, count / cold_open, "once per folder"],
        ["open_dataset, second (cache hit)", warm_open, count / warm_open, "every run after"],
        ["epoch through the cache (memmap), batches of 32", warm_epoch, count / warm_epoch, "every epoch"],
        ["epoch right after building (pages still hot)", cold_epoch, count / cold_epoch, ""],
        ["epoch without a cache (decode every PNG)", decode_s, decoded / decode_s, "every epoch"],
    ]
    report.add_table(f"A {count}-image generic folder at 64×64", ["step", "seconds", "images/s", "paid"], rows)
    without = decode_s
    with_cache = warm_open + warm_epoch
    report.add_table("Epoch time", ["", "seconds", "images/s"],
                     [["without the cache (decode every epoch)", without, count / without],
                      ["with the cache (open + epoch)", with_cache, count / with_cache],
                      ["speed-up", f"{without / with_cache:.1f}×", None]])
    data.update(images=count, export_s=export_s, open_cold_s=cold_open, open_warm_s=warm_open,
                epoch_cached_s=warm_epoch, epoch_after_build_s=cold_epoch, epoch_decode_s=decode_s)
    report.data = data
    report.notes.append("cache decoding uses the cache's own thread pool (min(8, CPUs) threads); the uncached "
                        "epoch decodes on one thread, as a data loader with num_workers=0 would.")
    if quick:
        report.notes.append(f"QUICK MODE: {render_count} faces rendered, a {folder_count}-image folder.")
    report.finish(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
