"""How many torch threads a CPU training run takes (core.devices.training_threads)."""

from __future__ import annotations

import torch

from core.devices import training_threads, use_training_threads


def test_a_core_is_always_left_spare_and_the_ones_others_use():
    assert training_threads(cores=2, load=0.0) == 1
    assert training_threads(cores=2, load=6.0) == 1
    assert training_threads(cores=1, load=0.0) == 1
    assert training_threads(cores=16, load=0.2) == 15
    assert training_threads(cores=16, load=3.6) == 12
    assert training_threads(cores=16, load=40.0) == 1


def test_an_explicit_thread_count_wins(monkeypatch):
    before = torch.get_num_threads()
    try:
        monkeypatch.setenv("OMP_NUM_THREADS", "3")
        assert use_training_threads() == 3 and torch.get_num_threads() == 3
        monkeypatch.delenv("OMP_NUM_THREADS")
        monkeypatch.setenv("T2F_THREADS", "2")
        assert use_training_threads() == 2 and torch.get_num_threads() == 2
        monkeypatch.delenv("T2F_THREADS")
        monkeypatch.setattr("core.devices.os.getloadavg", lambda: (0.0, 0.0, 0.0))
        monkeypatch.setattr("core.devices.usable_cpu_cores", lambda: 4)
        assert use_training_threads() == 3 and torch.get_num_threads() == 3
        monkeypatch.setenv("LOCAL_WORLD_SIZE", "2")  # two torchrun ranks on this machine share it
        assert use_training_threads() == 1
    finally:
        torch.set_num_threads(before)
