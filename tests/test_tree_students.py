"""scikit-learn students: trees, forests, boosting and linear models."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_regression
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import DistilledClassifier, DistilledRegressor
from skdistill._students import _ROWS_PER_ROW, _expanded_X, expand_rows
from _helpers import FIXED


@pytest.fixture(scope="module")
def binary(cancer_unscaled, cancer_unscaled_forest):
    """The shared binary problem and its forest, as the parametrized tests take them: one tuple."""
    return (*cancer_unscaled, cancer_unscaled_forest)


@pytest.fixture(scope="module")
def multiclass(digits):
    X, y = digits
    X, y = X[:500], y[:500]
    teacher = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    return X, y, teacher


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=400, n_features=6, noise=5.0, random_state=0)
    teacher = RandomForestRegressor(n_estimators=30, random_state=0).fit(X, y)
    return X, y, teacher


CLASSIFIERS = [
    DecisionTreeClassifier(max_depth=4),
    RandomForestClassifier(n_estimators=10, max_depth=6),
    ExtraTreesClassifier(n_estimators=10, max_depth=6),
    make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)),
]


@pytest.mark.parametrize("student", CLASSIFIERS, ids=lambda s: type(s).__name__)
@pytest.mark.parametrize("data", ["binary", "multiclass"])
def test_classifier_students_learn_by_weighted_rows(student, data, request):
    X, y, teacher = request.getfixturevalue(data)
    distilled = DistilledClassifier(teacher, student, random_state=0).fit(X, y)
    assert distilled.strategy_ == "weighted_rows"
    proba = distilled.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    on_labels = clone(student).fit(X, y)
    fidelity = np.mean(distilled.predict(X) == teacher.predict(X))
    assert fidelity >= np.mean(on_labels.predict(X) == teacher.predict(X)) - 0.03


@pytest.mark.parametrize(
    "student",
    [DecisionTreeRegressor(max_depth=5), RandomForestRegressor(n_estimators=10),
     ExtraTreesRegressor(n_estimators=10), HistGradientBoostingRegressor(max_iter=30),
     Ridge(), LinearRegression()],
    ids=lambda s: type(s).__name__,
)
def test_regressor_students_learn_blended_targets(student, regression):
    X, y, teacher = regression
    distilled = DistilledRegressor(teacher, student, random_state=0).fit(X, y)
    assert distilled.strategy_ == "blended_regression"
    assert distilled.score(X, y) > 0.7


def test_hist_gradient_boosting_student_takes_sample_weight(binary):
    X, y, teacher = binary
    weight = np.where(y == 1, 3.0, 1.0)
    student = HistGradientBoostingClassifier(max_iter=10)
    weighted = DistilledClassifier(teacher, student, random_state=0).fit(X, y, weight)
    plain = DistilledClassifier(teacher, student, random_state=0).fit(X, y)
    assert weighted.strategy_ == "weighted_rows"
    # Up-weighting the positive class raises its predicted probability.
    assert weighted.predict_proba(X)[:, 1].mean() > plain.predict_proba(X)[:, 1].mean()


def test_soft_regression_strategy_can_be_requested(multiclass):
    X, y, teacher = multiclass
    distilled = DistilledClassifier(
        teacher, DecisionTreeRegressor(max_depth=6), strategy="soft_regression", random_state=0
    ).fit(X, y)
    assert distilled.strategy_ == "soft_regression"
    assert np.mean(distilled.predict(X) == teacher.predict(X)) > 0.7


def test_requesting_a_strategy_that_cannot_train_the_student_names_the_fix(binary):
    X, y, teacher = binary
    distiller = DistilledClassifier(teacher, DecisionTreeClassifier(), strategy="lightgbm")
    with pytest.raises(ValueError, match="strategy='lightgbm' cannot train"):
        distiller.fit(X, y)


@pytest.mark.parametrize("temperature", [0.5, 3.0])
def test_tree_leaves_hold_the_mean_of_their_rows_targets_at_t1(multiclass, temperature):
    X, y, teacher = multiclass
    alpha = 0.7
    distilled = DistilledClassifier(
        teacher, DecisionTreeClassifier(max_depth=5), temperature=temperature, alpha=alpha,
        augment=None, cv=None, random_state=0,
    ).fit(X, y)
    # Each leaf answers the mean of its rows' blended targets at T = 1, by hand.
    targets = alpha * teacher.predict_proba(X) + (1 - alpha) * np.eye(10)[y]
    leaves = distilled.student_.apply(X)
    expected = np.array([targets[leaves == leaf].mean(axis=0) for leaf in leaves])
    np.testing.assert_allclose(distilled.predict_proba(X), expected, atol=1e-9)
    # The splits were grown on the tempered targets: another tree than at T = 1.
    at_t1 = DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=5), alpha=alpha,
                                random_state=0, augment=None, cv=None).fit(X, y)
    assert not np.array_equal(at_t1.student_.tree_.threshold,
                              distilled.student_.tree_.threshold)


def test_expansion_keeps_at_most_the_row_budget_on_flat_targets():
    rng = np.random.default_rng(0)
    soft = rng.dirichlet(np.full(26, 5.0), size=2000)  # every class plausible
    top = soft.argmax(axis=1)
    rows, classes, weights = expand_rows(soft.copy())
    assert len(rows) <= _ROWS_PER_ROW * 2000
    np.testing.assert_allclose(np.bincount(rows, weights, minlength=2000), 1.0)
    kept_top = np.zeros(2000, dtype=bool)
    kept_top[rows[classes == top[rows]]] = True
    assert kept_top.all()


def test_expansion_keeps_every_plausible_class_of_confident_targets():
    soft = np.array([[0.7, 0.25, 0.05, 0.0], [0.0, 0.0, 0.9995, 0.0005], [1, 0, 0, 0],
                     [0, 1, 0, 0]])
    rows, classes, weights = expand_rows(soft.copy())
    assert list(zip(rows.tolist(), classes.tolist()))[:4] == [(0, 0), (0, 1), (0, 2), (1, 2)]


@pytest.mark.parametrize("student", [DecisionTreeClassifier(), RandomForestClassifier()])
def test_trees_expand_rows_into_float32_in_chunks(student, monkeypatch):
    import skdistill._students as students

    monkeypatch.setattr(students, "_EXPANSION_CHUNK", 7)  # several chunks and a short last one
    X = np.random.default_rng(0).normal(size=(30, 3))
    rows = np.repeat(np.arange(30), 2)[:50]
    expanded = _expanded_X(student, X, rows)
    assert expanded.dtype == np.float32
    np.testing.assert_array_equal(expanded, X[rows].astype(np.float32))
    assert _expanded_X(LogisticRegression(), X, rows).dtype == np.float64


def test_float32_expansion_gives_the_same_tree_as_float64(multiclass, monkeypatch):
    import skdistill._students as students

    X, y, teacher = multiclass
    tree = DecisionTreeClassifier(max_depth=5, random_state=0)
    fast = DistilledClassifier(teacher, tree, temperature=2.0, random_state=0).fit(X, y)
    monkeypatch.setattr(students, "_FLOAT32_LEARNERS", ())
    plain = DistilledClassifier(teacher, tree, temperature=2.0, random_state=0).fit(X, y)
    np.testing.assert_array_equal(fast.predict_proba(X), plain.predict_proba(X))


def test_distilled_forest_stays_as_small_as_a_forest_fit_on_labels(multiclass):
    X, y, teacher = multiclass
    forest = RandomForestClassifier(n_estimators=10, random_state=0)
    direct = len(pickle.dumps(forest.fit(X, y)))
    distilled = DistilledClassifier(teacher, forest, random_state=0).fit(X, y)
    assert len(pickle.dumps(distilled.student_)) < 3 * direct


def test_monotonic_constraint_reaches_the_tree_student(regression):
    X, y, _ = regression
    # A teacher that decreases in feature 0 where y increases in it overall.
    wiggly = y - 60 * np.sin(X[:, 0] * 3)
    teacher = RandomForestRegressor(n_estimators=20, random_state=0).fit(X, wiggly)
    constraint = [1, 0, 0, 0, 0, 0]
    student = DecisionTreeRegressor(max_depth=6, monotonic_cst=constraint)
    distilled = DistilledRegressor(teacher, student, random_state=0).fit(X, wiggly)
    assert distilled.student_.monotonic_cst == constraint
    grid = np.tile(np.median(X, axis=0), (200, 1))
    grid[:, 0] = np.linspace(X[:, 0].min(), X[:, 0].max(), 200)
    assert np.all(np.diff(distilled.predict(grid)) >= 0)
    assert np.any(np.diff(teacher.predict(grid)) < 0)


def test_monotonic_constraint_reaches_a_binary_tree_classifier(binary):
    X, y, teacher = binary
    student = DecisionTreeClassifier(max_depth=5, monotonic_cst=[-1] + [0] * 29)
    distilled = DistilledClassifier(teacher, student, random_state=0).fit(X, y)
    grid = np.tile(np.median(X, axis=0), (100, 1))
    grid[:, 0] = np.linspace(X[:, 0].min(), X[:, 0].max(), 100)
    assert np.all(np.diff(distilled.predict_proba(grid)[:, 1]) <= 1e-12)
