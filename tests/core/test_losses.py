import math

import pytest
import torch

from core.losses import (caption_pairs, contrastive_matching_loss, derangement, discriminator_loss, drift_penalty,
                         gradient_penalty)
from core.model.conditioning import ConditioningAugmentation, kl_divergence


def test_gradient_penalty_takes_each_samples_norm_over_all_of_chw():
    # A linear critic D(x) = Σ w·x has gradient w for every sample; its norm over C×H×W is ‖w‖.
    w = torch.tensor([[[0.5, 0.0], [0.0, 0.0]], [[0.0, 0.5], [0.0, 0.0]], [[0.0, 0.0], [0.5, 1.0]]])  # C×H×W = 3×2×2
    critic = lambda x: (x * w).flatten(1).sum(1)  # noqa: E731
    real, fake = torch.randn(4, 3, 2, 2), torch.randn(4, 3, 2, 2)
    gp = gradient_penalty(critic, real, fake, torch.rand(4, 1, 1, 1))
    full_norm = math.sqrt(3 * 0.25 + 1.0)  # three entries of 0.5 and one of 1
    assert gp.item() == pytest.approx((full_norm - 1.0) ** 2, rel=1e-6)
    # The seed code's per-pixel norm over channels only would give a different value.
    per_pixel = w.norm(dim=0)  # 2×2 norms over channels
    wrong = ((per_pixel - 1.0) ** 2).mean().item()
    assert abs(gp.item() - wrong) > 0.05


def test_gradient_penalty_is_per_sample_then_averaged():
    # D(x) = Σ x_i² has gradient 2x: different norms per sample.
    critic = lambda x: x.pow(2).flatten(1).sum(1)  # noqa: E731
    real = torch.zeros(2, 1, 1, 2)
    fake = torch.tensor([[[[3.0, 4.0]]], [[[0.0, 1.0]]]])
    gp = gradient_penalty(critic, real, fake, torch.ones(2, 1, 1, 1))  # x̂ = fake
    expected = ((10.0 - 1.0) ** 2 + (2.0 - 1.0) ** 2) / 2
    assert gp.item() == pytest.approx(expected)


def test_gradient_penalty_loss_scale_is_undone():
    critic = lambda x: x.pow(2).flatten(1).sum(1)  # noqa: E731
    real, fake, mix = torch.zeros(2, 1, 1, 2), torch.randn(2, 1, 1, 2), torch.rand(2, 1, 1, 1)
    assert gradient_penalty(critic, real, fake, mix, 1024.0).item() == pytest.approx(
        gradient_penalty(critic, real, fake, mix).item(), rel=1e-6)


@pytest.mark.parametrize("n", [2, 3, 5, 8, 64])
def test_derangement_has_no_fixed_points(n):
    gen = torch.Generator().manual_seed(n)
    for _ in range(200):
        perm = derangement(n, gen)
        assert sorted(perm.tolist()) == list(range(n))
        assert not (perm == torch.arange(n)).any()


def test_derangement_varies_and_refuses_one_element():
    gen = torch.Generator().manual_seed(0)
    seen = {tuple(derangement(4, gen).tolist()) for _ in range(300)}
    assert len(seen) == 9  # all derangements of 4 elements appear
    with pytest.raises(ValueError):
        derangement(1)


def test_discriminator_loss_counts_mismatched_text_as_fake():
    real, fake, mismatched = torch.tensor([2.0, 4.0]), torch.tensor([1.0, -1.0]), torch.tensor([6.0, 2.0])
    assert discriminator_loss(real, fake, None).item() == pytest.approx(0.0 - 3.0)
    assert discriminator_loss(real, fake, mismatched, 1.0, "linear").item() == pytest.approx((0.0 + 4.0) / 2 - 3.0)
    assert drift_penalty(real).item() == pytest.approx((4 + 16) / 2)


def test_kl_matches_closed_form_and_vanishes_at_standard_normal():
    mu, logvar = torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, math.log(4.0)]])
    expected = 0.5 * ((1 + 1 - 1 - 0) + (0 + 4 - 1 - math.log(4.0)))
    assert kl_divergence(mu, logvar).item() == pytest.approx(expected)
    assert kl_divergence(torch.zeros(3, 5), torch.zeros(3, 5)).item() == 0.0


def test_ca_sample_is_mu_plus_sigma_eps():
    ca = ConditioningAugmentation(6, 4)
    mu, logvar = ca(torch.randn(2, 6))
    eps = torch.randn(2, 4)
    torch.testing.assert_close(ca.sample(mu, logvar, eps), mu + torch.exp(logvar / 2) * eps)
    assert torch.equal(ca.sample(mu, logvar, torch.zeros(2, 4)), mu)


