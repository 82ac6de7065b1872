"""Run every benchmark (each in its own process) and write ``benchmarks/RESULTS.md``.

Usage::

    python -m benchmarks.run_all [--quick] [--only train_step,generate] [--threads N]
    python -m benchmarks.run_all --collect     # only rewrite RESULTS.md from results/*.json

Each benchmark runs as ``python -m benchmarks.NAME`` so thread pools, Qt and memory start fresh;
each writes ``benchmarks/results/NAME.json`` (quick runs: ``benchmarks/results/quick/``, with their own
``RESULTS.md`` there, so a smoke run never replaces the full results), which this script reads back. ``RESULTS.md`` holds
the machine description (CPU model, cores, torch version and threads, load), the date, a summary
of the targets and every benchmark's tables.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import ROOT, busy_warning, describe_machine, machine, results_dir

BENCHMARKS = ("data", "generate", "utilisation", "train_step", "profile_step", "ui")
TIMEOUT_S = 300


def run_one(name: str, quick: bool, threads: int | None, out: Path) -> tuple[int, float, str]:
    command = [sys.executable, "-m", f"benchmarks.{name}", "--out", str(out)]
    if quick:
        command.append("--quick")
    if threads is not None:
        command += ["--threads", str(threads)]
    print(f"== {name}: {' '.join(command[1:])}", flush=True)
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, timeout=TIMEOUT_S, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
        code, output = done.returncode, done.stdout
    except subprocess.TimeoutExpired as error:
        code, output = -1, (error.stdout or "") if isinstance(error.stdout, str) else ""
        output += f"\ntimed out after {TIMEOUT_S} s"
    seconds = time.perf_counter() - start
    tail = "\n".join(output.strip().splitlines()[-15:])
    print(f"   {'ok' if code == 0 else f'FAILED ({code})'} in {seconds:.0f} s", flush=True)
    if code != 0:
        print(tail, flush=True)
    return code, seconds, tail


def accelerator_results(out: Path) -> list[str]:
    """Names of results measured on a GPU (``NAME_cuda.json``, e.g. ``train_step --device cuda`` on
    a borrowed card): kept beside this machine's and shown after them, with their own machine line."""
    return sorted(p.stem for p in out.glob("*_cuda.json"))


def write_results(names: Sequence[str], outcomes: dict[str, tuple[int, float, str]], quick: bool | None, out: Path,
                  target: Path) -> None:
    """Write ``target`` from ``out/NAME.json`` (then any ``NAME_cuda.json``); ``quick=None`` takes the
    mode from the files. The targets table is this machine's: a GPU result's own targets are left out
    of it (the CPU targets do not apply there) and its figures are in its section."""
    import torch

    m = machine()
    names = list(names) + [n for n in accelerator_results(out) if n not in names]
    results = {}
    for name in names:
        path = out / f"{name}.json"
        if path.is_file():
            results[name] = json.loads(path.read_text(encoding="utf-8"))
    modes = {bool(r.get("quick")) for r in results.values()}
    if quick is None:
        quick = modes == {True}
    mode = "quick (smoke test: small sizes, indicative only)" if quick else "full"
    if len(modes) > 1:
        mode = "mixed: see each benchmark's line (quick results are indicative only)"
    lines = ["# Benchmark results", "",
             f"- Date: {m['date']}",
             f"- Mode: {mode}",
             f"- CPU: {m['cpu']}",
             f"- Cores: {m['usable_cores']} usable of {m['logical_cores']} logical",
             f"- torch {m['torch']}, {torch.get_num_threads()} intra-op threads by default "
             f"(OMP_NUM_THREADS={m['omp_num_threads_env'] or 'unset'}); Python {m['python']}; {m['platform']}",
             f"- Load average when RESULTS.md was written: {m['load_average_1_5_15']}",
             "", "Regenerate with `python -m benchmarks.run_all` (see benchmarks/README.md).", ""]
    target_rows = []
    for name in names:
        if name.endswith("_cuda"):
            continue
        for t in results.get(name, {}).get("targets", []):
            verdict = {True: "met", False: "**missed**", None: "not measured"}[t["met"]]
            sign = "≥" if t["higher_is_better"] else "≤"
            value = "–" if t["value"] is None else f"{t['value']:.3g}"
            target_rows.append(f"| {name} | {t['what']} | {value} {t['unit']} | {sign} {t['target']:g} {t['unit']} | "
                               f"{verdict} |")
    if target_rows:
        lines += ["## Targets", "", "| benchmark | what | measured | target | |", "|---|---|---|---|---|",
                  *target_rows, ""]
    for name in names:
        code, seconds, tail = outcomes.get(name, (None, 0.0, ""))
        result = results.get(name)
        title = result["title"] if result else name
        run_quick = bool(result.get("quick")) if result else quick
        command = (result or {}).get("command") or f"python -m benchmarks.{name}{' --quick' if run_quick else ''}"
        lines += [f"## {title}", "", f"`{command}` — " + (f"{result['elapsed_s']:.0f} s; " if result else "")
                  + (describe_machine(result["machine"]) if result else "no result"), ""]
        if result and busy_warning(result["machine"]):
            lines += [f"**Warning: {busy_warning(result['machine'])}.**", ""]
        if code not in (0, None):
            lines += ["**This run failed:**", "", "```", tail, "```", ""]
        if result and (code in (0, None)):
            lines += [result["markdown"].rstrip(), ""]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every benchmark in quick mode")
    parser.add_argument("--only", default=None, help=f"comma-separated subset of {','.join(BENCHMARKS)}")
    parser.add_argument("--threads", type=int, default=None, help="torch threads for every benchmark")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for the JSON results (default benchmarks/results; with --quick, results/quick)")
    parser.add_argument("--collect", action="store_true",
                        help="run nothing: rewrite RESULTS.md from the JSON files already in --out")
    parser.add_argument("--results", type=Path, default=None,
                        help="Markdown file to write (default benchmarks/RESULTS.md; with --quick, "
                             "RESULTS.md in the quick results folder)")
    args = parser.parse_args(argv)
    args.out = results_dir(args.quick, args.out)
    if args.results is None:
        args.results = args.out / "RESULTS.md" if args.quick else Path(__file__).resolve().parent / "RESULTS.md"
    names = [n for n in (args.only.split(",") if args.only else BENCHMARKS) if n]
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    if args.collect:
        write_results(names, {}, None, args.out, args.results)
        print(f"wrote {args.results}")
        return 0
    outcomes = {name: run_one(name, args.quick, args.threads, args.out) for name in names}
    write_results(names, outcomes, args.quick, args.out, args.results)
    print(f"wrote {args.results}")
    return 0 if all(code == 0 for code, _, _ in outcomes.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
