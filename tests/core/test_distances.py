import numpy as np
import pytest

from core.evaluate.distances import frechet_distance, kernel_distance, mean_pairwise_distance


def test_frechet_distance_matches_closed_form_for_known_gaussians():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20000, 3))
    b = rng.normal(size=(20000, 3)) * 2.0 + np.array([1.0, 0.0, 0.0])
    # ‖Δμ‖² = 1; tr(I + 4I − 2·2I) = 3  → 4
    assert frechet_distance(a, b) == pytest.approx(4.0, rel=0.03)
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-8)


def test_kid_is_near_zero_for_one_distribution_and_positive_for_two():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(600, 8)), rng.normal(size=(600, 8))
    assert abs(kernel_distance(a, b)) < 0.02
    assert kernel_distance(a, b + 1.5) > 0.5


def test_mean_pairwise_distance_exact():
    points = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 0.0]])
    assert mean_pairwise_distance(points) == pytest.approx((5 + 0 + 5) / 3)
    assert mean_pairwise_distance(points[:1]) == 0.0
