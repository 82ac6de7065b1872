"""The prepared GPU run (scripts/gpu_lease.sh + scripts/gpu_run.py), dry-run on the CPU with tiny
settings: it trains with the GPU's code paths (sync-free steps, the data on the device), exports a
model that loads, and writes the evaluation report; and its recipe continues the shipped model."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from core.config import RunConfig
from core.model.t2f import T2F, read_model_card
from core.training.schedule import schedule_misfits_model

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "resources" / "models" / "default"


def _gpu_run():  # noqa: ANN202 - the script as a module
    spec = importlib.util.spec_from_file_location("gpu_run", ROOT / "scripts" / "gpu_run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_lease_script_dry_runs_on_the_cpu(tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ, OUT=str(out), RUN=str(tmp_path / "run"), DEVICE="cpu", TINY="1", BENCH="skip",
               BUDGET_S="36", FACES="48", BATCH="8", PRESET="tiny", FROM_MODEL="none", EVAL_N="4",
               PYTHONPATH=str(ROOT))
    done = subprocess.run(["bash", "scripts/gpu_lease.sh"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = json.loads((out / "train.json").read_text())
    assert summary["reason"] == "stopped" and summary["step"] > 0 and summary["device"] == "cpu"
    config = RunConfig.load(out / "config.json")
    assert (config.train.sync_free, config.train.device_data, config.train.batch_sizes[-1]) == ("on", "on", 8)
    assert T2F.load(out / "model", device="cpu").generate("a woman with red hair", seeds=[0]).shape[0] == 1
    report = json.loads((out / "evaluation.json").read_text())
    assert report  # t2f evaluate's JSON
    assert (out / "machine.txt").is_file() and (out / "metrics.jsonl").is_file()
    assert all(f.stat().st_size < 40 * 2**20 for f in out.rglob("*") if f.is_file())


def test_the_recipe_continues_the_shipped_model_at_a_bigger_batch():
    gpu_run = _gpu_run()
    args = gpu_run.argparse.Namespace(config=None, preset="bundled", batch=256, device="cuda", precision="bf16",
                                      log_every=50, tiny=False, faces=20000)
    config = gpu_run.continued(gpu_run.run_config(args), SHIPPED)
    train = config.train
    assert train.batch_sizes == (256,) * len(train.batch_sizes) and train.lr == pytest.approx(0.001 * 8 ** 0.5)
    assert (train.sync_free, train.device_data, train.mixed_precision) == ("auto", "auto", "bf16")
    info = read_model_card(SHIPPED).info
    assert schedule_misfits_model(train, info.depth, info.alpha, info.images_seen) is None
    assert config.data.synthetic_count == 20000
