"""How well the Refine view's attribute sliders steer, and how fast it answers (issue 30).

    python -m benchmarks.refine [--model resources/models/default] [--seeds 100] [--all]

Sliders: for every slider (the default value of each row of core.refine.moves.SLIDERS; ``--all``:
every value) over ``--seeds`` faces — each a training-dialect description and seed, drawn from a
seed the directions were not found with — the slider is set to −3…+3 in steps of 1 and the judge
reads every face:

* monotone: the judge's probability of the target value never falls by more than 0.01 from one
  step to the next;
* reached: the judge reads the target value at +3;
* others kept: each other attribute's reading at +3 equals its reading at 0 (the worst attribute,
  and the mean over attributes); "path" also asks it at every step from −3 to +3;
* judge-feature distance per slider unit (mean L2 between neighbouring steps' judge features).

Latency (the app, offscreen, 15 variations): a slider drag → the current face repainted, and a
grid step (a click on a variation → 16 faces drawn and repainted). Writes results/refine.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def slider_quality(model, directions, judge, seeds: int, keys: list[str]) -> list[dict]:  # noqa: ANN001
    import torch

    from core.data.synthetic import ATTRIBUTES, make_caption, sample_attributes
    from core.refine.directions import judge_probabilities

    rng = np.random.default_rng(99)
    texts = [make_caption(sample_attributes(rng), rng).text for _ in range(seeds)]
    faces = [int(s) for s in rng.integers(0, 2**32 - 1, seeds)]
    with torch.inference_mode():
        base = model.latents(texts, faces)
    amounts = torch.arange(-3, 4, dtype=torch.float32)
    rows = []
    for key in keys:
        name, value = key.split("=")
        target = ATTRIBUTES[name].index(value)
        latents = (base[None] + amounts[:, None, None] * directions.step(key)[None, None]).reshape(-1, base.shape[1])
        with torch.inference_mode():
            images = model.synthesize(latents, 256)
            features = judge.embed(images).reshape(7, seeds, -1)
        p = {k: v.reshape(7, seeds, -1) for k, v in judge_probabilities(judge, images).items()}
        prob = p[name][:, :, target]
        kept = {k: (p[k].argmax(2)[6] == p[k].argmax(2)[3]).mean() for k in ATTRIBUTES if k != name}
        path = {k: (p[k].argmax(2) == p[k].argmax(2)[3]).all(0).mean() for k in ATTRIBUTES if k != name}
        worst = min(kept, key=kept.get)
        rows.append({"slider": key, "monotone": float((np.diff(prob, axis=0) >= -0.01).all(0).mean()),
                     "reached": float((p[name].argmax(2)[6] == target).mean()),
                     "start": float((p[name].argmax(2)[3] == target).mean()),
                     "others_min": float(kept[worst]), "others_worst": worst,
                     "others_mean": float(np.mean(list(kept.values()))),
                     "path_min": float(min(path.values())),
                     "feature_per_unit": float(np.linalg.norm(np.diff(features, axis=0), axis=2).mean())})
        r = rows[-1]
        print(f"{key:24s} monotone {r['monotone']:.2f} reached {r['reached']:.2f} (from {r['start']:.2f}) "
              f"others {r['others_min']:.2f} ({worst}) mean {r['others_mean']:.2f} path {r['path_min']:.2f} "
              f"dist/unit {r['feature_per_unit']:.2f}", flush=True)
    return rows


def latency(model_dir: Path, repeats: int) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import tempfile

    os.environ["T2F_DESKTOP_SETTINGS"] = str(Path(tempfile.mkdtemp()) / "s.ini")
    from PySide6.QtWidgets import QApplication

    from t2f_desktop.app import create_application
    from t2f_desktop.main_window import MainWindow

    create_application()
    window = MainWindow(restore_session=False)
    window.resize(1360, 860)
    window.show()
    window.session.load(model_dir)

    def wait(condition, timeout=60.0) -> None:  # noqa: ANN001
        end = time.perf_counter() + timeout
        while not condition() and time.perf_counter() < end:
            QApplication.processEvents()
            time.sleep(0.0005)

    wait(lambda: window.session.model is not None and not window.runner.busy)
    view = window.refine_view
    window.tabs.setCurrentWidget(view)
    wait(lambda: view.directions is not None and not window.runner.busy)
    view.count.setValue(15)
    view.start_from("A young woman with long blond hair, blue eyes and a wide smile.", 7)
    wait(lambda: not window.runner.busy)
    drawn = []
    view.drawn.connect(lambda: drawn.append(1))
    _, _, slider, _ = view.sliders.rows[0]
    slider.setSliderDown(True)
    drags = []
    for i in range(repeats):
        drawn.clear()
        start = time.perf_counter()
        slider.setValue((i % 60) - 30 if i % 60 else 1)
        wait(lambda: bool(drawn))
        view.ring.current.repaint()
        drags.append(time.perf_counter() - start)
    slider.setSliderDown(False)
    wait(lambda: not window.runner.busy)
    steps = []
    for i in range(min(repeats, 40)):
        drawn.clear()
        start = time.perf_counter()
        view.pick(i % 15)
        wait(lambda: bool(drawn))
        view.ring.repaint()
        steps.append(time.perf_counter() - start)
        wait(lambda: not window.runner.busy)
    window.shutdown()
    window.close()

    def stats(values: list[float]) -> dict:
        ms = np.array(values) * 1000
        return {"median_ms": float(np.median(ms)), "p95_ms": float(np.percentile(ms, 95)), "n": len(ms)}

    return {"slider_drag": stats(drags), "grid_step_15": stats(steps)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.refine", description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "resources" / "models" / "default")
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--all", action="store_true", help="every value, not only each slider's default")
    parser.add_argument("--repeats", type=int, default=100, help="slider drags timed")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "refine.json")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(2)
    from core.evaluate.judge import AttributeJudge
    from core.model.t2f import T2F
    from core.refine import SLIDERS, directions_for, value_keys

    model = T2F.load(args.model, device="cpu")
    directions = directions_for(model, args.model)
    keys = value_keys() if args.all else list(dict.fromkeys(s.default_key for s in SLIDERS))
    start = time.perf_counter()
    rows = slider_quality(model, directions, AttributeJudge.load(), args.seeds, keys)
    quality_s = time.perf_counter() - start
    timing = latency(args.model, args.repeats)
    print(json.dumps(timing, indent=1))
    result = {"machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch threads 2",
              "model": str(args.model), "seeds": args.seeds, "sliders": rows, "latency": timing,
              "quality_seconds": round(quality_s, 1)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print("\n| slider | monotone | reached at +3 (at 0) | others kept at +3: worst (which) / mean | all steps | "
          "judge-feature distance / unit |\n|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['slider']} | {r['monotone']:.0%} | {r['reached']:.0%} ({r['start']:.0%}) | "
              f"{r['others_min']:.0%} ({r['others_worst']}) / {r['others_mean']:.0%} | {r['path_min']:.0%} | "
              f"{r['feature_per_unit']:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
