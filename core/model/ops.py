"""LeakyReLU and 2×2 average pooling with the same values and gradients, and cheaper double backward.

Why. WGAN-GP differentiates the critic twice: the penalty is built from the critic's input gradient
with ``create_graph=True`` and then trained. PyTorch's own derivatives of these two ops spend
time materialising and adding zeros (a visible share of a CPU step in ``torch.profiler``, much of it
page faults on the fresh zero buffers):

* ``leaky_relu_backward`` is recorded as depending on the activation's input, and its derivative
  in that input, zero almost everywhere, is a full-size ``zeros_like`` that autograd then adds
  into the input's gradient;
* ``avg_pool2d_backward`` zero-fills a full-size gradient before adding each quarter into it,
  and its own derivative zero-fills again.

Here LeakyReLU's backward sees its input detached (the true second derivative is zero, so nothing
is lost), and the pooling's backward is "a quarter of the gradient, upsampled", which writes each
value once. Forward values and first gradients are bit-identical to ``F.leaky_relu`` and
``F.avg_pool2d``; second-order gradients equal theirs up to float summation order
(``tests/core/test_layers.py``). Without autograd (drawing faces) the plain ops run.
What it saves is measured in ``experiments/performance.md`` (``python -m benchmarks.train_step``).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

#: The LeakyReLU slope every ProGAN layer uses.
NEGATIVE_SLOPE = 0.2


class _LeakyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:  # noqa: ANN001 - autograd's context
        ctx.save_for_backward(x)
        return F.leaky_relu(x, NEGATIVE_SLOPE)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:  # noqa: ANN001
        (x,) = ctx.saved_tensors
        # Detached: the slope is piecewise constant in x, so a penalty's gradient has no x term.
        return torch.ops.aten.leaky_relu_backward(grad, x.detach(), NEGATIVE_SLOPE, False)


class _AveragePool2x(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:  # noqa: ANN001
        return F.avg_pool2d(x, 2)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:  # noqa: ANN001
        # Each input pixel gets a quarter of its block's gradient: x·0.25 equals x / 4 exactly.
        return F.interpolate(grad * 0.25, scale_factor=2.0, mode="nearest")


def _tracked(x: torch.Tensor) -> bool:
    return x.requires_grad and torch.is_grad_enabled()


def leaky_relu(x: torch.Tensor) -> torch.Tensor:
    """``F.leaky_relu(x, 0.2)``, with a double backward that adds no zeros."""
    return _LeakyReLU.apply(x) if _tracked(x) else F.leaky_relu(x, NEGATIVE_SLOPE)


def average_pool_2x(x: torch.Tensor) -> torch.Tensor:
    """``F.avg_pool2d(x, 2)``, with backward passes that write each value once (even sizes; odd
    ones, which ProGAN never has, take the plain op)."""
    even = x.shape[-1] % 2 == 0 and x.shape[-2] % 2 == 0
    return _AveragePool2x.apply(x) if _tracked(x) and even else F.avg_pool2d(x, 2)
