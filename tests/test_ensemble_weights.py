"""Teacher ensembles whose weights are learned on held-out rows."""

import numpy as np
import pytest
from scipy.special import log_softmax
from sklearn.base import clone
from sklearn.datasets import load_diabetes, load_digits
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import log_loss, mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from skdistill import DistilledClassifier, TeacherEnsemble
from skdistill._ensemble_weights import _pooled_log_loss, learn_weights


def test_the_log_loss_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    log_probas = log_softmax(rng.normal(size=(3, 40, 4)), axis=2)
    y = rng.integers(4, size=40)
    objective = _pooled_log_loss(log_probas, y, None)
    weights = np.array([0.5, 0.3, 0.2])
    loss, gradient = objective(weights)
    # By hand: the pooled distribution and its log-loss.
    pooled = log_softmax(np.einsum("m,mnk->nk", weights, log_probas), axis=1)
    assert loss == pytest.approx(-pooled[np.arange(40), y].mean())
    step = 1e-6
    numeric = [(objective(weights + step * np.eye(3)[m])[0] - loss) / step for m in range(3)]
    np.testing.assert_allclose(gradient, numeric, rtol=1e-4, atol=1e-6)


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


def test_learned_weights_favour_the_better_teacher(digits_split):
    X_train, X_val, y_train, y_val = digits_split
    forest = RandomForestClassifier(n_estimators=50, random_state=0).fit(X_train, y_train)
    guesser = DummyClassifier(strategy="prior").fit(X_train, y_train)
    ensemble = TeacherEnsemble([forest, guesser]).fit_weights(X_val, y_val)
    assert ensemble.weights_[0] > 0.8 and ensemble.weights_.sum() == pytest.approx(1.0)
    uniform = TeacherEnsemble([forest, guesser])
    assert log_loss(y_val, ensemble.predict_proba(X_val)) <= log_loss(
        y_val, uniform.predict_proba(X_val))


def test_learn_fits_members_on_all_but_the_held_out_rows(digits_split):
    X_train, _, y_train, _ = digits_split
    ensemble = TeacherEnsemble(
        [RandomForestClassifier(n_estimators=30), DecisionTreeClassifier(max_depth=2)],
        weights="learn",
    ).fit(X_train, y_train, random_state=0)
    # The members saw 80% of the rows; the weights were learned on the other 20%.
    assert abs(ensemble.teachers[1].tree_.n_node_samples[0] - 0.8 * len(y_train)) < 2
    assert ensemble.weights_[0] > ensemble.weights_[1]


def test_a_distiller_learns_the_weights_without_touching_the_teachers(digits_split):
    X_train, X_val, y_train, y_val = digits_split
    forest = RandomForestClassifier(n_estimators=30, random_state=0).fit(X_train, y_train)
    guesser = DummyClassifier(strategy="prior").fit(X_train, y_train)
    ensemble = TeacherEnsemble([forest, guesser], weights="learn")
    distilled = DistilledClassifier(ensemble, random_state=0).fit(X_val, y_val)
    assert not hasattr(ensemble, "weights_")  # the one passed is left as it was
    assert distilled.teacher_.teachers[0] is forest
    assert distilled.teacher_.weights_[0] > 0.8
    with pytest.raises(ValueError, match="not fitted"):
        TeacherEnsemble([forest, guesser], weights="learn").predict_proba(X_val)
    with pytest.raises(ValueError, match="'learn' or None"):
        TeacherEnsemble([forest, guesser], weights="best").predict_proba(X_val)
    assert clone(distilled.teacher_).weights_ is distilled.teacher_.weights_


def test_regression_weights_minimise_the_squared_error():
    X, y = load_diabetes(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, random_state=0)
    forest = RandomForestRegressor(n_estimators=30, random_state=0).fit(X_train, y_train)
    mean = DummyRegressor().fit(X_train, y_train)
    ensemble = TeacherEnsemble([forest, mean]).fit_weights(X_val, y_val)
    predictions = np.stack([forest.predict(X_val), mean.predict(X_val)])
    best = min(np.linspace(0, 1, 101),
               key=lambda w: mean_squared_error(y_val, w * predictions[0] + (1 - w) * predictions[1]))
    assert ensemble.weights_[0] == pytest.approx(best, abs=0.01)
    np.testing.assert_allclose(learn_weights(predictions, y_val, kind="regressor"),
                               ensemble.weights_)
