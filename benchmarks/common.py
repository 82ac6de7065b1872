"""What every benchmark shares: options, the machine description, statistics, tables and results.

Each benchmark module has ``main(argv)``; it parses :func:`options`, measures, then calls
:func:`finish`, which prints a Markdown table (readable in a terminal too) and writes
``benchmarks/results/NAME.json``. ``run_all`` reads those files back to write ``RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = Path(__file__).resolve().parent / "results"
#: Where ``--quick`` runs write unless ``--out`` says otherwise: a smoke run must not replace the
#: full results that ``RESULTS.md`` and the README quote (this folder is gitignored).
QUICK_RESULTS_DIR = RESULTS_DIR / "quick"


def results_dir(quick: bool, out: Path | None = None) -> Path:
    """``out`` when given, else ``results/quick`` for a quick run and ``results`` for a full one."""
    if out is not None:
        return out
    return QUICK_RESULTS_DIR if quick else RESULTS_DIR


# ---- options ------------------------------------------------------------------------------------
def options(description: str, argv: Sequence[str] | None = None,
            extra: Callable[[argparse.ArgumentParser], None] | None = None) -> argparse.Namespace:
    """``--quick`` (a ≤ 20 s smoke run with smaller sizes), ``--threads N`` and ``--out DIR``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and few repeats: checks the benchmark works (numbers are indicative only)")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch intra-op threads (default: torch's own default, usually the core count)")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for NAME.json (default benchmarks/results; with --quick, benchmarks/results/quick)")
    if extra is not None:
        extra(parser)
    args = parser.parse_args(argv)
    args.out = results_dir(args.quick, args.out)
    if args.threads is not None:
        import torch

        torch.set_num_threads(max(1, args.threads))
    return args


# ---- the machine --------------------------------------------------------------------------------
def cpu_model() -> str:
    """The CPU's marketing name from ``/proc/cpuinfo`` (Linux), else what :mod:`platform` knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def usable_cores() -> int:
    from core.devices import usable_cpu_cores

    return usable_cpu_cores()


def machine() -> dict[str, Any]:
    """Everything needed to compare two result files: CPU, cores, threads, versions, load, date."""
    import torch

    load = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    return {
        "cpu": cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": usable_cores(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "torch_interop_threads": torch.get_num_interop_threads(),
        "omp_num_threads_env": os.environ.get("OMP_NUM_THREADS"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_1_5_15": [round(x, 2) for x in load] if load else None,
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def busy_warning(m: dict[str, Any]) -> str:
    """A warning when other work was running (1-minute load above half the usable cores), else ""."""
    load = m.get("load_average_1_5_15")
    cores = m.get("usable_cores") or 1
    if load and load[0] > 0.5 * cores:
        return (f"the machine was busy (1-minute load {load[0]:.1f} on {cores} cores): numbers are pessimistic "
                "and noisy")
    return ""


def describe_machine(m: dict[str, Any]) -> str:
    load = m.get("load_average_1_5_15")
    text = (f"{m['cpu']}, {m['usable_cores']} usable of {m['logical_cores']} logical cores, torch {m['torch']} "
            f"({m['torch_threads']} intra-op threads), Python {m['python']}")
    if load:
        text += f", load average {load[0]:.2f} at start"
    return text


# ---- statistics ---------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile ``q`` in [0, 100] (numpy's default method), no numpy needed."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median, p50/p95/p99, min, max, mean and count of ``values``."""
    if not values:
        return {"n": 0}
    return {"n": len(values), "median": statistics.median(values), "p50": percentile(values, 50),
            "p95": percentile(values, 95), "p99": percentile(values, 99), "min": min(values),
            "max": max(values), "mean": statistics.fmean(values)}


def timed(fn: Callable[[], Any]) -> float:
    """Seconds one call of ``fn`` takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def repeat(fn: Callable[[], Any], count: int, warmup: int = 1) -> list[float]:
    """Seconds per call over ``count`` calls after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    return [timed(fn) for _ in range(count)]


