"""Teacher ensembles whose weights are learned on held-out rows."""

import joblib
import numpy as np
import pytest
from scipy.special import log_softmax
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import log_loss, mean_squared_error
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.tree import DecisionTreeClassifier

from skdistill import DistilledClassifier, Specialist, TeacherEnsemble
from skdistill._ensemble_weights import _pooled_log_loss, learn_weights
from skdistill._soft_targets import PROBA_FLOOR


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


def test_learn_cross_fits_the_weights_then_fits_members_on_every_row(digits_split):
    X_train, _, y_train, _ = digits_split
    members = [RandomForestClassifier(n_estimators=20, random_state=0),
               DecisionTreeClassifier(max_depth=2, random_state=0)]
    ensemble = TeacherEnsemble(members, weights="learn", cv=3).fit(X_train, y_train)
    assert not hasattr(members[1], "tree_")  # the members given stay unfitted
    assert ensemble.teachers == members
    assert ensemble.teachers_[1].tree_.n_node_samples[0] == len(y_train)
    # By hand: each member's log-probabilities on the fold it was not fitted on.
    out_of_fold = np.zeros((2, len(y_train), 10))
    for train, test in StratifiedKFold(3).split(X_train, y_train):
        for m, member in enumerate(members):
            fitted = clone(member).fit(X_train[train], y_train[train])
            out_of_fold[m, test] = np.log(np.clip(fitted.predict_proba(X_train[test]), PROBA_FLOOR, 1))
    np.testing.assert_allclose(ensemble.weights_, learn_weights(out_of_fold, y_train), atol=1e-6)
    assert ensemble.weights_[0] > ensemble.weights_[1]


def test_fitting_again_refits_the_unfitted_members(digits_split):
    X_train, X_val, y_train, y_val = digits_split
    ensemble = TeacherEnsemble([DecisionTreeClassifier(max_depth=3, random_state=0)])
    first = ensemble.fit(X_train, y_train).teachers_[0]
    second = ensemble.fit(X_val, y_val).teachers_[0]
    assert second is not first and second.tree_.n_node_samples[0] == len(y_val)


def test_the_teachers_passed_are_never_refit_or_modified(digits_split):
    X_train, X_val, y_train, y_val = digits_split
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X_train, y_train)
    guesser = DummyClassifier(strategy="prior").fit(X_train, y_train)
    before = [joblib.hash(forest), joblib.hash(guesser)]
    ensemble = TeacherEnsemble([forest, guesser], weights="learn", cv=2).fit(X_val, y_val)
    ensemble.fit_weights(X_val, y_val)
    assert ensemble.teachers_[0] is forest and ensemble.teachers_[1] is guesser
    assert [joblib.hash(forest), joblib.hash(guesser)] == before
    assert clone(ensemble).weights_ is ensemble.weights_  # prefit members: still fitted


def test_bad_input_to_learned_weights_names_the_argument(digits_split):
    X_train, X_val, y_train, y_val = digits_split
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X_train, y_train)
    with pytest.raises(ValueError, match="needs fitted `teachers`: call fit"):
        TeacherEnsemble([forest, DecisionTreeClassifier()]).fit_weights(X_val, y_val)
    with pytest.raises(ValueError, match="`y` holds labels no teacher knows: \\[11\\]"):
        TeacherEnsemble([forest]).fit_weights(X_val, np.where(y_val == 3, 11, y_val))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        TeacherEnsemble([forest]).fit_weights(X_val, y_val[:-1])
    specialist = Specialist(DecisionTreeClassifier(), classes=[3, 5])
    with pytest.raises(ValueError, match="Specialist: learn the generalists' weights"):
        TeacherEnsemble([forest, specialist], weights="learn").fit(X_val, y_val)
    with pytest.raises(ValueError, match="'teachers' parameter of TeacherEnsemble"):
        TeacherEnsemble(forest).fit(X_val, y_val)
    with pytest.raises(ValueError, match="`teachers` must be a non-empty list"):
        TeacherEnsemble([]).fit(X_val, y_val)


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


def test_regression_weights_minimise_the_squared_error(diabetes):
    X, y = diabetes
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


def test_regression_weights_learned_out_of_fold(diabetes):
    X, y = diabetes
    ensemble = TeacherEnsemble([RandomForestRegressor(n_estimators=20, random_state=0),
                                DummyRegressor()], weights="learn", cv=3).fit(X, y)
    assert ensemble.weights_[0] > 0.8
    assert ensemble.teachers_[1].constant_[0][0] == pytest.approx(y.mean())  # every row
    np.testing.assert_allclose(ensemble.predict(X[:5]), ensemble.weights_ @ np.stack(
        [member.predict(X[:5]) for member in ensemble.teachers_]))
