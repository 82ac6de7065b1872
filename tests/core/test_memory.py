"""Keeping freed memory while training on the CPU (core.training.memory).

Each case runs in a fresh interpreter: the allocator settings are process-wide and would otherwise
leak into the rest of the suite, and a fresh process is what a training run starts from.
"""

from __future__ import annotations

import json
import os
from functools import cache
import platform
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                                reason="the allocator settings are glibc's")

ROOT = Path(__file__).resolve().parents[2]

#: Page faults per iteration of a small autograd loop whose tensors are 64 MiB (above glibc's largest
#: mmap threshold), in its steady state: the median of iterations 4–11.
FAULTS_PROBE = r"""
import json, resource, statistics, sys, threading, torch
from core.training.memory import keep_freed_memory, memory_kept_for_training
mode, where = sys.argv[1], sys.argv[2]
kept = keep_freed_memory() if mode == "kept" else False
def faults(out):
    with memory_kept_for_training(enabled=mode == "context") as in_context:
        x = torch.randn(1 << 24, requires_grad=True)
        counts = []
        for _ in range(12):
            before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            ((x * 2).relu() * x).sum().backward()
            x.grad = None
            counts.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
        out.append((statistics.median(counts[4:]), in_context))
out = []
if where == "thread":
    thread = threading.Thread(target=faults, args=(out,))
    thread.start()
    thread.join()
else:
    faults(out)
print(json.dumps({"kept": kept, "faults": out[0][0], "in_context": out[0][1]}))
"""

#: Parameters after two tiny training steps: fresh (zeroed) and reused (dirty) memory must not
#: change a single bit, or some kernel reads memory it never wrote.
STEP_PROBE = r"""
import hashlib, sys, tempfile, torch
sys.path.insert(0, sys.argv[2])
from tests.conftest import make_toy_dataset, tiny_config
from core.training.memory import keep_freed_memory
from core.training.trainer import Trainer
if sys.argv[1] == "kept":
    assert keep_freed_memory()
torch.manual_seed(0)
with tempfile.TemporaryDirectory() as run:
    trainer = Trainer(run, tiny_config(), make_toy_dataset())
    for _ in range(2):
        trainer.train_step(trainer.position)
    digest = hashlib.sha256()
    for tensor in list(trainer.model.state_dict().values()) + list(trainer.discriminator.state_dict().values()):
        digest.update(tensor.detach().contiguous().numpy().tobytes())
print(digest.hexdigest())
"""


def _run(code: str, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                            cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@cache  # each probe once per session: the default one serves two tests
def _faults(mode: str, where: str) -> dict:
    return json.loads(_run(FAULTS_PROBE, mode, where))


@pytest.mark.parametrize("where", ["main", "thread"])
def test_kept_memory_is_reused_without_page_faults(where):
    default, kept = _faults("default", where), _faults("kept", where)
    assert not default["kept"] and kept["kept"]
    # Each 64 MiB tensor is 16,384 pages: by default glibc maps and unmaps it every time.
    assert default["faults"] > 3 * 16_384
    assert kept["faults"] <= 16_384


def test_the_training_context_keeps_memory_only_when_enabled():
    inside = _faults("context", "main")
    assert inside["in_context"] is True and inside["faults"] <= 16_384
    off = _faults("default", "main")
    assert off["in_context"] is False and off["faults"] > 3 * 16_384


def test_the_environment_can_leave_glibc_defaults():
    env = {**os.environ, "T2F_KEEP_FREED_MEMORY": "0"}
    opted_out = json.loads(_run(FAULTS_PROBE, "kept", "main", env=env))
    assert opted_out["kept"] is False and opted_out["faults"] > 3 * 16_384


def test_a_training_step_is_bit_identical_with_memory_kept():
    assert _run(STEP_PROBE, "kept", str(ROOT)) == _run(STEP_PROBE, "default", str(ROOT))
