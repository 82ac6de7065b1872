"""Drawing faces: one-face latency, batch throughput and interpolation frame rate.

Usage::

    python -m benchmarks.generate [--quick] [--threads N]

Uses the bundled model at ``resources/models/default`` when it exists, else a freshly initialised
model of ``configs/bundled.json``'s model config with a tokenizer trained on synthetic captions
(the speed of a forward pass does not depend on the weights). Everything goes through the public
calls the app and CLI use: ``T2F.generate`` and ``core.explore.interpolate``.

* latency: ``generate(text, seed)`` for one 64×64 face, a new seed each call, p50/p95 — at torch's
  default thread count and at the app's setting (``cores // 2`` per thread, see
  ``t2f_desktop.app.share_cpu_threads``); with a breakdown into text → latent, generator, and
  conversion to uint8;
* throughput at batch 1, 16 and 64 (one text, consecutive seeds), faces/s;
* interpolation: 120 frames between two (text, seed) endpoints, frames/s.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence

import torch

from benchmarks import fixtures
from benchmarks.common import Report, Target, log, options, repeat, summary

TARGET_P50_MS = 15.0
TARGET_INTERP_FPS = 60.0
FRAMES = 120


def latency(model, reps: int) -> dict[str, float]:  # noqa: ANN001
    text = fixtures.TEXTS[0]
    seeds = iter(range(10_000, 10_000 + reps + 10))
    return summary([1000 * s for s in repeat(lambda: model.generate(text, next(seeds)), reps, warmup=5)])


def breakdown(model, reps: int) -> dict[str, dict[str, float]]:  # noqa: ANN001
    """p50/p95 of the three parts of one ``generate`` call, measured separately."""
    from core.model.t2f import to_uint8

    text = fixtures.TEXTS[1]
    with torch.inference_mode():
        latent = model.latents([text], [1])
        images = model.synthesize(latent)
        parts = {
            "text → latent (tokenize, LSTM, CA, noise)": lambda: model.latents([text], [1]),
            "generator (synthesize)": lambda: model.synthesize(latent),
            "to uint8": lambda: to_uint8(images),
        }
        return {name: summary([1000 * s for s in repeat(fn, reps, warmup=3)]) for name, fn in parts.items()}


def throughput(model, batch: int, reps: int) -> float:  # noqa: ANN001
    text = fixtures.TEXTS[2]
    seeds = list(range(batch))
    times = repeat(lambda: model.generate(text, seeds), reps, warmup=1)
    return batch / statistics.median(times)


def interpolation_fps(model, reps: int) -> tuple[float, list[float]]:  # noqa: ANN001
    from core.explore import Endpoint, interpolate

    start, end = Endpoint(fixtures.TEXTS[0], 1), Endpoint(fixtures.TEXTS[1], 2)
    times = repeat(lambda: interpolate(model, start, end, FRAMES), reps, warmup=1)
    return FRAMES / statistics.median(times), times


def main(argv: Sequence[str] | None = None) -> int:
    args = options(__doc__.splitlines()[0], argv)
    quick = args.quick
    report = Report("generate", "Drawing faces: latency, throughput, interpolation", quick)
    log("loading the model …")
    model, source = fixtures.load_model()
    model = model.to("cpu").eval()
    resolution = model.info.resolution
    default_threads = torch.get_num_threads()
    app_threads = max(1, (os.cpu_count() or 2) // 2)
    reps = 25 if quick else 300

    rows, data = [], {"model": source, "resolution": resolution, "parameters": model.parameter_count()}
    thread_settings = [default_threads] + ([app_threads] if app_threads != default_threads else [])
    latencies, parts = {}, {}
    for threads in thread_settings:
        torch.set_num_threads(threads)
        log(f"latency, {threads} thread(s) …")
        stats = latency(model, reps)
        latencies[threads] = stats
        if threads == default_threads:
            log("breakdown …")
            parts = breakdown(model, max(10, reps // 2))
        if threads != default_threads:
            label = "the app's setting, cores // 2"
        else:
            label = "set by --threads" if args.threads is not None else "torch default"
        rows.append([f"{threads} ({label})", stats["p50"], stats["p95"], stats["min"], stats["n"]])
    torch.set_num_threads(default_threads)
    report.add_table(f"One {resolution}×{resolution} face: `T2F.generate(text, seed)` latency (ms)",
                     ["torch threads", "p50", "p95", "min", "calls"], rows)
    data["latency_ms"] = {str(k): v for k, v in latencies.items()}

    report.add_table(f"Where one face's time goes ({default_threads} torch thread"
                     f"{'s' if default_threads > 1 else ''}, ms, measured separately)",
                     ["part", "p50", "p95"],
                     [[name, s["p50"], s["p95"]] for name, s in parts.items()])
    data["breakdown_ms"] = parts

    log("throughput …")
    batches = {1: 10 if quick else 60, 16: 3 if quick else 15, 64: 2 if quick else 6}
    rates = {b: throughput(model, b, n) for b, n in batches.items()}
    report.add_table("Throughput, one text and consecutive seeds (faces/s)", ["batch", "faces/s", "ms per face"],
                     [[b, r, 1000 / r] for b, r in rates.items()])
    data["throughput_faces_per_s"] = rates

    log("interpolation …")
    fps, times = interpolation_fps(model, 1 if quick else 5)
    report.add_table(f"Interpolation: `core.explore.interpolate`, {FRAMES} frames, mode both, slerp",
                     ["frames", "median s", "frames/s"], [[FRAMES, statistics.median(times), fps]])
    data["interpolation"] = {"frames": FRAMES, "seconds": times, "frames_per_s": fps}

    p50 = latencies[default_threads]["p50"]
    plural = "s" if default_threads > 1 else ""
    report.targets += [
        Target(f"one-face p50 latency ({default_threads} torch thread{plural})", p50, TARGET_P50_MS, "ms",
               higher_is_better=False),
        Target(f"interpolation, {FRAMES} frames", fps, TARGET_INTERP_FPS, "frames/s"),
    ]
    report.notes.append(f"model: {source}, {model.parameter_count() / 1e6:.2f} M parameters "
                        f"(text encoder + CA + generator), drawing at {resolution}×{resolution}.")
    if quick:
        report.notes.append("QUICK MODE: fewer repeats (25 latency calls, 1 interpolation).")
    report.data = data
    report.finish(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
