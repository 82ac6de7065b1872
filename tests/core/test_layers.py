import dataclasses
import math

import torch

from core.model.layers import (EqualizedConv2d, EqualizedLinear, MinibatchStdDev, PixelNorm, downsample2x, fade,
                               upsample2x)


def test_equalized_conv_scales_weight_by_he_constant_at_runtime():
    conv = EqualizedConv2d(8, 4, 3, padding=1)
    assert math.isclose(conv.scale, math.sqrt(2.0 / (8 * 9)))
    x = torch.randn(2, 8, 5, 5)
    expected = torch.nn.functional.conv2d(x, conv.weight * math.sqrt(2.0 / 72), conv.bias, padding=1)
    torch.testing.assert_close(conv(x), expected, rtol=0, atol=0)
    # Stored weights are unit normal: the effective weight's std is the He constant.
    big = EqualizedConv2d(256, 256, 3)
    assert abs(float((big.weight * big.scale).detach().std()) - math.sqrt(2.0 / (256 * 9))) < 1e-3


def test_equalized_linear_effective_scale():
    layer = EqualizedLinear(100, 10, gain=1.0)
    assert math.isclose(layer.scale, 0.1)
    x = torch.randn(3, 100)
    torch.testing.assert_close(layer(x), x @ (layer.weight * 0.1).T + layer.bias, rtol=0, atol=0)


def test_pixel_norm_gives_unit_mean_square_per_pixel():
    y = PixelNorm()(torch.randn(2, 16, 4, 4) * 7)
    torch.testing.assert_close(y.pow(2).mean(dim=1), torch.ones(2, 4, 4), rtol=1e-5, atol=1e-5)


def test_minibatch_std_appends_group_std_channel():
    x = torch.randn(8, 3, 4, 4)
    y = MinibatchStdDev(group_size=4)(x)
    assert y.shape == (8, 4, 4, 4)
    assert torch.equal(y[:, :3], x)
    groups = x.view(4, 2, 3, 4, 4)
    expected = torch.sqrt(groups.var(dim=0, unbiased=False) + 1e-8).mean(dim=(1, 2, 3))  # one per group
    torch.testing.assert_close(y[0, 3, 0, 0], expected[0])
    torch.testing.assert_close(y[1, 3, 0, 0], expected[1])
    assert MinibatchStdDev(4)(torch.randn(3, 2, 4, 4)).shape == (3, 3, 4, 4)  # batch not divisible by 4


def test_resampling_round_trip():
    x = torch.randn(1, 3, 4, 4)
    assert torch.equal(downsample2x(upsample2x(x)), x)


def test_fade_is_lerp_and_takes_mixed_precision_branches_to_the_wider_type():
    old, new = torch.randn(2, 3, 4, 4), torch.randn(2, 3, 4, 4)
    assert torch.equal(fade(old, new, 0.3), torch.lerp(old, new, 0.3))
    blended = fade(old, new.bfloat16(), 0.25)
    assert blended.dtype == torch.float32
    assert torch.equal(blended, torch.lerp(old, new.bfloat16().float(), 0.25))


def test_generator_fades_in_under_autocast_when_upsampling_stays_float32(monkeypatch):
    # CUDA's autocast runs nearest upsampling in float32 and convolutions in bf16, so the two fade-in
    # branches differ in precision ("expected dtype float for `end`", seen on an H200). CPU autocast
    # keeps both bf16; upsampling in float32 here reproduces CUDA's case on any machine.
    import core.model.generator as generator_module
    from core.presets import preset
    from core.model.generator import Generator

    monkeypatch.setattr(generator_module, "upsample2x", lambda x: upsample2x(x).float())
    config = preset("tiny").model
    latent = torch.randn(2, config.ca_dim + config.noise_dim)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        faces = Generator(config)(latent, 2, 0.5)
    assert faces.shape == (2, 3, 16, 16) and faces.dtype == torch.float32
    assert torch.isfinite(faces).all()


def _penalty_gradient(x, weight, activation, pool):
    """d/dweight of a WGAN-GP-style penalty ‖∂critic/∂x‖² for a one-layer critic."""
    x = x.clone().requires_grad_(True)
    score = pool(activation(torch.nn.functional.conv2d(x, weight, padding=1))).sum()
    (grad_x,) = torch.autograd.grad(score, x, create_graph=True)
    (grad_w,) = torch.autograd.grad(grad_x.pow(2).sum(), weight)
    return score, grad_x, grad_w


