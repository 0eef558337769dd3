"""expected_calibration_error against a hand computation and sklearn's calibration_curve."""

import numpy as np
import pytest
from sklearn.calibration import calibration_curve

from skdistill.metrics import expected_calibration_error


@pytest.fixture
def predictions():
    rng = np.random.default_rng(0)
    p = rng.beta(2, 2, 500)
    y = (rng.random(500) < p ** 1.5).astype(int)  # over-confident on the positive side
    return y, p


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_ece_is_the_row_weighted_gap_of_the_calibration_curve(predictions, strategy):
    y, p = predictions
    frequency, mean_p = calibration_curve(y, p, n_bins=8, strategy=strategy)
    edges = (np.linspace(0, 1, 9) if strategy == "uniform"
             else np.quantile(p, np.linspace(0, 1, 9)))
    counts = np.bincount(np.searchsorted(edges[1:-1], p), minlength=8)
    expected = np.sum(counts[counts > 0] / len(p) * np.abs(frequency - mean_p))
    assert expected_calibration_error(y, p, n_bins=8, strategy=strategy) == pytest.approx(expected)


def test_ece_weights_rows_and_names_the_positive_class(predictions):
    y, p = predictions
    labels = np.where(y == 1, "yes", "no")
    weights = np.where(y == 1, 3.0, 1.0)
    repeated = np.repeat(np.arange(len(y)), weights.astype(int))
    assert expected_calibration_error(labels, p, pos_label="yes", sample_weight=weights) == \
        pytest.approx(expected_calibration_error(y[repeated], p[repeated]))
    assert expected_calibration_error(labels, 1 - p, pos_label="no") == pytest.approx(
        expected_calibration_error(y, p))


def test_top_label_ece_for_several_classes():
    rng = np.random.default_rng(1)
    proba = rng.dirichlet([1, 1, 1], 300)
    y = np.array([rng.choice(3, p=row) for row in proba])
    confidence, right = proba.max(axis=1), proba.argmax(axis=1) == y
    bins = np.searchsorted(np.linspace(0, 1, 11)[1:-1], confidence)
    expected = sum(abs(right[bins == b].mean() - confidence[bins == b].mean()) * np.mean(bins == b)
                   for b in np.unique(bins))
    assert expected_calibration_error(y, proba) == pytest.approx(expected)


def test_ece_refuses_what_it_cannot_read():
    with pytest.raises(ValueError, match="outside \\[0, 1\\]"):
        expected_calibration_error([0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match="has 3 classes but y_prob has one column"):
        expected_calibration_error([0, 1, 2], [0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="2 columns but there are 3 labels"):
        expected_calibration_error([0, 1, 2], [[0.5, 0.5]] * 3)
    with pytest.raises(ValueError, match="n_bins"):
        expected_calibration_error([0, 1], [0.5, 0.5], n_bins=0)
