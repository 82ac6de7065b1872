"""The contrastive matching loss with near-miss captions (core.training.matching)."""

import pytest
import torch

from core.config import ModelConfig
from core.losses import caption_pairs, contrastive_matching_loss
from core.model.discriminator import Discriminator
from core.training.matching import NearMisses, matching_loss, near_miss_scores

CONFIG = ModelConfig(resolution=16, channels=(16, 16, 8), ca_dim=8, noise_dim=8, vocab_size=20,
                     max_tokens=6, embedding_dim=8, text_hidden=8, d_text_dim=8)
CAPTIONS = ["a", "b", "c"]


@pytest.fixture(scope="module")
def critic_and_features():
    torch.manual_seed(0)
    critic = Discriminator(CONFIG)
    with torch.no_grad():
        features = critic.features(torch.randn(3, 3, 16, 16))
        text = critic.encode_text(torch.randint(1, 20, (3, 6)), torch.tensor([6, 4, 2]))
    return critic, features, text


def _near(per_image: int, allowed: torch.Tensor) -> NearMisses:
    generator = torch.Generator().manual_seed(1)
    rows = 3 * per_image
    return NearMisses(torch.randint(1, 20, (rows, 6), generator=generator),
                      torch.randint(1, 7, (rows,), generator=generator), allowed)


@torch.no_grad()
def test_near_miss_scores_are_each_image_against_its_own_near_misses(critic_and_features):
    critic, features, _ = critic_and_features
    near = _near(2, torch.ones(3, 2, dtype=torch.bool))
    scores = near_miss_scores(critic, features, near)
    assert scores.shape == (3, 2)
    for i in range(3):
        for k in range(2):
            row = 2 * i + k
            text = critic.encode_text(near.ids[row:row + 1], near.lengths[row:row + 1])
            assert scores[i, k].item() == pytest.approx(critic.head(features[i:i + 1], text).item(), abs=1e-5)


@torch.no_grad()
def test_near_misses_join_the_batchs_wrong_captions_in_one_cross_entropy(critic_and_features):
    critic, features, text = critic_and_features
    allowed = caption_pairs(CAPTIONS)
    near = _near(2, torch.tensor([[True, False], [True, True], [False, False]]))
    expected = contrastive_matching_loss(
        torch.cat([critic.pair_scores(features, text), near_miss_scores(critic, features, near)], 1),
        torch.cat([allowed, near.allowed], 1))
    assert matching_loss(critic, features, text, allowed, near).item() == expected.item()
    # Masked near misses (an image that got none) change nothing.
    none = _near(2, torch.zeros(3, 2, dtype=torch.bool))
    assert (matching_loss(critic, features, text, allowed, none).item()
            == matching_loss(critic, features, text, allowed).item())


def test_a_near_miss_the_critic_cannot_tell_apart_raises_the_loss(critic_and_features):
    critic, features, _ = critic_and_features
    allowed = caption_pairs(CAPTIONS)
    # A near miss that reads exactly like the image's own caption scores exactly as high: the loss rises.
    with torch.no_grad():
        own_ids = torch.randint(1, 20, (3, 6), generator=torch.Generator().manual_seed(5))
        own_lengths = torch.tensor([6, 4, 2])
        own_text = critic.encode_text(own_ids, own_lengths)
        same = NearMisses(own_ids, own_lengths, torch.ones(3, 1, dtype=torch.bool))
        base = matching_loss(critic, features, own_text, allowed)
        with_copies = matching_loss(critic, features, own_text, allowed, same)
    assert with_copies.item() > base.item() + 0.1
