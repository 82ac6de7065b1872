import pytest
import torch

from core.config import ModelConfig
from core.model.discriminator import Discriminator
from core.model.generator import Generator
from core.model.layers import downsample2x, upsample2x

CONFIG = ModelConfig(resolution=32, channels=(32, 32, 16, 8), ca_dim=8, noise_dim=8, vocab_size=20,
                     embedding_dim=8, text_hidden=12, text_layers=1, d_text_dim=6)


@pytest.fixture(scope="module")
def nets():
    torch.manual_seed(0)
    return Generator(CONFIG), Discriminator(CONFIG)


@pytest.mark.parametrize("depth", range(CONFIG.depths))
@pytest.mark.parametrize("alpha", [0.0, 0.3, 1.0])
def test_output_shapes_at_every_depth(nets, depth, alpha):
    generator, discriminator = nets
    images = generator(torch.randn(5, CONFIG.latent_dim), depth, alpha)
    size = 4 * 2**depth
    assert images.shape == (5, 3, size, size)
    assert discriminator(images, torch.randn(5, CONFIG.text_hidden), depth, alpha).shape == (5,)


@pytest.mark.parametrize("depth", range(1, CONFIG.depths))
def test_alpha_zero_is_exactly_the_upsampled_previous_output(nets, depth):
    generator, _ = nets
    latent = torch.randn(4, CONFIG.latent_dim)
    previous = generator(latent, depth - 1, 1.0)
    assert torch.equal(generator(latent, depth, 0.0), upsample2x(previous))


def test_alpha_one_uses_only_the_new_block(nets):
    generator, _ = nets
    latent = torch.randn(3, CONFIG.latent_dim)
    generator.zero_grad()
    generator(latent, 2, 1.0).sum().backward()
    assert generator.to_rgb[1].weight.grad is None  # the previous toRGB was never evaluated
    assert generator.to_rgb[2].weight.grad is not None
    with torch.no_grad():
        before = generator(latent, 2, 1.0)
        generator.to_rgb[1].weight.add_(1.0)
        after = generator(latent, 2, 1.0)
        generator.to_rgb[1].weight.sub_(1.0)
    assert torch.equal(before, after)


def test_fade_blend_is_linear_in_alpha(nets):
    generator, _ = nets
    latent = torch.randn(2, CONFIG.latent_dim)
    old = upsample2x(generator(latent, 1, 1.0))
    new = generator(latent, 2, 1.0)
    torch.testing.assert_close(generator(latent, 2, 0.25), 0.25 * new + 0.75 * old, rtol=1e-5, atol=1e-6)


def test_discriminator_fade_mirrors_generator(nets):
    _, discriminator = nets
    images, text = torch.randn(4, 3, 16, 16), torch.randn(4, CONFIG.text_hidden)
    # At α = 0 the new fromRGB+block is ignored: the score equals the previous depth's on the pooled image.
    assert torch.equal(discriminator(images, text, 2, 0.0), discriminator(downsample2x(images), text, 1, 1.0))


def test_discriminator_score_depends_on_text(nets):
    _, discriminator = nets
    images = torch.randn(4, 3, 32, 32)
    a = discriminator(images, torch.randn(4, CONFIG.text_hidden))
    b = discriminator(images, torch.randn(4, CONFIG.text_hidden))
    assert not torch.allclose(a, b)


def test_bad_depth_is_refused(nets):
    generator, _ = nets
    with pytest.raises(ValueError, match="depth must be in 0..3"):
        generator(torch.randn(1, CONFIG.latent_dim), 4)


def test_config_validation_messages():
    with pytest.raises(ValueError, match="power of two from 16 to 256"):
        ModelConfig(resolution=48)
    with pytest.raises(ValueError, match="one width per resolution"):
        ModelConfig(resolution=32, channels=(8, 8))


