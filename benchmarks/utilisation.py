"""How much of the machine one training iteration uses: counted FLOPs ÷ time, against a matmul peak.

Usage::

    python -m benchmarks.utilisation [--quick] [--threads N] [--device cuda] [--batch N]

On CUDA the step is timed between two synchronisations (ten steps a call), and the peak is measured
for float32 and bfloat16 matmuls (TF32 as torch's default allows it), so the table gives the
fraction of each.

* FLOPs of one ``Trainer.train_step`` (64×64, α = 0.5, widths (256, 256, 128, 64, 32), penalty on
  this step) counted with ``torch.utils.flop_counter.FlopCounterMode`` — convolutions (forward,
  backward, and the penalty's double backward) and matrix products (LSTMs, linear layers);
  element-wise work is not counted, so utilisation is a lower bound of "useful" work;
* the same step timed without the counter (median of a few);
* this machine's peak: the best of several large float32 matmuls (2·n³ FLOPs each), in the same
  run and with the same thread count.
"""

from __future__ import annotations

import statistics
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import torch

from benchmarks import fixtures
from benchmarks.common import Report, log, options, repeat


def matmul_peak(n: int, reps: int, device: torch.device | None = None,
                dtype: torch.dtype = torch.float32) -> tuple[float, list[float]]:
    device = device or torch.device("cpu")
    a, b = torch.randn(n, n, device=device, dtype=dtype), torch.randn(n, n, device=device, dtype=dtype)
    out = torch.empty(n, n, device=device, dtype=dtype)
    calls = 20 if device.type == "cuda" else 1
    times = repeat(synchronised(lambda: torch.mm(a, b, out=out), device, calls), reps, warmup=2)
    rates = [calls * 2 * n**3 / t / 1e9 for t in times]
    return max(rates), rates


def synchronised(step, device: torch.device, calls: int):  # noqa: ANN001, ANN201
    """``step`` ``calls`` times, finished on the device (CUDA work is asynchronous)."""
    if device.type != "cuda":
        return step

    def run() -> None:
        torch.cuda.synchronize(device)
        for _ in range(calls):
            step()
        torch.cuda.synchronize(device)

    return run


class _GlobalOnly:
    """Stands in for FlopCounterMode's per-module tracker, which cannot follow ``autograd.grad``.

    The tracker's backward hooks raise "A leaf node was passed to _will_engine_execute_node" inside
    the gradient penalty's ``torch.autograd.grad`` on a leaf input; we only need global totals.
    """

    parents = {"Global"}

    def __enter__(self) -> "_GlobalOnly":
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def count_flops(step) -> tuple[int, dict[str, int]]:  # noqa: ANN001
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    if hasattr(counter, "mod_tracker"):
        counter.mod_tracker = _GlobalOnly()
    with counter:
        step()
    per_op: dict[str, int] = defaultdict(int)
    for op, flops in counter.get_flop_counts().get("Global", {}).items():
        per_op[str(op).split(".")[1] if str(op).startswith("aten.") else str(op)] += int(flops)
    return int(counter.get_total_flops()), dict(per_op)


