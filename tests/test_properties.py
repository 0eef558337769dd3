"""Property-based tests over shapes, dtypes, temperatures and alphas."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.tree import DecisionTreeClassifier

from skdistill import DistilledClassifier
from skdistill._soft_targets import blend, sharpen, tempered_softmax
from skdistill._students import expand_rows

temperatures = st.floats(1e-3, 1e3)
alphas = st.floats(0.0, 1.0)
logit_values = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def logits_and_labels(draw):
    n_rows = draw(st.integers(1, 30))
    n_classes = draw(st.integers(2, 8))
    logits = draw(arrays(np.float64, (n_rows, n_classes), elements=logit_values))
    labels = draw(arrays(np.intp, n_rows, elements=st.integers(0, n_classes - 1)))
    return logits, labels


@settings(max_examples=200, deadline=None)
@given(logits_and_labels(), temperatures, alphas)
def test_soft_targets_are_distributions(data, temperature, alpha):
    logits, labels = data
    targets = blend(tempered_softmax(logits, temperature), labels, alpha)
    assert np.all(np.isfinite(targets)) and np.all(targets >= 0)
    np.testing.assert_allclose(targets.sum(axis=1), 1.0)
    np.testing.assert_allclose(sharpen(targets, temperature).sum(axis=1), 1.0)


@settings(max_examples=200, deadline=None)
@given(logits_and_labels(), temperatures, alphas)
def test_row_expansion_keeps_each_rows_weight(data, temperature, alpha):
    logits, labels = data
    targets = blend(tempered_softmax(logits, temperature), labels, alpha)
    rows, classes, weights = expand_rows(targets)
    np.testing.assert_allclose(np.bincount(rows, weights, minlength=len(labels)), 1.0)
    assert np.all(weights > 0)


@st.composite
def datasets(draw):
    n_rows = draw(st.integers(6, 40))
    n_features = draw(st.integers(1, 4))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    X = draw(arrays(dtype, (n_rows, n_features), elements=st.floats(-100, 100, width=32)))
    n_classes = draw(st.integers(2, 4))
    y = np.arange(n_rows) % n_classes
    labels = draw(st.sampled_from([y, np.array(["x", "y", "z", "w"])[y], y * 10 - 5]))
    return X, labels


@settings(max_examples=25, deadline=None)
@given(datasets(), st.floats(0.05, 100.0), alphas, st.integers(0, 2**16))
def test_fit_predicts_known_labels_deterministically(data, temperature, alpha, seed):
    X, y = data
    make = lambda: DistilledClassifier(  # noqa: E731
        student=DecisionTreeClassifier(max_depth=3, max_features=1),
        temperature=temperature, alpha=alpha, random_state=seed,
    ).fit(X, y)
    first, second = make(), make()
    proba = first.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(first.predict(X).tolist()) <= set(np.unique(y).tolist())
    np.testing.assert_array_equal(proba, second.predict_proba(X))
