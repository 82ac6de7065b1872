"""Make pro-gan-pth 3.4 (akanimax/pro_gan_pytorch) run on current PyTorch, for the comparison only.

Install it without its pinned, 2021-era requirements (torch==1.10, numpy==1.21, ...)::

    pip install --no-deps pro-gan-pth==3.4

Only ``pro_gan_pytorch.networks``, ``.modules``, ``.custom_layers`` and ``.losses`` are used; those
import nothing beyond torch and numpy (``gan.py`` would need torchvision and tensorboard).

Three adaptations, none of which changes any number the package computes:

1. **The shim.** ``EqualizedConvTranspose2d.forward`` calls
   ``self._output_padding(input, output_size, stride, padding, kernel_size)``. Since PyTorch 1.12,
   ``_ConvTransposeNd._output_padding`` takes a required ``num_spatial_dims`` argument, so every
   generator forward fails with a ``TypeError``. We give the subclass an ``_output_padding`` whose
   ``num_spatial_dims`` defaults to 2 (it is a 2-D layer) and that passes everything else through.
   With ``output_size=None`` — the only way the package calls it — the result is
   ``self.output_padding`` exactly as before. The global torch class is left untouched.
2. **The penalty's reshape.** ``WganGP._gradient_penalty`` flattens the input gradient with
   ``gradient.view(B, -1)``. Current PyTorch's convolution backward can return that gradient in a
   non-contiguous layout, and ``view`` then raises. :func:`install` replaces the method with a
   copy whose only change is ``reshape`` for ``view`` (the same values; a copy only when needed).
3. **Widths.** ``networks.nf(stage)`` decides every block's width (``16384 / 2**stage`` clipped to
   512 by default). :func:`use_widths` points it at our per-resolution widths for the duration of
   a ``with`` block, so both implementations are built with identical channel counts.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterator
from types import ModuleType

INSTALL_HINT = "pip install --no-deps pro-gan-pth==3.4"


def import_progan() -> tuple[ModuleType, ModuleType, ModuleType]:
    """``(networks, losses, custom_layers)`` of pro-gan-pth with the shims installed.

    Raises ``ImportError`` with the install command when the package is missing.
    """
    try:
        from pro_gan_pytorch import custom_layers, losses, networks
    except ImportError as error:
        raise ImportError(f"pro-gan-pth is not installed ({error}); install it with: {INSTALL_HINT}") from None
    install(custom_layers)
    install_penalty(losses)
    return networks, losses, custom_layers


def _needs_shim() -> bool:
    from torch.nn.modules.conv import _ConvTransposeNd

    parameter = inspect.signature(_ConvTransposeNd._output_padding).parameters.get("num_spatial_dims")
    return parameter is not None and parameter.default is inspect.Parameter.empty


def install(custom_layers: ModuleType) -> bool:
    """Patch ``EqualizedConvTranspose2d._output_padding`` if this torch needs it; True if patched."""
    layer = custom_layers.EqualizedConvTranspose2d
    if getattr(layer, "_t2f_shimmed", False) or not _needs_shim():
        return False
    base = layer.__mro__[1]._output_padding  # ConvTranspose2d's (i.e. _ConvTransposeNd's) method

    def _output_padding(self, input, output_size, stride, padding, kernel_size,  # noqa: A002, ANN001, ANN202
                        num_spatial_dims: int = 2, dilation=None):  # noqa: ANN001
        return base(self, input, output_size, stride, padding, kernel_size, num_spatial_dims, dilation)

    layer._output_padding = _output_padding
    layer._t2f_shimmed = True
    return True


def install_penalty(losses: ModuleType) -> None:
    """Replace ``WganGP._gradient_penalty`` by the same code with ``reshape`` instead of ``view``."""
    import torch

    wgan = losses.WganGP
    if getattr(wgan, "_t2f_shimmed", False):
        return

    def _gradient_penalty(dis, real_samples, fake_samples, depth, alpha, reg_lambda=10,  # noqa: ANN001, ANN202
                          labels=None):  # noqa: ANN001
        batch_size = real_samples.shape[0]
        epsilon = torch.rand((batch_size, 1, 1, 1)).to(real_samples.device)
        merged = epsilon * real_samples + ((1 - epsilon) * fake_samples)
        merged.requires_grad_(True)
        if labels is not None:
            assert dis.conditional, "labels passed to an unconditional discriminator"
            op = dis(merged, depth, alpha, labels)
        else:
            op = dis(merged, depth, alpha)
        gradient = torch.autograd.grad(outputs=op, inputs=merged, grad_outputs=torch.ones_like(op),
                                       create_graph=True, retain_graph=True, only_inputs=True)[0]
        gradient = gradient.reshape(gradient.shape[0], -1)  # the one change: was .view(...)
        return reg_lambda * ((gradient.norm(p=2, dim=1) - 1) ** 2).mean()

    wgan._gradient_penalty = staticmethod(_gradient_penalty)
    wgan._t2f_shimmed = True


@contextlib.contextmanager
def use_widths(networks: ModuleType, widths: tuple[int, ...]) -> Iterator[None]:
    """Within the block, ``networks.nf(stage)`` returns ``widths[stage − 1]`` (stage 1 = 4×4)."""
    original = networks.nf

    def nf(stage: int, *args: object, **kwargs: object) -> int:
        if not 1 <= stage <= len(widths):
            raise ValueError(f"pro-gan-pth asked for stage {stage}; widths cover stages 1..{len(widths)}")
        return int(widths[stage - 1])

    networks.nf = nf
    try:
        yield
    finally:
        networks.nf = original


def self_check(custom_layers: ModuleType) -> None:
    """The shimmed transposed convolution equals ``conv_transpose2d`` with the scaled weight."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    layer = custom_layers.EqualizedConvTranspose2d(8, 4, (4, 4), bias=True)
    x = torch.randn(2, 8, 1, 1)
    expected = F.conv_transpose2d(x, layer.weight * layer.scale, layer.bias)
    got = layer(x)
    if got.shape != (2, 4, 4, 4) or not torch.allclose(got, expected, rtol=0, atol=1e-6):
        raise AssertionError("pro-gan-pth shim: EqualizedConvTranspose2d no longer matches conv_transpose2d")