def main(argv: Sequence[str] | None = None) -> int:
    def extra(parser) -> None:  # noqa: ANN001
        parser.add_argument("--device", default="cpu", help="cpu (default) or cuda[:N]")
        parser.add_argument("--batch", type=int, default=None, help="batch size (default 32; 4 with --quick)")

    args = options(__doc__.splitlines()[0], argv, extra=extra)
    from core.devices import resolve_device

    device = resolve_device(args.device)
    gpu = device.type == "cuda"
    calls = 10 if gpu else 1
    quick = args.quick
    batch = args.batch or (4 if quick else 32)
    report = Report("utilisation" + ("_cuda" if gpu else "") + (f"_b{batch}" if args.batch else ""),
                    "Training iteration: achieved GFLOP/s against this machine's matmul peak", quick)
    on = dict(device=str(device))
    with tempfile.TemporaryDirectory(prefix="t2f-bench-util-") as tmp:
        trainer, pos = fixtures.make_trainer(Path(tmp) / "run", fixtures.COMPARISON_WIDTHS, batch, gp_every=1,
                                             dataset=fixtures.faces(max(16, 2 * batch), 64), **on)
        step = lambda: trainer.train_step(pos)  # noqa: E731
        log("warm-up …")
        step()
        log("counting FLOPs …")
        total, per_op = count_flops(step)
        log("timing …")
        times = [t / calls for t in repeat(synchronised(step, device, calls), 2 if quick else 4, warmup=1)]
        log("counting FLOPs of the other iterations …")
        work = {"ours, GP step (gp_every=1)": total}
        plain, plain_pos = fixtures.make_trainer(Path(tmp) / "plain", fixtures.COMPARISON_WIDTHS, batch,
                                                 gp_weight=0.0, dataset=fixtures.faces(max(16, 2 * batch), 64), **on)
        work["ours, plain step (no GP)"] = count_flops(lambda: plain.train_step(plain_pos))[0]
        work["ours, gp_every=4 schedule (per step)"] = (total + 3 * work["ours, plain step (no GP)"]) / 4
        try:
            from benchmarks.train_step import ProGanIteration

            bundled = fixtures.bundled_run_config().model
            progan = ProGanIteration(fixtures.COMPARISON_WIDTHS, bundled.ca_dim + bundled.noise_dim, batch,
                                     fixtures.faces(max(16, 2 * batch), 64))
            work["pro-gan-pth 3.4 iteration (WGAN-GP)"] = count_flops(progan)[0]
        except ImportError as error:
            report.notes.append(str(error))
    log("matmul peak …")
    n = 1024 if quick else (8192 if gpu else 2048)
    peak, peak_rates = matmul_peak(n, 3 if quick else 6, device)
    seconds = statistics.median(times)
    achieved = total / seconds / 1e9
    peaks = {"float32": peak}
    if gpu:
        peaks["bfloat16"] = matmul_peak(n, 3 if quick else 6, device, torch.bfloat16)[0]
    report.add_table(f"One iteration (D step with penalty + G step), batch {batch}, 64×64, "
                     f"{torch.get_num_threads()} torch threads",
                     ["measure", "value"],
                     [["counted GFLOP per iteration", total / 1e9],
                      ["counted GFLOP per image", total / 1e9 / batch],
                      ["seconds per iteration (median)", seconds],
                      ["achieved GFLOP/s", achieved],
                      [f"peak GFLOP/s (float32 matmul {n}×{n}, best of {len(peak_rates)})", peak],
                      ["utilisation (achieved ÷ peak)", f"{100 * achieved / peak:.1f} %"],
                      *[row for dtype, value in peaks.items() if dtype != "float32"
                        for row in ([f"peak GFLOP/s ({dtype} matmul)", value],
                                    [f"utilisation of the {dtype} peak", f"{100 * achieved / value:.1f} %"])],
                      ["images/s (measured)", batch / seconds],
                      ["images/s at 100 % of the matmul peak (bound)", peak * 1e9 / (total / batch)]])
    ranked = sorted(per_op.items(), key=lambda kv: -kv[1])
    report.add_table("Counted FLOPs by operator", ["operator", "GFLOP", "share"],
                     [[op, f / 1e9, f"{100 * f / total:.1f} %"] for op, f in ranked])
    reference = work.get("pro-gan-pth 3.4 iteration (WGAN-GP)")
    report.add_table("Counted work per image, same widths (machine-independent)",
                     ["iteration", "GFLOP / image", "pro-gan-pth ÷ this (speed-up bound at equal efficiency)"],
                     [[name, f / batch / 1e9, reference / f if reference else None] for name, f in work.items()])
    report.data = {"work_flops": work, "batch": batch, "flops": total, "flops_by_op": per_op, "seconds": times,
                   "achieved_gflops": achieved, "peak_gflops": peak, "peak_runs_gflops": peak_rates,
                   "utilisation": achieved / peak, "peaks_gflops": peaks, "device": str(device),
                   "images_per_s": batch / seconds}
    report.notes.append("FlopCounterMode counts matmul-like and convolution ops (incl. convolution_backward); "
                        "element-wise ops, pooling, norms, the optimizer and oneDNN's fused LSTM layers "
                        "(mkldnn_rnn_layer, ~1 % of the work here) are not counted.")
    if quick:
        report.notes.append("QUICK MODE: batch 4 and a 1024² matmul; small batches use the cores less well.")
    report.finish(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
