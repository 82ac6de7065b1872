"""A resumable epoch sampler: each epoch is a seeded permutation, the position is two integers."""

from __future__ import annotations

import torch


class EpochSampler:
    """Yields dataset indices epoch after epoch; rank ``r`` of ``w`` takes ``perm[r::w]``.

    Because each epoch's order depends only on ``(seed, epoch)``, saving ``(epoch, cursor)`` is
    enough to continue exactly where a run stopped, and ranks never see the same image in an epoch.
    """

    def __init__(self, size: int, seed: int, rank: int = 0, world_size: int = 1) -> None:
        if size < world_size:
            raise ValueError(f"{size} images cannot be split across {world_size} processes")
        self.size, self.seed, self.rank, self.world_size = size, seed, rank, world_size
        self.epoch = 0
        self.cursor = 0
        self._order: list[int] | None = None

    def _epoch_order(self) -> list[int]:
        if self._order is None:
            gen = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch)
            self._order = torch.randperm(self.size, generator=gen)[self.rank :: self.world_size].tolist()
        return self._order

    def take(self, count: int) -> list[int]:
        """The next ``count`` indices, crossing into new epochs as needed."""
        indices: list[int] = []
        while len(indices) < count:
            order = self._epoch_order()
            chunk = order[self.cursor : self.cursor + count - len(indices)]
            indices.extend(chunk)
            self.cursor += len(chunk)
            if self.cursor >= len(order):
                self.epoch += 1
                self.cursor = 0
                self._order = None
        return indices

    def state(self) -> dict[str, int]:
        return {"epoch": self.epoch, "cursor": self.cursor}

    def load_state(self, state: dict[str, int]) -> None:
        self.epoch, self.cursor = int(state["epoch"]), int(state["cursor"])
        self._order = None