def test_leaky_relu_and_pooling_match_torch_in_value_gradient_and_penalty_gradient():
    from core.model.ops import average_pool_2x, leaky_relu

    gen = torch.Generator().manual_seed(0)
    x = torch.randn(4, 3, 8, 8, generator=gen)
    x[0, 0, 0, :2] = 0.0  # the kink: LeakyReLU's gradient at exactly 0 is the slope, as in torch
    weight = torch.randn(5, 3, 3, 3, generator=gen, requires_grad=True)
    ours = _penalty_gradient(x, weight, leaky_relu, average_pool_2x)
    torch_ops = _penalty_gradient(x, weight, lambda t: torch.nn.functional.leaky_relu(t, 0.2),
                                  lambda t: torch.nn.functional.avg_pool2d(t, 2))
    assert torch.equal(ours[0], torch_ops[0]) and torch.equal(ours[1], torch_ops[1])  # bit-identical
    torch.testing.assert_close(ours[2], torch_ops[2], rtol=1e-6, atol=1e-6)  # summation order only
    assert ours[2].abs().max() > 1  # a real gradient, not zeros on both sides
    with torch.no_grad():  # drawing faces takes the plain ops
        assert torch.equal(leaky_relu(x), torch.nn.functional.leaky_relu(x, 0.2))
    odd = torch.randn(1, 2, 5, 5, requires_grad=True)
    assert average_pool_2x(odd).shape == (1, 2, 2, 2)  # odd sizes fall back to avg_pool2d


def _generator_and_penalty(config, latent, text_ids, lengths):
    """Faces, critic scores and the penalty's weight gradients of a fresh tiny T2F pair (seeded)."""
    from core.losses import gradient_penalty
    from core.model.discriminator import Discriminator
    from core.model.generator import Generator

    torch.manual_seed(0)
    generator, critic = Generator(config), Discriminator(config)
    faces = generator(latent, 2, 0.5)
    text = critic.encode_text(text_ids, lengths)
    real = torch.rand(faces.shape) * 2 - 1  # not rand_like: it fills in memory order, which differs here
    mix = torch.full((faces.shape[0], 1, 1, 1), 0.3)
    penalty = gradient_penalty(lambda x: critic(x, text, 2, 0.5), real, faces.detach(), mix)
    weights = [p for p in critic.parameters() if p.ndim == 4]
    grads = torch.autograd.grad(penalty, weights, allow_unused=True)  # depth 2 leaves deeper layers out
    return faces, critic(faces, text, 2, 0.5), [g for g in grads if g is not None]


def test_cpu_convolutions_run_channels_last_with_the_same_values_and_penalty_gradient(monkeypatch):
    import core.model.layers as layers
    from core.presets import preset

    config = dataclasses.replace(preset("tiny").model, vocab_size=40)  # the preset's comes from a tokenizer
    latent = torch.randn(4, config.ca_dim + config.noise_dim)
    ids, lengths = torch.randint(1, config.vocab_size, (4, 6)), torch.full((4,), 6)
    faces, scores, grads = _generator_and_penalty(config, latent, ids, lengths)
    assert faces.is_contiguous(memory_format=torch.channels_last)  # the layout is in use
    monkeypatch.setattr(layers, "cpu_channels_last", lambda x: x)
    plain_faces, plain_scores, plain_grads = _generator_and_penalty(config, latent, ids, lengths)
    assert plain_faces.is_contiguous()
    torch.testing.assert_close(faces, plain_faces, rtol=1e-5, atol=1e-5)  # summation order
    torch.testing.assert_close(scores, plain_scores, rtol=1e-5, atol=1e-5)
    assert len(grads) == len(plain_grads) >= 6
    for ours, plain in zip(grads, plain_grads, strict=True):  # the double backward too
        torch.testing.assert_close(ours, plain, rtol=1e-4, atol=1e-6)
    assert max(float(g.abs().max()) for g in grads) > 1e-3  # a real gradient, not zeros on both sides
