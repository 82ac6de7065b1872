"""The window's responsiveness while training runs, and the time from ``python main.py`` to a face.

Usage::

    python -m benchmarks.ui [--quick] [--parts launch,baselines,idle,thread-early,thread-late,process]

Responsiveness: the main window (offscreen, ``QT_QPA_PLATFORM=offscreen``) with a 10 ms
``Qt.PreciseTimer`` in the UI thread recording when each tick really arrives; lateness = interval
− 10 ms. Scenarios:

* ``idle``: nothing else running in this process (the machine's own noise floor);
* ``thread-early``: a run started the way the Train view starts one (``TrainView.start_job`` →
  ``TrainingController`` → ``TrainingWorker`` on a QThread → ``Trainer``), bundled config, at the
  start of its schedule (4×4, batch 64, frequent small steps), with its monitor following the run;
* ``thread-late``: the same at 64×64 (fade-in, batch 32; earlier stages shortened to one step),
  logging every 2 steps, samples every 5 and a checkpoint every 10, so the monitor has work to do;
* ``process``: the same 64×64 training in a child process (its own interpreter, no shared GIL) —
  the contrast that tells GIL contention from CPU contention.

Measuring starts when the trainer's ``TrainingStarted`` event arrives (thread-late: when it
reaches 64×64). Threads are the app's: ``create_application`` gives torch ``cores // 2`` threads.

Launch: ``benchmarks/launch_probe.py`` runs ``main.py`` unchanged (via ``runpy``) in a fresh
interpreter, with settings in a temporary file, and prints milestones (window shown and painted,
model loaded, first face painted); see that file. Measured from just before the subprocess is
started. With no bundled model the app shows its empty state, so "first face" is measured with
``main.py --model DIR`` on a freshly initialised model of ``configs/bundled.json``.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import fixtures
from benchmarks.common import ROOT, Report, Target, log, options, percentile

TICK_MS = 10
TARGET_P99_MS = 50.0
TARGET_MAX_MS = 200.0
TARGET_LAUNCH_S = 4.0
ALL_PARTS = ("launch", "baselines", "idle", "thread-early", "thread-late", "process")
QUICK_PARTS = ("launch", "idle", "thread-early", "thread-late")


# ---- launch ---------------------------------------------------------------------------------------
def _env(settings: Path, expect_face: bool, timeout_s: float) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"QT_QPA_PLATFORM": "offscreen", "T2F_DESKTOP_SETTINGS": str(settings),
                "T2F_PROBE_EXPECT_FACE": "1" if expect_face else "0", "T2F_PROBE_TIMEOUT": str(timeout_s)})
    return env


def launch_once(args: list[str], expect_face: bool, workdir: Path, timeout_s: float = 60) -> dict[str, Any]:
    """Milestones (seconds from just before the subprocess starts) of one probed ``python main.py``."""
    settings = workdir / f"settings-{time.monotonic_ns()}.ini"
    command = [sys.executable, str(ROOT / "benchmarks" / "launch_probe.py"), *args]
    start = time.time()
    done = subprocess.run(command, cwd=ROOT, env=_env(settings, expect_face, timeout_s), capture_output=True,
                          text=True, timeout=timeout_s + 15)
    events: dict[str, float] = {}
    for line in done.stdout.splitlines():
        if line.startswith("T2F-PROBE "):
            record = json.loads(line[len("T2F-PROBE "):])
            events.setdefault(record["event"], record["t"] - start)
    if done.returncode != 0 or "finish" not in events:
        events["error"] = f"exit {done.returncode}: " + (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
    return events


def python_baseline(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


MILESTONES = (("qapplication", "QApplication"), ("window-show", "window shown"),
              ("window-painted", "window painted"), ("model-loaded", "model loaded"),
              ("first-face-painted", "first face painted"))


def measure_launch(report: Report, runs: int, workdir: Path, baselines: bool) -> dict[str, Any]:
    model_dir = workdir / "model"
    fixtures.fresh_model().save(model_dir)
    bundled = fixtures.BUNDLED_MODEL if (fixtures.BUNDLED_MODEL / "config.json").is_file() else None
    cases = [("python main.py (bundled model)" if bundled else "python main.py (no model: empty state)",
              [], bundled is not None),
             ("python main.py --model <fresh bundled-config model>", ["--model", str(model_dir)], True)]
    rows, data = [], {}
    for name, args, face in cases:
        results = []
        for i in range(runs):
            log(f"launch: {name} ({i + 1}/{runs}) …")
            results.append(launch_once(args, face, workdir))
        errors = [r["error"] for r in results if "error" in r]
        medians = {key: statistics.median([r[key] for r in results if key in r]) if any(key in r for r in results)
                   else None for key, _ in MILESTONES}
        rows.append([name] + [medians[key] for key, _ in MILESTONES] + [runs, errors[0] if errors else ""])
        data[name] = {"runs": results, "median_s": medians}
    report.add_table("Launch: seconds from starting the process (median of runs)",
                     ["launch", *(label for _, label in MILESTONES), "runs", "problem"], rows)
    if baselines:
        log("launch baselines …")
        base = {label: python_baseline(code, runs) for label, code in (
            ("python -c pass", "pass"), ("python -c 'import torch'", "import torch"),
            ("python -c 'import PySide6.QtWidgets'", "import PySide6.QtWidgets"),
            ("python -c 'import t2f_desktop.main_window'", "import t2f_desktop.main_window"))}
        report.add_table("What a bare start-up costs (seconds, median)", ["command", "seconds"],
                         [[k, v] for k, v in base.items()])
        data["baselines_s"] = base
    return data


# ---- responsiveness ---------------------------------------------------------------------------------
def lateness_stats(ticks: list[float]) -> dict[str, float]:
    intervals = [1000 * (b - a) for a, b in zip(ticks, ticks[1:])]
    late = [max(0.0, i - TICK_MS) for i in intervals]
    if not late:
        return {"ticks": len(ticks)}
    return {"ticks": len(ticks), "p50_ms": percentile(late, 50), "p99_ms": percentile(late, 99),
            "max_stall_ms": max(intervals), "stalls_over_50ms": sum(1 for i in intervals if i > 50),
            "intervals_ms": intervals}


class Probe:
    """A 10 ms precise timer in the UI thread that records when it actually fires."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def measure(self, seconds: float) -> dict[str, float]:
        self.ticks = []
        self.timer.start()
        spin(seconds)
        self.timer.stop()
        return lateness_stats(self.ticks)