# ---- tables -------------------------------------------------------------------------------------
def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown table with padded columns, so it reads well printed as well as rendered."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    numeric = [all(_looks_numeric(r[i]) for r in cells[1:]) and len(cells) > 1 for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(c.rjust(w) if num else c.ljust(w)
                                 for c, w, num in zip(row, widths, numeric)) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if num else ("-" * (w + 2)) for w, num in zip(widths, numeric)) + "|"
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]])


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        magnitude = abs(value)
        if magnitude >= 100:
            return f"{value:,.0f}"
        if magnitude >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}" if magnitude >= 0.01 or value == 0 else f"{value:.2g}"
    return str(value)


def _looks_numeric(text: str) -> bool:
    stripped = text.replace(",", "").replace("×", "").replace("%", "").strip()
    if stripped in ("–", ""):
        return True
    try:
        float(stripped)
        return True
    except ValueError:
        return False


# ---- results ------------------------------------------------------------------------------------
@dataclass
class Target:
    """A goal from the brief: ``value`` compared with ``limit`` (``higher`` is better or not)."""

    what: str
    value: float | None
    limit: float
    unit: str
    higher_is_better: bool = True
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.value is None or (isinstance(self.value, float) and math.isnan(self.value)):
            return None
        return self.value >= self.limit if self.higher_is_better else self.value <= self.limit

    def line(self) -> str:
        sign = "≥" if self.higher_is_better else "≤"
        verdict = {True: "MET", False: "MISSED", None: "NOT MEASURED"}[self.met]
        value = "–" if self.value is None else _cell(float(self.value))
        note = f" ({self.note})" if self.note else ""
        limit = _cell(float(self.limit))
        return f"{self.what}: {value} {self.unit} (target {sign} {limit} {self.unit}) — {verdict}{note}"

    def to_dict(self) -> dict[str, Any]:
        return {"what": self.what, "value": self.value, "target": self.limit, "unit": self.unit,
                "higher_is_better": self.higher_is_better, "met": self.met, "note": self.note}


@dataclass
class Report:
    """What one benchmark found; :meth:`finish` prints it and writes the JSON file."""

    name: str
    title: str
    quick: bool
    started: float = field(default_factory=time.perf_counter)
    machine: dict[str, Any] = field(default_factory=machine)
    tables: list[tuple[str, str]] = field(default_factory=list)  # (caption, markdown)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    command: str = ""
    #: The module that wrote it, when its name differs (``train_step`` writes ``train_step_cuda``).
    module: str = ""

    def __post_init__(self) -> None:
        if not self.command:
            args, skip = [], False
            for arg in sys.argv[1:]:
                if skip:
                    skip = False
                    continue
                if arg == "--out":
                    skip = True
                    continue
                if not arg.startswith("--out="):
                    args.append(arg)
            self.command = " ".join([f"python -m benchmarks.{self.module or self.name}", *args])

    def add_table(self, caption: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        self.tables.append((caption, table(headers, list(rows))))

    def markdown(self) -> str:
        parts = []
        for caption, text in self.tables:
            parts += ([f"**{caption}**", ""] if caption else []) + [text, ""]
        if self.targets:
            parts += ["Targets:", ""] + [f"- {t.line()}" for t in self.targets] + [""]
        if self.notes:
            parts += ["Notes:", ""] + [f"- {n}" for n in self.notes] + [""]
        return "\n".join(parts).rstrip() + "\n"

    def finish(self, out: Path | None = None) -> Path:
        elapsed = time.perf_counter() - self.started
        mode = "quick" if self.quick else "full"
        print(f"\n## {self.title} ({mode} mode, {elapsed:.1f} s)\n")
        print(f"Machine: {describe_machine(self.machine)}\n")
        if busy_warning(self.machine):
            print(f"WARNING: {busy_warning(self.machine)}\n")
        print(self.markdown())
        payload = {
            "name": self.name, "title": self.title, "quick": self.quick, "command": self.command,
            "elapsed_s": round(elapsed, 2),
            "machine": self.machine, "markdown": self.markdown(),
            "tables": [{"caption": c, "markdown": t} for c, t in self.tables],
            "targets": [t.to_dict() for t in self.targets], "notes": self.notes, "data": self.data,
        }
        folder = results_dir(self.quick, None if out is None else Path(out))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(payload, indent=2, default=_json_default) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        return path


def _json_default(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    return repr(value)


def log(message: str) -> None:
    """Progress on stderr, so stdout holds only the results."""
    print(message, file=sys.stderr, flush=True)
