"""Data-parallel training across processes started by ``torchrun``.

Each rank trains on its own slice of every batch; gradients are averaged across ranks with one
all-reduce per network per step before the optimizer steps, which is what DistributedDataParallel
does. We do not wrap the networks in ``DistributedDataParallel`` itself: its reducer does not
support the gradient penalty's double backward (``create_graph=True``) together with the parameters
a progressive network leaves unused at each stage. One flat all-reduce keeps the same math (all
ranks apply identical averaged gradients to identical weights) and needs no special cases.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn


@dataclass(frozen=True)
class DistributedContext:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def from_environment() -> DistributedContext:
    """Read torchrun's environment; a single process gives the trivial context."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return DistributedContext()
    return DistributedContext(int(os.environ["RANK"]), world, int(os.environ.get("LOCAL_RANK", "0")))


def init_process_group(context: DistributedContext, device: torch.device) -> None:
    """Join the torchrun group: NCCL on CUDA, gloo otherwise."""
    if context.enabled and not dist.is_initialized():
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")


def leave_process_group() -> None:
    """Leave the group together: a barrier first, so no rank tears down its connections while a
    peer is still sending, then ``destroy_process_group``. Without it gloo's worker threads
    outlive the group and can abort the process at exit ("terminate called without an active
    exception")."""
    if dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def broadcast_parameters(module: nn.Module) -> None:
    """Make every rank start from rank 0's weights."""
    for tensor in list(module.parameters()) + list(module.buffers()):
        dist.broadcast(tensor.data, src=0)


def average_gradients(parameters: list[nn.Parameter], world_size: int) -> None:
    """Average the gradients of ``parameters`` over all ranks (parameters without one are skipped;
    every rank trains at the same depth, so all ranks skip the same ones)."""
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return
    flat = torch.cat([g.reshape(-1) for g in grads])
    dist.all_reduce(flat)
    flat /= world_size
    offset = 0
    for grad in grads:
        count = grad.numel()
        grad.copy_(flat[offset : offset + count].view_as(grad))
        offset += count


def parameter_checksum(module: nn.Module) -> float:
    """A float summary of all weights, to confirm ranks hold the same model."""
    with torch.no_grad():
        return float(sum(p.double().sum() + (p.double() ** 2).sum() for p in module.parameters()))


def all_gather_floats(value: float) -> list[float]:
    tensor = torch.tensor([value], dtype=torch.float64)
    gathered = [torch.zeros_like(tensor) for _ in range(dist.get_world_size())]
    dist.all_gather(gathered, tensor)
    return [float(t) for t in gathered]
