"""Datasets of (face image, captions, optional attributes) behind one interface."""

from core.data.base import LoadSummary, TensorTextFaceDataset, TextFaceDataset

__all__ = ["LoadSummary", "TensorTextFaceDataset", "TextFaceDataset"]

# Synthetic faces, real-data formats and the preprocessing cache (the "data" issue).
from core.data.cache import CachedFaceDataset, resolve_cache_dir  # noqa: E402
from core.data.open import open_dataset  # noqa: E402
from core.data.summary import DataSummary  # noqa: E402
from core.data.synthetic import ATTRIBUTES, Caption, SyntheticFaces, sample_attributes  # noqa: E402

__all__ += ["ATTRIBUTES", "CachedFaceDataset", "Caption", "DataSummary", "SyntheticFaces", "open_dataset",
            "resolve_cache_dir", "sample_attributes"]
