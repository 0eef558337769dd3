"""Every kind of teacher gives the right logits or predictions."""

import numpy as np
import pytest
from scipy.special import softmax
from sklearn.ensemble import (
    ExtraTreesClassifier,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
    StackingClassifier,
    VotingClassifier,
)
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from skdistill import DistilledClassifier, DistilledRegressor, TeacherEnsemble
from skdistill._soft_targets import PROBA_FLOOR
from skdistill._teacher_outputs import teacher_adapter as as_teacher

SKLEARN_CLASSIFIERS = [
    RandomForestClassifier(n_estimators=10, random_state=0),
    ExtraTreesClassifier(n_estimators=10, random_state=0),
    GradientBoostingClassifier(n_estimators=10, random_state=0),
    HistGradientBoostingClassifier(max_iter=10, random_state=0),
    LogisticRegression(max_iter=2000),
    make_pipeline(StandardScaler(), LogisticRegression()),
    StackingClassifier(
        [("rf", RandomForestClassifier(n_estimators=5, random_state=0))],
        final_estimator=LogisticRegression(),
    ),
    VotingClassifier(
        [("rf", RandomForestClassifier(n_estimators=5, random_state=0)),
         ("lr", LogisticRegression(max_iter=2000))],
        voting="soft",
    ),
]


@pytest.mark.parametrize("teacher", SKLEARN_CLASSIFIERS, ids=lambda t: type(t).__name__)
@pytest.mark.parametrize("dataset", ["iris", "cancer_unscaled"])
def test_sklearn_teacher_logits_reproduce_its_probabilities(teacher, dataset, request):
    X, y = request.getfixturevalue(dataset)
    teacher = teacher.fit(X, y)
    logits = as_teacher(teacher, "classifier").logits(X)
    assert logits.shape == (len(X), len(np.unique(y)))
    np.testing.assert_allclose(softmax(logits, axis=1), teacher.predict_proba(X), atol=1e-6)
    distilled = DistilledClassifier(teacher, random_state=0).fit(X, y)
    assert distilled.score(X, y) > 0.85


def test_binary_margin_becomes_two_columns(cancer_unscaled):
    X, y = cancer_unscaled
    teacher = LogisticRegression(max_iter=5000).fit(X, y)
    logits = as_teacher(teacher, "classifier").logits(X)
    np.testing.assert_allclose(logits[:, 1] - logits[:, 0], teacher.decision_function(X))


def test_certain_probabilities_give_finite_logits(iris):
    X, y = iris
    teacher = DecisionTreeClassifier(random_state=0).fit(X, y)  # probabilities of 0 and 1
    logits = as_teacher(teacher, "classifier").logits(X)
    assert np.all(np.isfinite(logits))


def test_lightgbm_model_and_raw_booster(iris, cancer_unscaled):
    lightgbm = pytest.importorskip("lightgbm")
    for X, y in (iris, cancer_unscaled):
        model = lightgbm.LGBMClassifier(n_estimators=20, verbose=-1).fit(X, y)
        expected = model.predict_proba(X)
        for teacher in (model, model.booster_):
            logits = as_teacher(teacher, "classifier").logits(X)
            np.testing.assert_allclose(softmax(logits, axis=1), expected, atol=1e-9)
            assert DistilledClassifier(teacher, random_state=0).fit(X, y).score(X, y) > 0.9


def test_raw_booster_of_a_regressor(diabetes):
    lightgbm = pytest.importorskip("lightgbm")
    X, y = diabetes
    booster = lightgbm.LGBMRegressor(n_estimators=20, verbose=-1).fit(X, y).booster_
    distilled = DistilledRegressor(booster, random_state=0).fit(X, y)
    assert distilled.score(X, y) > 0.4
    with pytest.raises(ValueError, match="DistilledRegressor"):
        DistilledClassifier(booster).fit(X, y > 100)


def test_xgboost_teacher_uses_margins(iris):
    xgboost = pytest.importorskip("xgboost")
    X, y = iris
    model = xgboost.XGBClassifier(n_estimators=10, max_depth=2).fit(X, y)
    logits = as_teacher(model, "classifier").logits(X)
    np.testing.assert_allclose(softmax(logits, axis=1), model.predict_proba(X), atol=1e-5)


def test_list_of_teachers_averages_log_probabilities(iris):
    X, y = iris
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    linear = LogisticRegression(max_iter=2000).fit(X, y)
    ensemble = TeacherEnsemble([forest, linear], weights=[3, 1])
    log_p = np.log(np.clip(forest.predict_proba(X), PROBA_FLOOR, 1))
    expected = softmax(0.75 * log_p + 0.25 * np.log(linear.predict_proba(X)), axis=1)
    np.testing.assert_allclose(ensemble.predict_proba(X), expected, atol=1e-9)
    distilled = DistilledClassifier([forest, linear], random_state=0).fit(X, y)
    assert distilled.teacher_.teachers[0] is forest


def test_list_of_unfitted_teachers_is_fitted_as_an_ensemble(iris):
    X, y = iris
    distilled = DistilledClassifier(
        [RandomForestClassifier(n_estimators=5), LogisticRegression(max_iter=2000)],
        random_state=0,
    ).fit(X, y)
    assert isinstance(distilled.teacher_, TeacherEnsemble)
    assert distilled.score(X, y) > 0.9


def test_regressor_teachers_average_predictions(diabetes):
    X, y = diabetes
    forest = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    boosting = GradientBoostingRegressor(n_estimators=20, random_state=0).fit(X, y)
    adapter = as_teacher([forest, boosting], "regressor")
    expected = (forest.predict(X) + boosting.predict(X)) / 2
    np.testing.assert_allclose(adapter.predictions(X), expected)
    distilled = DistilledRegressor([forest, boosting], random_state=0).fit(X, y)
    assert distilled.score(X, y) > 0.4
    assert DistilledRegressor(LinearRegression(), random_state=0).fit(X, y).score(X, y) > 0.3


def test_teacher_classes_in_another_order_are_matched_by_value(iris):
    X, y = iris
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, labels)
    reordered = ReorderedClasses(forest)
    distilled = DistilledClassifier(reordered, DecisionTreeClassifier(max_depth=4)).fit(X, labels)
    np.testing.assert_array_equal(distilled.classes_, ["setosa", "versicolor", "virginica"])
    assert (distilled.predict(X) == forest.predict(X)).mean() > 0.95


def test_teacher_knowing_more_classes_than_y(iris):
    X, y = iris
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    keep = y != 1
    distilled = DistilledClassifier(forest).fit(X[keep], y[keep])
    np.testing.assert_array_equal(distilled.classes_, [0, 2])
    np.testing.assert_allclose(distilled.predict_proba(X[keep]).sum(axis=1), 1.0)


class ReorderedClasses:
    """A fitted classifier whose classes_ are listed in reverse order."""

    def __init__(self, model):
        self.model = model
        self.classes_ = model.classes_[::-1]

    def predict_proba(self, X):
        return self.model.predict_proba(X)[:, ::-1]
