"""Training speed with 1 or 2 torch threads, on an idle machine and beside busy processes.

Why: ``t2f train --preset tiny`` took 839 s at load 5–8 against 39 s at load 2.5, while the app's
run of the same preset took 78 s at load ~8 (issue 25, item 10). The app gives torch half the cores
(``t2f_desktop.app.share_cpu_threads``); the CLI used torch's default, one thread per core.

    python benchmarks/cli_under_load.py [--steps 30] [--busy 4] [--threads 1,2]

Each measurement is a fresh process training the tiny preset's 16×16 stage for ``--steps`` steps
(at most ``--budget`` seconds of them, after two warm-up steps) with ``torch.set_num_threads(N)``; the "busy" rows run ``--busy``
pure-Python busy loops alongside, started before and killed after it. Prints images/s per row.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

CHILD = r"""
import json, sys, tempfile, time, dataclasses
import torch
threads, steps, budget = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
if threads:
    torch.set_num_threads(threads)
from core.presets import preset
from core.training.memory import keep_freed_memory
from core.training.schedule import position
from core.training.trainer import Trainer
keep_freed_memory()
config = preset("tiny")
config = config.replace(data=dataclasses.replace(config.data, synthetic_count=200))
trainer = Trainer(tempfile.mkdtemp(), config)
pos = position(config.train, sum(config.train.stage_images[:2]) + 1500)
for _ in range(2):
    trainer.train_step(pos)
start = time.perf_counter()
done = 0
while done < steps and (done == 0 or time.perf_counter() - start < budget):
    trainer.train_step(pos)
    done += 1
elapsed = time.perf_counter() - start
print(json.dumps({"threads": torch.get_num_threads(), "images_per_s": done * pos.batch_size / elapsed,
                  "seconds": elapsed, "steps": done}))
"""

BUSY = "while True: pass"


def measure(threads: int, steps: int, busy: int, budget: float) -> dict:
    loops = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(busy)]
    try:
        time.sleep(0.5 if busy else 0.0)
        load = os.getloadavg()[0]
        env = dict(os.environ)
        env.pop("OMP_NUM_THREADS", None)
        out = subprocess.run([sys.executable, "-c", CHILD, str(threads), str(steps), str(budget)], capture_output=True,
                             text=True, env=env, check=True, timeout=600).stdout
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    result = json.loads(out.strip().splitlines()[-1])
    result.update(busy=busy, load_before=round(load, 2))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--busy", type=int, default=4)
    parser.add_argument("--budget", type=float, default=40.0, help="seconds of steps at most per measurement")
    parser.add_argument("--threads", default="1,2", help="comma-separated torch thread counts (0 = torch's default)")
    args = parser.parse_args()
    for busy in (0, args.busy):
        for threads in (int(t) for t in args.threads.split(",")):
            row = measure(threads, args.steps, busy, args.budget)
            print(f"busy loops {row['busy']}  threads {row['threads']}  {row['images_per_s']:7.1f} images/s  "
                  f"({row['steps']} steps in {row['seconds']:.1f} s; load before {row['load_before']})", flush=True)


if __name__ == "__main__":
    main()