def test_hinge_mismatch_term_stops_pulling_once_pairs_are_separated():
    real, fake = torch.tensor([2.0, 4.0]), torch.tensor([1.0, -1.0])
    # wrong captions score 1.5 and 5.0: the first pair is separated by 0.5 (< margin 1), the second not at all
    mismatched = torch.tensor([1.5, 5.0], requires_grad=True)
    loss = discriminator_loss(real, fake, mismatched, 1.0, "hinge", margin=1.0)
    assert loss.item() == pytest.approx((0.0 - 3.0) + (0.5 + 2.0) / 2)
    loss.backward()
    assert mismatched.grad.tolist() == [0.5, 0.5]
    far = torch.tensor([-100.0, -100.0], requires_grad=True)
    discriminator_loss(real, fake, far, 1.0, "hinge").backward()
    assert far.grad.tolist() == [0.0, 0.0]  # no incentive to push mismatched scores further down
    with pytest.raises(ValueError, match="must be .sum., .average. or .hinge."):
        discriminator_loss(real, fake, far, 1.0, "cubic")


def test_caption_pairs_never_use_a_shared_or_empty_caption_as_wrong():
    allowed = caption_pairs(["a man", "a woman", "a man", ""])
    assert allowed.tolist() == [
        [True, True, False, False],   # "a man" again is not a wrong caption for a man
        [True, True, True, False],
        [False, True, True, False],
        [False, False, False, True],  # an empty caption matches any face: nothing to contrast
    ]


def test_contrastive_matching_loss_is_cross_entropy_over_the_allowed_captions():
    scores = torch.tensor([[2.0, 0.0, 5.0], [1.0, 3.0, 0.0], [0.0, 0.0, 9.0]], requires_grad=True)
    allowed = torch.tensor([[True, True, False], [True, True, True], [False, False, True]])
    loss = contrastive_matching_loss(scores, allowed)
    row0 = -math.log(math.exp(2) / (math.exp(2) + math.exp(0)))  # the masked 5.0 does not count
    row1 = -math.log(math.exp(3) / (math.exp(1) + math.exp(3) + math.exp(0)))
    assert loss.item() == pytest.approx((row0 + row1) / 2, rel=1e-6)  # row 2 has no wrong caption
    loss.backward()
    assert scores.grad[2].tolist() == [0.0, 0.0, 0.0]
    assert scores.grad[0, 2].item() == 0.0


def test_contrastive_matching_loss_ignores_how_real_an_image_looks():
    # Adding a constant to a row (a more or less realistic image) leaves the matching term alone:
    # it shapes only how captions rank against each other, not the Wasserstein level.
    scores = torch.randn(4, 4)
    allowed = torch.ones(4, 4, dtype=torch.bool)
    shifted = scores + torch.tensor([[3.0], [-7.0], [0.5], [100.0]])
    assert contrastive_matching_loss(shifted, allowed).item() == pytest.approx(
        contrastive_matching_loss(scores, allowed).item(), rel=1e-5)


def test_contrastive_matching_loss_without_any_wrong_caption_is_zero():
    scores = torch.randn(2, 2, requires_grad=True)
    loss = contrastive_matching_loss(scores, torch.eye(2, dtype=torch.bool))
    assert loss.item() == 0.0
    loss.backward()
    assert scores.grad.abs().sum().item() == 0.0


def test_mode_seeking_loss_is_the_reciprocal_of_image_change_per_noise_change():
    from core.losses import mode_seeking_loss

    images, twins = torch.zeros(2, 3, 4, 4), torch.full((2, 3, 4, 4), 0.5)
    noise, twin_noise = torch.zeros(2, 8), torch.full((2, 8), 2.0)
    # |Δimage| 0.5 per pixel for |Δnoise| 2 per dimension: ratio 0.25, loss 4.
    assert mode_seeking_loss(images, twins, noise, twin_noise, eps=0.0).item() == pytest.approx(4.0)
    # Identical images (noise ignored) give the largest loss, finite thanks to eps.
    assert mode_seeking_loss(images, images, noise, twin_noise, eps=1e-5).item() == pytest.approx(1e5)
    # Its gradient pushes the twins apart.
    twins.requires_grad_(True)
    mode_seeking_loss(images, twins, noise, twin_noise).backward()
    assert (twins.grad < 0).all()  # d loss / d twin < 0 where twin > image: growing the gap lowers the loss
