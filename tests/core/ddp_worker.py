"""Entry point for one rank of the two-process DDP test (spawned, so it must be importable)."""

import json
import os
from pathlib import Path


def run_rank(rank: int, world_size: int, run_dir: str, port: int, steps: int) -> None:
    import torch

    os.environ.update({"RANK": str(rank), "WORLD_SIZE": str(world_size), "LOCAL_RANK": str(rank),
                       "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)})
    torch.set_num_threads(1)
    from core.training.distributed import leave_process_group, parameter_checksum
    from core.training.trainer import Trainer
    from tests.conftest import make_toy_dataset, tiny_config

    trainer = Trainer(run_dir, tiny_config(stage_images=64, batch=8), make_toy_dataset(32))
    trainer.train(max_steps=steps)
    state = {k: v.double().sum().item() for k, v in trainer.model.state_dict().items()}
    Path(run_dir, f"rank{rank}.json").write_text(json.dumps({"checksum": parameter_checksum(trainer.model),
                                                             "step": trainer.step, "state": state}))
    leave_process_group()
