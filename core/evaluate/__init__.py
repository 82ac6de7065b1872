"""Measuring a model: an attribute judge, text-faithfulness, Fréchet distance, KID and diversity."""
