"""Memory layout for convolutions: channels-last on the CPU."""

from __future__ import annotations

import torch


def cpu_channels_last(x: torch.Tensor) -> torch.Tensor:
    """``x`` laid out channels-last (N×H×W×C in memory) when it lives on the CPU; as it is elsewhere.

    Why. On the CPU PyTorch convolves through oneDNN, whose fast kernels read channels-innermost
    data; tensors in the default N×C×H×W layout cost reorders or slower kernels in the forward pass
    and in each backward. The element-wise ops between convolutions (LeakyReLU, pixel norm,
    upsampling, pooling) keep the layout they are given, so a network's input is reordered once and
    every later convolution gets channels-last data for free.
    The values are the same up to float summation order (``tests/core/test_layers.py``). What it
    saves on a CPU is measured in ``experiments/performance.md``; CUDA keeps its own layout (not
    measured there).
    """
    return x.contiguous(memory_format=torch.channels_last) if x.device.type == "cpu" else x
