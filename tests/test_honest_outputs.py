"""Out-of-bag and out-of-fold teacher outputs equal their hand computations; teachers untouched."""

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import (
    BaggingClassifier,
    BaggingRegressor,
    ExtraTreesClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, ShuffleSplit, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from skdistill import TeacherEnsemble
from skdistill._honest_outputs import out_of_bag_outputs, out_of_fold_outputs
from skdistill._soft_targets import PROBA_FLOOR


def _hand_out_of_bag(bagger, X, classification):
    """Average of each member's output over the rows outside its sample, member by member."""
    n = len(X)
    width = len(bagger.classes_) if classification else 1
    total, count = np.zeros((n, width)), np.zeros(n)
    features = getattr(bagger, "estimators_features_", [slice(None)] * len(bagger.estimators_))
    for member, sample, columns in zip(bagger.estimators_, bagger.estimators_samples_, features):
        for row in range(n):
            if row in set(sample.tolist()):
                continue
            x = X[row:row + 1][:, columns]
            if classification:
                total[row, member.classes_.astype(int)] += member.predict_proba(x)[0]
            else:
                total[row, 0] += member.predict(x)[0]
            count[row] += 1
    return total / count[:, None]


BAGGED_CLASSIFIERS = [
    RandomForestClassifier(n_estimators=40, random_state=0),
    ExtraTreesClassifier(n_estimators=40, bootstrap=True, random_state=0),
    # Feature subsets and samples that can miss a class exercise the column mapping.
    BaggingClassifier(DecisionTreeClassifier(), n_estimators=40, max_samples=0.3,
                      max_features=0.5, random_state=0),
]


@pytest.mark.parametrize("teacher", BAGGED_CLASSIFIERS, ids=lambda t: type(t).__name__)
def test_out_of_bag_logits_equal_a_hand_computation_from_estimators_samples(teacher, iris):
    X, y = iris
    teacher = clone(teacher).fit(X, y)
    logits, in_sample = out_of_bag_outputs(teacher, X)
    expected = _hand_out_of_bag(teacher, X, classification=True)
    assert not in_sample.any()
    np.testing.assert_allclose(logits, np.log(np.clip(expected, PROBA_FLOOR, 1.0)))


def test_out_of_bag_probabilities_match_scikit_learns_own_oob_decision_function(iris):
    X, y = iris
    forest = RandomForestClassifier(n_estimators=40, oob_score=True, random_state=0).fit(X, y)
    logits, _ = out_of_bag_outputs(forest, X)
    np.testing.assert_allclose(np.exp(logits), np.clip(forest.oob_decision_function_,
                                                       PROBA_FLOOR, 1.0))


@pytest.mark.parametrize("teacher", [
    RandomForestRegressor(n_estimators=40, random_state=0),
    BaggingRegressor(Ridge(), n_estimators=40, max_features=0.5, random_state=0),
], ids=lambda t: type(t).__name__)
def test_out_of_bag_predictions_equal_a_hand_computation(teacher, diabetes):
    X, y = diabetes
    teacher = clone(teacher).fit(X, y)
    predictions, in_sample = out_of_bag_outputs(teacher, X)
    assert predictions.shape == (len(X),) and not in_sample.any()
    np.testing.assert_allclose(predictions, _hand_out_of_bag(teacher, X, False)[:, 0])


def test_out_of_bag_of_a_pipeline_transforms_the_rows_first():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    pipeline = make_pipeline(StandardScaler(), RandomForestClassifier(40, random_state=0))
    pipeline.fit(X, y)
    logits, _ = out_of_bag_outputs(pipeline, X)
    expected = _hand_out_of_bag(pipeline[-1], pipeline[:-1].transform(X), True)
    np.testing.assert_allclose(logits, np.log(np.clip(expected, PROBA_FLOOR, 1.0)))
    assert logits.shape == (len(X), 2)


def test_rows_in_every_sample_fall_back_to_the_in_sample_output_and_are_reported(iris):
    X, y = iris
    forest = RandomForestClassifier(n_estimators=3, random_state=0).fit(X, y)
    in_every = np.ones(len(X), dtype=bool)
    for sample in forest.estimators_samples_:
        in_every &= np.isin(np.arange(len(X)), sample)
    assert in_every.any()
    with pytest.warns(UserWarning, match=f"{in_every.sum()} of 150 rows"):
        logits, in_sample = out_of_bag_outputs(forest, X)
    np.testing.assert_array_equal(in_sample, in_every)
    np.testing.assert_allclose(
        logits[in_sample], np.log(np.clip(forest.predict_proba(X[in_sample]), PROBA_FLOOR, 1)))


def test_out_of_bag_leaves_the_teacher_unchanged(iris):
    X, y = iris
    forest = make_pipeline(StandardScaler(), RandomForestClassifier(40, random_state=0))
    forest.fit(X, y)
    before = joblib.hash(forest)
    out_of_bag_outputs(forest, X)
    assert joblib.hash(forest) == before


@pytest.mark.parametrize("teacher, message", [
    (HistGradientBoostingClassifier(max_iter=5), "bags"),
    (LogisticRegression(max_iter=1000), "bags"),
    (RandomForestClassifier(5, bootstrap=False, random_state=0), "bootstrap=False"),
    (BaggingClassifier(DecisionTreeClassifier(), n_estimators=3, bootstrap=False,
                       random_state=0), "No member"),
], ids=["boosting", "linear", "forest without bootstrap", "bagging every row"])
def test_teachers_that_do_not_bag_are_refused_by_name(teacher, message, iris):
    X, y = iris
    teacher = clone(teacher).fit(X, y)
    with pytest.raises(ValueError, match=message):
        out_of_bag_outputs(teacher, X)


def test_out_of_bag_refuses_rows_other_than_the_fitted_ones_and_unfitted_teachers(iris):
    X, y = iris
    forest = RandomForestClassifier(5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="fitted on 150"):
        out_of_bag_outputs(forest, X[:100])
    with pytest.raises(NotFittedError):
        out_of_bag_outputs(RandomForestClassifier(), X)
    two_outputs = RandomForestRegressor(5, random_state=0).fit(X, np.column_stack([y, y]))
    with pytest.raises(ValueError, match="2 outputs"):
        out_of_bag_outputs(two_outputs, X)


def _hand_out_of_fold(teacher, X, y, folds, proba=True, sample_weight=None):
    outputs = np.zeros((len(X), len(np.unique(y))) if proba else len(X))
    for train, test in folds:
        fold = clone(teacher)
        weight = {} if sample_weight is None else {"sample_weight": sample_weight[train]}
        fold.fit(X[train], y[train], **weight)
        outputs[test] = fold.predict_proba(X[test]) if proba else fold.predict(X[test])
    return outputs


def test_out_of_fold_logits_equal_a_hand_built_loop_over_the_folds(iris):
    X, y = iris
    teacher = RandomForestClassifier(n_estimators=10, random_state=3)
    logits = out_of_fold_outputs(teacher, X, y, cv=5)
    expected = _hand_out_of_fold(teacher, X, y, StratifiedKFold(5).split(X, y))
    np.testing.assert_allclose(logits, np.log(np.clip(expected, PROBA_FLOOR, 1.0)))


def test_out_of_fold_predictions_with_sample_weight_equal_the_hand_loop(diabetes):
    X, y = diabetes
    weight = np.random.default_rng(0).uniform(0.1, 3.0, len(y))
    folds = list(KFold(4, shuffle=True, random_state=0).split(X))
    teacher = RandomForestRegressor(n_estimators=10, random_state=0)
    predictions = out_of_fold_outputs(teacher, X, y, cv=folds, sample_weight=weight)
    expected = _hand_out_of_fold(teacher, X, y, folds, proba=False, sample_weight=weight)
    np.testing.assert_allclose(predictions, expected)
    unweighted = out_of_fold_outputs(teacher, X, y, cv=folds)
    assert not np.allclose(predictions, unweighted)


def test_out_of_fold_routes_sample_weight_to_a_pipelines_last_step(iris):
    X, y = iris
    weight = np.where(y == 2, 5.0, 1.0)
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    logits = out_of_fold_outputs(pipeline, X, y, sample_weight=weight)
    expected = np.zeros((len(X), 3))
    for train, test in StratifiedKFold(5).split(X, y):
        fold = clone(pipeline).fit(X[train], y[train],
                                   logisticregression__sample_weight=weight[train])
        expected[test] = fold.predict_proba(X[test])
    np.testing.assert_allclose(logits, np.log(expected))


def test_out_of_fold_seeds_unset_random_states_and_never_touches_the_teacher(iris):
    X, y = iris
    teacher = RandomForestClassifier(n_estimators=10).fit(X, y)
    before = joblib.hash(teacher)
    first = out_of_fold_outputs(teacher, X, y, random_state=0)
    again = out_of_fold_outputs(teacher, X, y, random_state=0)
    other = out_of_fold_outputs(teacher, X, y, random_state=1)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert joblib.hash(teacher) == before and teacher.random_state is None


def test_a_class_missing_from_a_fold_gets_the_probability_floor():
    X = np.random.default_rng(0).normal(size=(60, 2))
    y = np.array([2, 2] + [0, 1] * 29)
    # Unshuffled KFold(3): the first fold holds out both rows of class 2.
    with pytest.warns(RuntimeWarning, match="Number of classes in training fold"):
        logits = out_of_fold_outputs(LogisticRegression(), X, y, cv=KFold(3))
    np.testing.assert_allclose(logits[:20, 2], np.log(PROBA_FLOOR))
    assert np.all(logits[20:, 2] > np.log(PROBA_FLOOR))


def test_out_of_fold_columns_follow_a_fitted_teachers_classes(iris):
    X, y = iris
    teacher = LogisticRegression(max_iter=1000).fit(X, y)
    first_two = y < 2
    logits = out_of_fold_outputs(teacher, X[first_two], y[first_two])
    assert logits.shape == (first_two.sum(), 3)
    np.testing.assert_allclose(logits[:, 2], np.log(PROBA_FLOOR))
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    string_teacher = LogisticRegression(max_iter=1000).fit(X, labels)
    np.testing.assert_allclose(out_of_fold_outputs(string_teacher, X, labels),
                               out_of_fold_outputs(teacher, X, y))


def test_out_of_fold_of_a_classifier_without_probabilities_uses_its_margins(cancer):
    X, y = cancer
    teacher = LinearSVC()
    logits = out_of_fold_outputs(teacher, X, y)
    margins = np.zeros(len(X))
    for train, test in StratifiedKFold(5).split(X, y):
        margins[test] = clone(teacher).fit(X[train], y[train]).decision_function(X[test])
    np.testing.assert_allclose(logits, np.column_stack([-margins / 2, margins / 2]))


def test_out_of_fold_of_a_frozen_teacher_refits_the_estimator_it_wraps(iris):
    X, y = iris
    inner = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    frozen = FrozenEstimator(inner)
    before = joblib.hash(inner)
    np.testing.assert_allclose(out_of_fold_outputs(frozen, X, y),
                               out_of_fold_outputs(inner, X, y))
    assert joblib.hash(inner) == before


def test_out_of_fold_takes_dataframes_with_categories():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"size": rng.normal(size=200),
                      "colour": pd.Categorical(rng.choice(["red", "blue"], 200))})
    y = (X["size"] > 0).to_numpy().astype(int)
    teacher = HistGradientBoostingClassifier(max_iter=10, categorical_features="from_dtype")
    assert out_of_fold_outputs(teacher, X, y, random_state=0).shape == (200, 2)


@pytest.mark.parametrize("teacher, kwargs, message", [
    (RandomForestClassifier(5), {"cv": ShuffleSplit(3, random_state=0)}, "`cv`"),
    (object(), {}, "scikit-learn estimator"),
    (KNeighborsClassifier(), {"sample_weight": np.ones(150)}, "sample_weight"),
], ids=["not a partition", "not an estimator", "no sample_weight"])
def test_out_of_fold_errors_name_the_argument(teacher, kwargs, message, iris):
    X, y = iris
    with pytest.raises(ValueError, match=message):
        out_of_fold_outputs(teacher, X, y, **kwargs)


def test_out_of_fold_refuses_a_teacher_whose_clone_stays_fitted(iris):
    X, y = iris
    members = [RandomForestClassifier(5, random_state=0).fit(X, y),
               LogisticRegression(max_iter=1000).fit(X, y)]
    with pytest.raises(ValueError, match="already fitted"):
        out_of_fold_outputs(TeacherEnsemble(members), X, y)
