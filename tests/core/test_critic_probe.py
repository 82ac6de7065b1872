"""The critic probe: one-attribute-changed caption pairs, and a score per attribute."""

import torch

from core.config import ModelConfig
from core.data.synthetic.attributes import ATTRIBUTES
from core.data.synthetic.dataset import SyntheticFaces
from core.evaluate.critic_probe import changed_caption_pair, probe_critic
from core.model.discriminator import Discriminator
from core.text.tokenizer import Tokenizer


def test_changed_caption_pairs_differ_only_in_the_named_attribute():
    faces = SyntheticFaces(20, resolution=16, seed=0, split="test")
    for index in range(len(faces)):
        attributes = faces.attributes(index)
        for name in ("hair_color", "background", "expression"):
            true, wrong = changed_caption_pair(attributes, name, index)
            assert true.mentioned[name] == attributes[name]
            assert wrong.mentioned[name] != attributes[name]
            assert {k: v for k, v in wrong.mentioned.items() if k != name} == \
                   {k: v for k, v in true.mentioned.items() if k != name}


def test_a_womans_beard_cannot_be_probed():
    attributes = dict(SyntheticFaces(1, resolution=16, split="test").attributes(0), gender="woman", facial_hair="none")
    assert changed_caption_pair(attributes, "facial_hair", 0) is None


def test_probe_reports_every_attribute_it_could_pair():
    faces = SyntheticFaces(12, resolution=16, seed=0, split="test")
    tokenizer = Tokenizer.train([c for i in range(len(faces)) for c in faces.captions(i)], vocab_size=120)
    torch.manual_seed(0)
    critic = Discriminator(ModelConfig(resolution=16, channels=(16, 16, 8), vocab_size=tokenizer.vocab_size,
                                       embedding_dim=8, text_hidden=8, text_layers=1, d_text_dim=8))
    results = probe_critic(critic, tokenizer, faces)
    assert set(results) <= set(ATTRIBUTES) and {"gender", "hair_color", "background"} <= set(results)
    for probe in results.values():
        assert 1 <= probe.pairs <= len(faces) and 0.0 <= probe.prefers_true <= 1.0
