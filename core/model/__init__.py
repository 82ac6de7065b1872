"""T2F networks: equalized layers, conditioning augmentation, generator, discriminator, bundle."""

from core.model.conditioning import ConditioningAugmentation, kl_divergence
from core.model.discriminator import Discriminator
from core.model.generator import Generator
from core.model.t2f import T2F, ModelInfo

__all__ = ["ConditioningAugmentation", "Discriminator", "Generator", "ModelInfo", "T2F", "kl_divergence"]
