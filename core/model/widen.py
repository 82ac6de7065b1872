"""Grow a trained generator's widths without changing what it draws, so training can go on wider.

Why. The bundled generator is thin where faces get their detail (16 channels at 64×64), and a
model retrained from scratch at other widths costs a million images. Net2Net's idea (Chen et al.,
2016) carries a trained model over instead: every weight of the narrow network is kept, each new
output channel gets small random incoming weights (so it can learn, and differs from its
neighbours) and every weight *from* a new channel starts at zero (so it changes no old output).

Two things of ProGAN's make the carried weights exact rather than approximate. Equalized learning
rate scales each layer's stored weights by ``gain / √fan_in`` at run time, and pixel norm divides
each pixel's features by their root mean square over channels. Growing a layer from ``c`` to ``c'``
channels whose new ones are (nearly) zero multiplies its pixel-normed outputs by ``√(c'/c)``, and
the next layer's fan-in grows by the same factor, so its run-time scale shrinks by ``√(c/c')``: the
two cancel, and the stored weights are carried over unchanged. What is left is the new channels'
own small activations in the pixel norm's mean (of the order of ``NEW_WEIGHT_SCALE`` squared),
which a test bounds.
"""

from __future__ import annotations

import torch

#: Standard deviation of a new channel's incoming stored weights (the old ones are ~1: equalized lr
#: initialises them unit normal). Small enough that the new channels barely move the pixel norm
#: (the change in what is drawn grows as its square: a tiny generator grown 8 → 24 channels at its
#: last block moved by 0.009 at 0.01, 0.0002 at 0.001), yet not zero, so the new channels differ
#: and Adam, which steps by the learning rate whatever a gradient's size, trains each its own way.
NEW_WEIGHT_SCALE = 0.001


def grown_tensor(old: torch.Tensor, shape: torch.Size | tuple[int, ...], generator: torch.Generator) -> torch.Tensor:
    """``old`` carried into a tensor of ``shape`` (each dimension at least ``old``'s).

    Dimension 0 is a layer's outputs, dimension 1 its inputs (weights; a bias has only outputs).
    The old block is copied; the rows of new outputs are small random numbers (for a bias: zero);
    the columns of new inputs feeding old outputs are zero.
    """
    if len(shape) != old.dim() or any(n < o for n, o in zip(shape, old.shape)):
        raise ValueError(f"cannot grow a tensor of shape {tuple(old.shape)} to {tuple(shape)}")
    if old.dim() == 1:
        grown = torch.zeros(shape, dtype=old.dtype)
    else:
        grown = torch.randn(shape, generator=generator, dtype=old.dtype) * NEW_WEIGHT_SCALE
        grown[: old.shape[0], old.shape[1]:] = 0.0
    grown[tuple(slice(0, n) for n in old.shape)] = old
    return grown


def grown_state(old: dict[str, torch.Tensor], new: dict[str, torch.Tensor], seed: int = 0) -> dict[str, torch.Tensor]:
    """A state dict for a network shaped like ``new`` carrying every weight of ``old``.

    Both must hold the same names; a tensor whose shape is unchanged is passed on as it is
    (``load_state_dict`` copies it).
    """
    if old.keys() != new.keys():
        missing = sorted(set(new) ^ set(old))
        raise ValueError(f"the two networks differ in more than widths: {', '.join(missing[:5])}")
    generator = torch.Generator().manual_seed(seed)
    state = {}
    for name, target in new.items():
        source = old[name].detach().to("cpu")
        state[name] = source if source.shape == target.shape else grown_tensor(source, target.shape, generator)
    return state


def widening_problem(old: tuple[int, ...], new: tuple[int, ...]) -> str | None:
    """Why a generator of widths ``old`` cannot be grown to ``new``, or None when it can."""
    if len(new) != len(old):
        return f"widen_generator needs one width per resolution ({len(old)} entries), got {len(new)}"
    narrower = [f"{n} < {o}" for o, n in zip(old, new) if n < o]
    if narrower:
        return (f"widen_generator can only grow the model's widths {list(old)}, not narrow them "
                f"({', '.join(narrower)})")
    return None
