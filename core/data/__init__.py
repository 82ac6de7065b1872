"""Datasets of (face image, captions, optional attributes) behind one interface."""

from core.data.base import LoadSummary, TensorTextFaceDataset, TextFaceDataset

__all__ = ["LoadSummary", "TensorTextFaceDataset", "TextFaceDataset"]