def spin(seconds: float, until=None) -> bool:  # noqa: ANN001
    """Run the Qt event loop for ``seconds`` (or until ``until()`` is true); True if ``until`` was met."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    deadline = time.perf_counter() + seconds
    if until is None:
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()
        return True
    check = QTimer()
    check.setInterval(20)
    check.timeout.connect(lambda: (until() or time.perf_counter() > deadline) and loop.quit())
    check.start()
    loop.exec()
    check.stop()
    return bool(until())


def quiet_dialogs(report: Report) -> None:
    """No modal dialog may block the benchmark: messages are recorded as notes instead."""
    from t2f_desktop import dialogs

    def message(kind: str):  # noqa: ANN202
        return lambda parent, title, text, *a, **k: report.notes.append(f"app {kind} dialog: {title}: {text}")

    for kind in ("error", "warning", "information", "about"):
        if hasattr(dialogs, kind):
            setattr(dialogs, kind, message(kind))
    if hasattr(dialogs, "confirm"):
        dialogs.confirm = lambda *a, **k: True
    for name in ("open_folder", "open_file", "save_file"):
        if hasattr(dialogs, name):
            setattr(dialogs, name, lambda *a, **k: None)


#: The bundled recipe's set-up phases (matching warm-up, attribute reader) and the term that needs
#: the reader, off: the window is measured while GAN steps run, and the benchmark's pre-rendered
#: faces carry no attribute labels for a reader to learn.
GAN_STEPS_ONLY = dict(matching_warmup_steps=0, reader_steps=0, reader_weight=0.0, unsaid_diversity_weight=0.0)


def early_config(batch_scale: float):  # noqa: ANN201 - RunConfig
    """The bundled run config at the start of its schedule (CPU, no mixed precision, GAN steps only)."""
    import dataclasses

    base = fixtures.bundled_run_config()
    train = fixtures._replace(base.train, device="cpu", mixed_precision="off", num_workers=0, **GAN_STEPS_ONLY,
                              batch_sizes=tuple(max(4, int(b * batch_scale)) for b in base.train.batch_sizes))
    return dataclasses.replace(base, train=train)


def late_config(batch_scale: float):  # noqa: ANN201 - RunConfig
    """The bundled config with stages 4×4…32×32 one step long, then a long 64×64 stage."""
    import dataclasses

    base = fixtures.bundled_run_config()
    batches = tuple(max(4, int(b * batch_scale)) for b in base.train.batch_sizes)
    stages = batches[:-1] + (10**7,)
    train = fixtures._replace(base.train, device="cpu", mixed_precision="off", num_workers=0, batch_sizes=batches,
                              **GAN_STEPS_ONLY, stage_images=stages, log_every=2, sample_every=5, checkpoint_every=10)
    return dataclasses.replace(base, train=train)


def run_in_app(window, config, dataset, run_dir: Path, seconds: float, probe: Probe,  # noqa: ANN001
               wait_for_resolution: int | None, report: Report) -> dict[str, Any]:
    """Start ``config`` through the Train view, measure ``seconds`` once it trains, then stop it."""
    from t2f_desktop.workers.training import TrainingJob

    view = window.train_view
    controller = view.controller
    state: dict[str, Any] = {"started": False, "resolution": 0, "failed": None, "metrics": 0}
    controller.started.connect(lambda *_: state.__setitem__("started", True))
    controller.stage_changed.connect(lambda e: state.__setitem__("resolution", getattr(e, "resolution", 0)))
    controller.failed.connect(lambda message: state.__setitem__("failed", message))
    controller.metrics.connect(lambda *_: state.__setitem__("metrics", state["metrics"] + 1))
    job = TrainingJob(run_dir, config=config, dataset=dataset)
    start_job = getattr(view, "start_job", None)
    if start_job is not None:
        start_job(job)
    else:  # pragma: no cover - the view's API moved: drive its controller directly
        controller.start(job)
    setup_start = time.perf_counter()
    ready = (lambda: state["started"] and state["resolution"] >= wait_for_resolution) if wait_for_resolution \
        else (lambda: state["started"])
    if not spin(90, until=lambda: ready() or state["failed"] is not None):
        report.notes.append(f"training did not reach the measured state in 90 s (failed: {state['failed']})")
    setup_s = time.perf_counter() - setup_start
    trainer = controller.trainer
    step0, seen0 = (trainer.step, trainer.images_seen) if trainer is not None else (0, 0)
    t0 = time.perf_counter()
    stats = probe.measure(seconds)
    elapsed = time.perf_counter() - t0
    steps, images = ((trainer.step - step0, trainer.images_seen - seen0) if trainer is not None else (0, 0))
    stop_start = time.perf_counter()
    stop = getattr(view, "stop_and_wait", None) or controller.stop_and_wait
    stop()
    spin(0.2)
    stats.update(setup_s=setup_s, steps=steps, images_per_s=images / elapsed, stop_s=time.perf_counter() - stop_start,
                 metrics_signals=state["metrics"], failed=state["failed"])
    return stats


def _train_child(config_dict: dict, run_dir: str, started, stop, progress, threads: int) -> None:  # noqa: ANN001
    """Child process: train ``config_dict`` until ``stop`` is set; ``progress`` = (steps, images seen)."""
    import threading

    import torch

    torch.set_num_threads(threads)
    from core.config import RunConfig
    from core.training.events import TrainingStarted
    from core.training.trainer import Trainer

    from benchmarks import fixtures as fx

    config = RunConfig.from_dict(config_dict)
    data = fx.faces(64, config.model.resolution)
    holder: list = []

    def callback(event) -> None:  # noqa: ANN001
        if holder:
            progress[0], progress[1] = holder[0].step, holder[0].images_seen
        if isinstance(event, TrainingStarted):
            started.set()

    trainer = Trainer(run_dir, config, data, callbacks=[callback])
    holder.append(trainer)
    threading.Thread(target=lambda: (stop.wait(), trainer.request_stop()), daemon=True).start()
    trainer.train()


def run_in_process(config, run_dir: Path, seconds: float, probe: Probe, threads: int) -> dict[str, Any]:  # noqa: ANN001
    context = mp.get_context("spawn")
    started, stop = context.Event(), context.Event()
    progress = context.Array("q", 2)
    child = context.Process(target=_train_child,
                            args=(config.to_dict(), str(run_dir), started, stop, progress, threads), daemon=True)
    setup_start = time.perf_counter()
    child.start()
    spin(90, until=lambda: started.is_set() or not child.is_alive())
    setup_s = time.perf_counter() - setup_start
    before = tuple(progress)
    t0 = time.perf_counter()
    stats = probe.measure(seconds)
    elapsed = time.perf_counter() - t0
    after = tuple(progress)
    stop.set()
    child.join(60)
    if child.is_alive():
        child.terminate()
    stats.update(setup_s=setup_s, steps=after[0] - before[0], images_per_s=(after[1] - before[1]) / elapsed,
                 stop_s=None, child_exit=child.exitcode,
                 progress_note="steps and images counted at the child's log events (every 2 steps)")
    return stats


def measure_responsiveness(report: Report, parts: set[str], seconds: float, quick: bool,
                           workdir: Path) -> dict[str, Any]:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["T2F_DESKTOP_SETTINGS"] = str(workdir / "settings.ini")
    os.environ.setdefault("T2F_DESKTOP_RESOURCES", str(workdir / "no-resources"))  # no bundled model to draw
    import torch

    try:
        from t2f_desktop.app import create_application

        app = create_application([sys.executable])
    except (ImportError, TypeError):  # pragma: no cover - app API moved
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([sys.executable])
    threads = torch.get_num_threads()
    quiet_dialogs(report)
    from t2f_desktop.main_window import MainWindow

    try:
        window = MainWindow(restore_session=False)
    except TypeError:  # pragma: no cover
        window = MainWindow()
    window.show()
    if hasattr(window, "open_run"):
        window.tabs.setCurrentIndex(getattr(window, "TRAIN", 2))
    spin(0.5)
    probe = Probe()
    scale = 0.25 if quick else 1.0
    data = fixtures.faces(32 if quick else 64, 64)
    results: dict[str, dict[str, Any]] = {}
    if "idle" in parts:
        log("idle window …")
        results["idle window (noise floor)"] = probe.measure(min(seconds, 1.0 if quick else 3.0))
    if "thread-early" in parts:
        log("training on the app's QThread, start of schedule (4×4) …")
        results["app QThread training, 4×4 (start of schedule)"] = run_in_app(
            window, early_config(scale), data, workdir / "run-early", seconds / 2, probe, None, report)
    if "thread-late" in parts:
        log("training on the app's QThread, 64×64 …")
        results["app QThread training, 64×64 (fade-in)"] = run_in_app(
            window, late_config(scale), data, workdir / "run-late", seconds / 2, probe, 64, report)
    if "process" in parts:
        log("training in a child process, 64×64 …")
        results["training in a child process, 64×64"] = run_in_process(
            late_config(scale), workdir / "run-process", seconds / 2, probe, threads)
    shutdown = getattr(window, "shutdown", None)
    if shutdown is not None:
        shutdown()
    window.close()
    spin(0.2)
    del app

    rows = []
    for name, s in results.items():
        rows.append([name, round(sum(s.get("intervals_ms", [])) / 1000, 1), s.get("ticks"), s.get("p50_ms"),
                     s.get("p99_ms"), s.get("max_stall_ms"), s.get("stalls_over_50ms"), s.get("steps"),
                     s.get("images_per_s")])
    report.add_table(f"UI-thread timer lateness (10 ms precise QTimer; torch threads {threads} per thread)",
                     ["scenario", "measured s", "ticks", "p50 late ms", "p99 late ms", "max stall ms",
                      "stalls > 50 ms", "train steps", "train img/s"], rows)
    thread_ticks = [i for k, s in results.items() if k.startswith("app QThread") for i in s.get("intervals_ms", [])]
    combined = None
    if thread_ticks:
        late = [max(0.0, i - TICK_MS) for i in thread_ticks]
        combined = {"p99_ms": percentile(late, 99), "max_stall_ms": max(thread_ticks)}
        report.targets += [
            Target("UI timer p99 lateness while training on the app's QThread", combined["p99_ms"], TARGET_P99_MS,
                   "ms", higher_is_better=False),
            Target("UI max stall while training on the app's QThread", combined["max_stall_ms"], TARGET_MAX_MS, "ms",
                   higher_is_better=False),
        ]
    _explain(report, results)
    report.notes.append(f"sys.getswitchinterval() = {sys.getswitchinterval() * 1000:.1f} ms (the GIL hand-over "
                        "interval); torch ops release the GIL while they compute.")
    return {name: {k: v for k, v in s.items() if k != "intervals_ms"} for name, s in results.items()} | \
        {"thread_combined": combined, "torch_threads": threads}


def _explain(report: Report, results: dict[str, dict[str, Any]]) -> None:
    """Say whether stalls look like GIL contention (thread only) or CPU contention (process too)."""
    thread = [s for k, s in results.items() if k.startswith("app QThread") and "p99_ms" in s]
    process = results.get("training in a child process, 64×64")
    idle = results.get("idle window (noise floor)")
    if not thread:
        return
    worst = max(thread, key=lambda s: s["p99_ms"])
    text = (f"QThread scenarios: worst p99 {worst['p99_ms']:.1f} ms, worst max stall "
            f"{max(s['max_stall_ms'] for s in thread):.0f} ms")
    if process and "p99_ms" in process:
        text += f"; child process: p99 {process['p99_ms']:.1f} ms, max {process['max_stall_ms']:.0f} ms"
    if idle and "p99_ms" in idle:
        text += f"; idle: p99 {idle['p99_ms']:.1f} ms, max {idle['max_stall_ms']:.0f} ms"
    if process and "p99_ms" in process:
        if worst["p99_ms"] > TARGET_P99_MS and process["p99_ms"] <= TARGET_P99_MS:
            text += (". The QThread misses the target where a separate process holds it: the stalls come from "
                     "sharing the interpreter (GIL), not from the CPU — training belongs in a process.")
        elif worst["p99_ms"] > TARGET_P99_MS:
            text += (". The child process stalls the UI too: the cores are oversubscribed (CPU contention); "
                     "moving training out of the UI's interpreter alone would not fix it.")
        else:
            text += ". The QThread holds the target."
    report.notes.append(text)


def main(argv: Sequence[str] | None = None) -> int:
    def extra(parser) -> None:  # noqa: ANN001
        parser.add_argument("--parts", default=None,
                            help=f"comma-separated subset of {','.join(ALL_PARTS)} (quick default: "
                                 f"{','.join(QUICK_PARTS)})")
        parser.add_argument("--seconds", type=float, default=None,
                            help="timer measurement while training, split between the two QThread scenarios "
                                 "(default 30; quick 5)")

    args = options(__doc__.splitlines()[0], argv, extra)
    quick = args.quick
    parts = set((args.parts or ",".join(QUICK_PARTS if quick else ALL_PARTS)).split(","))
    unknown = parts - set(ALL_PARTS)
    if unknown:
        raise SystemExit(f"unknown parts: {', '.join(sorted(unknown))}")
    seconds = args.seconds or (5.0 if quick else 30.0)
    report = Report("ui", "Desktop app: UI responsiveness while training, and launch time", quick)
    data: dict[str, Any] = {"parts": sorted(parts)}
    with tempfile.TemporaryDirectory(prefix="t2f-bench-ui-") as tmp:
        workdir = Path(tmp)
        if "launch" in parts or "baselines" in parts:
            data["launch"] = measure_launch(report, 1 if quick else 3, workdir, "baselines" in parts)
            first_face = [v["median_s"].get("first-face-painted") for k, v in data["launch"].items()
                          if isinstance(v, dict) and "median_s" in v and "--model" in k]
            shown = [v["median_s"].get("window-painted") for k, v in data["launch"].items()
                     if isinstance(v, dict) and "median_s" in v and "--model" not in k]
            report.targets.append(Target("launch: `python main.py --model M` to first face painted",
                                         first_face[0] if first_face else None, TARGET_LAUNCH_S, "s",
                                         higher_is_better=False))
            report.targets.append(Target("launch: `python main.py` to main window painted",
                                         shown[0] if shown else None, TARGET_LAUNCH_S, "s", higher_is_better=False,
                                         note="no bundled model: empty state" if not
                                         (fixtures.BUNDLED_MODEL / "config.json").is_file() else ""))
        if parts & {"idle", "thread-early", "thread-late", "process"}:
            data["responsiveness"] = measure_responsiveness(report, parts, seconds, quick, workdir)
    report.notes.append("Launch is measured through benchmarks/launch_probe.py, which runs main.py unchanged with "
                        "an event filter; the app itself has no first-face hook (see benchmarks/README.md).")
    if quick:
        report.notes.append("QUICK MODE: one launch of each kind, 5 s of timer measurement, training batches ÷ 4, "
                            "no child-process scenario and no start-up baselines.")
    report.data = data
    report.finish(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
