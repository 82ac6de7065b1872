"""Two processes with the gloo backend train a few steps and end with identical weights."""

import json
import socket

import torch.multiprocessing as mp

from tests.core.ddp_worker import run_rank


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_two_process_gloo_run_keeps_ranks_in_sync(tmp_path):
    run_dir = tmp_path / "ddp"
    mp.spawn(run_rank, args=(2, str(run_dir), _free_port(), 5), nprocs=2, join=True)
    ranks = [json.loads((run_dir / f"rank{r}.json").read_text()) for r in range(2)]
    assert ranks[0]["step"] == ranks[1]["step"] == 5
    assert ranks[0]["state"] == ranks[1]["state"]
    assert ranks[0]["checksum"] == ranks[1]["checksum"]
    gathered = json.loads((run_dir / "ranks.json").read_text())["checksums"]
    assert gathered[0] == gathered[1]
    # Only rank 0 wrote the run folder; each step saw 2 × 4 images.
    lines = (run_dir / "metrics.jsonl").read_text().splitlines()
    assert json.loads(lines[-1])["images_seen"] == json.loads(lines[-1])["step"] * 8
    assert (run_dir / "model" / "model.safetensors").exists()
