"""Per-row temperatures and confidence weights follow their formulas; non-probabilities refused."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import softmax
from scipy.stats import entropy

from skdistill._row_adaptive import confidence_weights, normalized_entropy, row_temperatures


def _probabilities(n_rows, n_classes, seed=0):
    return softmax(np.random.default_rng(seed).normal(scale=3, size=(n_rows, n_classes)), axis=1)


@pytest.mark.parametrize("n_classes", [2, 3, 10])
def test_normalized_entropy_is_scipys_entropy_over_its_maximum(n_classes):
    proba = _probabilities(50, n_classes)
    expected = entropy(proba, axis=1) / np.log(n_classes)
    np.testing.assert_allclose(normalized_entropy(proba), expected)


def test_normalized_entropy_is_zero_for_a_certain_row_and_one_for_a_uniform_row():
    proba = np.array([[0.0, 1.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]])
    np.testing.assert_array_equal(normalized_entropy(proba), [0.0, 1.0])


@pytest.mark.parametrize("temperature, lowest, highest", [(2.0, 1.0, 4.0), (4.0, 2.0, 8.0),
                                                          (1.0, 1.0, 2.0), (0.5, 1.0, 1.0)])
def test_row_temperatures_run_linearly_in_entropy_between_their_bounds(temperature, lowest,
                                                                       highest):
    proba = _probabilities(40, 3, seed=1)
    h = normalized_entropy(proba)
    np.testing.assert_allclose(row_temperatures(proba, temperature),
                               lowest + (highest - lowest) * h)
    certain_and_uniform = np.array([[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_allclose(row_temperatures(certain_and_uniform, temperature),
                               [lowest, highest])


def test_confidence_weights_are_a_bell_over_entropy_with_mean_one():
    proba = _probabilities(60, 4, seed=2)
    h = normalized_entropy(proba)
    bell = 4 * h * (1 - h) + 0.5
    weights = confidence_weights(proba)
    np.testing.assert_allclose(weights, bell / bell.mean())
    assert weights.mean() == pytest.approx(1.0)
    # h(0.89, 0.11) is 0.5: the bell's top, three times a certain or uniform row.
    top = confidence_weights([[1.0, 0.0], [0.5, 0.5], [0.89, 0.11]])
    np.testing.assert_allclose(top / top[0], [1.0, 1.0, 3.0], rtol=1e-3)


@given(arrays(np.float64, (7, 3), elements=st.floats(-30, 30)))
def test_weights_and_temperatures_stay_in_their_ranges_for_any_distribution(logits):
    proba = softmax(logits, axis=1)
    temperatures = row_temperatures(proba, 3.0)
    assert np.all((temperatures >= 1.5 - 1e-12) & (temperatures <= 6.0 + 1e-12))
    weights = confidence_weights(proba)
    assert np.all(weights > 0) and np.isclose(weights.mean(), 1.0)
    # A bell between 0.5 and 1.5 rescaled to mean 1 spans at most 3x.
    assert weights.max() <= 3 * weights.min() + 1e-12


@pytest.mark.parametrize("proba, message", [
    (np.array([0.2, 0.8]), "2-D"),
    (np.ones((3, 1)), "two classes"),
    (np.array([[2.0, -1.0]]), "non-negative"),
    (np.array([[np.nan, 1.0]]), "finite"),
    (np.array([[3.0, 1.0]]), "sum to 1"),
])
def test_anything_but_rows_of_probabilities_is_refused_by_name(proba, message):
    with pytest.raises(ValueError, match=message):
        confidence_weights(proba)
    with pytest.raises(ValueError, match="teacher_proba"):
        row_temperatures(proba)


@pytest.mark.parametrize("temperature", [0.0, -1.0, "2"])
def test_row_temperatures_refuse_a_base_temperature_that_is_not_positive(temperature):
    with pytest.raises(ValueError, match="`temperature`"):
        row_temperatures([[0.5, 0.5]], temperature)
