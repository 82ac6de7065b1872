"""Distribution distances and diversity in judge-feature space.

Fréchet distance (the "F" of FID without Inception), kernel inception distance's unbiased MMD²
with a cubic polynomial kernel, and mean pairwise distance for diversity. Everything works on
``N×D`` float64 arrays, with numpy only.
"""

from __future__ import annotations

import numpy as np


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    """Square root of a symmetric positive semi-definite matrix via its eigen-decomposition."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """‖μa − μb‖² + tr(Σa + Σb − 2 (Σa^½ Σb Σa^½)^½) between Gaussians fitted to two samples.

    The trace term uses tr((ΣaΣb)^½) = tr((Σa^½ Σb Σa^½)^½), whose argument is symmetric PSD, so
    only symmetric eigen-decompositions are needed (no complex-valued matrix square roots).
    """
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"need two N×D samples of equal D, got {a.shape} and {b.shape}")
    if len(a) < 2 or len(b) < 2:
        raise ValueError("need at least two samples on each side")
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root_a = _sqrt_psd(cov_a)
    middle = np.linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_sqrt = np.sqrt(np.clip(middle, 0, None)).sum()
    value = float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_sqrt)
    return max(value, 0.0)


def kernel_distance(a: np.ndarray, b: np.ndarray, subsets: int = 20, subset_size: int = 200,
                    seed: int = 0) -> float:
    """KID: unbiased MMD² with kernel k(x, y) = (x·y / D + 1)³, averaged over random subsets."""
    rng = np.random.default_rng(seed)
    size = min(subset_size, len(a), len(b))
    if size < 2:
        raise ValueError("need at least two samples on each side")
    dim = a.shape[1]
    values = []
    for _ in range(subsets):
        x = a[rng.choice(len(a), size, replace=False)]
        y = b[rng.choice(len(b), size, replace=False)]
        kxx, kyy, kxy = ((x @ x.T) / dim + 1) ** 3, ((y @ y.T) / dim + 1) ** 3, ((x @ y.T) / dim + 1) ** 3
        off = size * (size - 1)
        values.append((kxx.sum() - np.trace(kxx)) / off + (kyy.sum() - np.trace(kyy)) / off - 2 * kxy.mean())
    return float(np.mean(values))


def mean_pairwise_distance(features: np.ndarray) -> float:
    """Average Euclidean distance over all pairs of rows (0 for fewer than two rows)."""
    count = len(features)
    if count < 2:
        return 0.0
    squared = (features**2).sum(1)
    d2 = np.clip(squared[:, None] + squared[None, :] - 2 * features @ features.T, 0, None)
    return float(np.sqrt(d2)[np.triu_indices(count, 1)].mean())
