"""``t2f doctor``: is this machine ready to run T2F? (``python main.py --check`` prints the same.)

One line per thing a first run depends on: Python, the torch build and the device it will use,
Qt and the system libraries its platform plugin needs, and whether the model loads and draws.
Each check catches its own failure, so one broken piece never hides the others; the exit status
is 1 when anything needs fixing. Nothing here imports Qt (see :mod:`core.qt_libraries`).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass

SUMMARY = "check this machine: Python, torch, device, Qt's system libraries, the bundled model"


@dataclass(frozen=True)
class Finding:
    """One checked thing: what it is, what was found, and — when it needs fixing — how."""

    name: str
    value: str
    problem: str | None = None
    note: str | None = None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("doctor", help=SUMMARY, description=SUMMARY[0].upper() + SUMMARY[1:] + ".")
    parser.add_argument("--model", help="check this model or run folder instead of the bundled model")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    findings = run_checks(args.model)
    if args.json:
        print(json.dumps([asdict(f) for f in findings], indent=2))
    else:
        print(format_findings(findings))
    return 1 if any(f.problem for f in findings) else 0


def run_checks(model: str | None = None, environ: Mapping[str, str] = os.environ) -> list[Finding]:
    """Every check, in the order a first run meets them."""
    findings = [check_python()]
    torch_ok = importlib.util.find_spec("torch") is not None
    findings += check_torch() if torch_ok else [Finding("torch", "not installed",
                                                        "torch is not installed: pip install -e . (see README)")]
    findings.append(check_qt(environ))
    if torch_ok:
        findings.append(check_model(model))
    return findings


def check_python() -> Finding:
    version = platform.python_version()
    problem = None if sys.version_info >= (3, 10) else f"T2F needs Python 3.10 or newer, this is {version}"
    return Finding("Python", f"{version} ({sys.executable})", problem)


def check_torch() -> list[Finding]:
    """The torch version and build, and the device ``--device auto`` picks."""
    import torch

    from core.devices import resolve_device, usable_cpu_cores

    cuda = torch.version.cuda
    build = f"CUDA {cuda} build" if cuda else "CPU-only build"
    device = resolve_device("auto")
    note = None
    if cuda and device.type == "cpu":
        note = ("this CUDA build has no GPU to use here; the CPU-only build is a fraction of the download "
                "(see the README's setup)")
    where = (torch.cuda.get_device_name(device) if device.type == "cuda"
             else f"{usable_cpu_cores()} cores, {torch.get_num_threads()} torch threads")
    return [Finding("torch", f"{torch.__version__} ({build})", note=note),
            Finding("device", f"{device} ({where})")]


def check_qt(environ: Mapping[str, str] = os.environ) -> Finding:
    """PySide6's version, the platform Qt will use, and any system library it lacks."""
    from core.qt_libraries import check_qt_libraries, distro_family, explain, read_os_release

    if importlib.util.find_spec("PySide6") is None:
        return Finding("Qt", "PySide6 not installed", "the desktop app needs PySide6: pip install -e .")
    version = _distribution_version("PySide6-Essentials", "PySide6")
    check = check_qt_libraries(environ)
    value = f"PySide6 {version}, platform {check.platform}"
    if not check.ok:
        return Finding("Qt", value, explain(check, distro_family(read_os_release())))
    if check.method == "skipped":
        return Finding("Qt", value + " (no system libraries to check)")
    if check.platform == "xcb" and not environ.get("DISPLAY"):
        return Finding("Qt", value + ", libraries present",
                       note="DISPLAY is not set: the window needs an X display (QT_QPA_PLATFORM=offscreen "
                            "draws without one, for screenshots)")
    return Finding("Qt", value + ", system libraries present")


def check_model(path: str | None = None) -> Finding:
    """Whether the model (the bundled one by default) loads and draws a face."""
    from core.cli.common import DEFAULT_MODEL, load_model

    name = path or str(DEFAULT_MODEL)
    try:
        model = load_model(path, "cpu")
        face = model.generate("a smiling woman", 0)
    except Exception as error:  # noqa: BLE001 - any failure is the finding
        return Finding("model", name, f"the model does not load: {error}")
    facts = model.describe()
    size = face.shape[1]
    return Finding("model", f"{name} loads and draws {size}×{size} faces "
                            f"({facts['parameters']:,} parameters, {facts['images_seen']:,} images seen)")


def _distribution_version(*names: str) -> str:
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "(version unknown)"


def format_findings(findings: list[Finding]) -> str:
    """Aligned ``name  value`` lines, each problem or note indented below its line, then a verdict."""
    width = max(len(f.name) for f in findings)
    lines = []
    for finding in findings:
        mark = "✗" if finding.problem else "✓"
        lines.append(f"{mark} {finding.name:<{width}}  {finding.value}")
        for text in (finding.problem, finding.note):
            if text:
                lines += [f"  {'':<{width}}  {line}" for line in text.splitlines()]
    problems = sum(1 for f in findings if f.problem)
    lines.append("ready" if not problems else f"{problems} problem{'s' if problems > 1 else ''} to fix (see above)")
    return "\n".join(lines)