def test_shared_features_score_exactly_like_full_passes(nets):
    _, discriminator = nets
    images, text = torch.randn(4, 3, 16, 16), torch.randn(4, CONFIG.text_hidden)
    wrong = text[torch.tensor([1, 2, 3, 0])]
    features = discriminator.features(images, 2, 0.7)
    assert torch.equal(discriminator.head(features, text), discriminator(images, text, 2, 0.7))
    assert torch.equal(discriminator.head(features, wrong), discriminator(images, wrong, 2, 0.7))


def test_pair_scores_hold_every_image_against_every_caption(nets):
    _, discriminator = nets
    images, text = torch.randn(3, 3, 16, 16), torch.randn(3, CONFIG.text_hidden)
    features = discriminator.features(images, 2, 1.0)
    pairs = discriminator.pair_scores(features, text)
    assert pairs.shape == (3, 3)
    for j in range(3):  # column j: every image scored with caption j
        assert torch.allclose(pairs[:, j], discriminator.head(features, text[j].expand(3, -1)), atol=1e-5)


def test_max_pooling_critic_shares_the_weights_and_keeps_a_one_pixel_detail():
    import dataclasses

    from core.model.discriminator import _DownBlock

    torch.manual_seed(0)
    averaging = Discriminator(CONFIG)
    maxing = Discriminator(dataclasses.replace(CONFIG, critic_pooling="max"))
    maxing.load_state_dict(averaging.state_dict())  # same parameters: only the pooling differs
    images, text = torch.randn(2, 3, 32, 32), torch.randn(2, CONFIG.text_hidden)
    assert not torch.allclose(averaging(images, text), maxing(images, text))
    # A lone bright pixel: max pooling passes it on whole, averaging dilutes it fourfold.
    block = _DownBlock(1, 1, "max")
    spot = torch.zeros(1, 1, 4, 4)
    spot[0, 0, 1, 2] = 8.0
    assert block.pool(spot)[0, 0, 0, 1].item() == 8.0
    assert _DownBlock(1, 1).pool(spot)[0, 0, 0, 1].item() == 2.0
    with pytest.raises(ValueError, match="critic_pooling must be one of avg, max, got 'min'"):
        dataclasses.replace(CONFIG, critic_pooling="min")
    assert ModelConfig.from_dict({"resolution": 32, "channels": [8, 8, 8, 8]}).critic_pooling == "avg"


def test_a_wider_critic_has_its_own_widths_and_scores_at_every_depth():
    import dataclasses

    wide = dataclasses.replace(CONFIG, critic_channels=(32, 32, 32, 16))
    critic = Discriminator(wide)
    assert [layer.weight.shape[0] for layer in critic.from_rgb] == [32, 32, 32, 16]
    assert [layer.weight.shape[0] for layer in Discriminator(CONFIG).from_rgb] == list(CONFIG.channels)
    generator = Generator(wide)  # the generator keeps ``channels``
    assert [layer.weight.shape[0] for layer in generator.to_rgb] == [3] * CONFIG.depths
    for depth in range(CONFIG.depths):
        images = generator(torch.randn(3, CONFIG.latent_dim), depth, 0.5)
        assert critic(images, torch.randn(3, CONFIG.text_hidden), depth, 0.5).shape == (3,)
    assert ModelConfig.from_dict(wide.to_dict()) == wide
    assert ModelConfig.from_dict({"resolution": 32, "channels": [8, 8, 8, 8]}).critic_widths == (8, 8, 8, 8)


@pytest.mark.parametrize(("widths", "message"), [
    ((32, 32, 16), r"critic_channels needs one width per resolution 4..32 \(4 entries\), or none to mirror "
                   r"channels; got 3"),
    ((32, 32, 0, 8), "critic channel widths must be positive"),
])
def test_critic_widths_are_checked(widths, message):
    import dataclasses

    with pytest.raises(ValueError, match=message):
        dataclasses.replace(CONFIG, critic_channels=widths)
