"""A fitted teacher is used as given: never refit, never copied, evaluated once per fold."""

import pickle
from collections import Counter

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from skdistill import DistilledClassifier, DistilledRegressor, teacher_output_cache
from skdistill._adapters import is_fitted
from _helpers import FIXED


# Kept outside the teachers: a model that changed its own attributes when
# asked for predictions would (rightly) look refitted to the output cache.
CALLS = Counter()


class CountingForest(RandomForestClassifier):
    """A forest that counts how often it is fitted and asked for probabilities."""

    def fit(self, X, y, sample_weight=None):
        CALLS[id(self), "fit"] += 1
        return super().fit(X, y, sample_weight)

    def predict_proba(self, X):
        CALLS[id(self), "proba"] += 1
        return super().predict_proba(X)

    @property
    def fit_calls(self):
        return CALLS[id(self), "fit"]

    @property
    def proba_calls(self):
        return CALLS[id(self), "proba"]


@pytest.fixture(autouse=True)
def empty_cache():
    teacher_output_cache.clear()
    yield
    teacher_output_cache.clear()


def fitted_counting_forest(X, y):
    forest = CountingForest(n_estimators=10, random_state=0).fit(X, y)
    CALLS.clear()
    return forest


def test_grid_search_never_refits_and_evaluates_teacher_once_per_fold(iris):
    X, y = iris
    teacher = fitted_counting_forest(X, y)
    search = GridSearchCV(
        DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=3), random_state=0),
        {"temperature": [0.5, 1.0, 3.0], "alpha": [0.0, 0.5, 1.0]},
        cv=KFold(3, shuffle=True, random_state=0),
    ).fit(X, y)
    assert teacher.fit_calls == 0
    assert search.best_estimator_.teacher_ is teacher
    assert search.best_estimator_.teacher is teacher
    # 9 candidates x 3 folds, yet one evaluation per training fold plus the
    # final refit on all rows.
    assert teacher.proba_calls == 3 + 1


def test_refitting_the_teacher_in_place_invalidates_the_cache(iris):
    X, y = iris
    teacher = fitted_counting_forest(X, y)
    DistilledClassifier(teacher, random_state=0, **FIXED).fit(X, y)
    DistilledClassifier(teacher, random_state=0, **FIXED).fit(X, y)
    assert teacher.proba_calls == 1
    teacher.set_params(n_estimators=3).fit(X, y)
    DistilledClassifier(teacher, random_state=0, **FIXED).fit(X, y)
    assert teacher.proba_calls == 2


def test_cross_val_score_and_pipeline_share_the_fitted_teacher(iris):
    X, y = iris
    teacher = fitted_counting_forest(X, y)
    pipeline = make_pipeline(StandardScaler(), DistilledClassifier(teacher, random_state=0, **FIXED))
    scores = cross_val_score(pipeline, X, y, cv=3)
    assert scores.mean() > 0.8
    assert teacher.fit_calls == 0
    assert clone(pipeline)[-1].teacher is teacher


def test_clone_shares_fitted_teacher_and_clones_unfitted_one(iris):
    X, y = iris
    fitted = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    assert clone(DistilledClassifier(fitted)).teacher is fitted
    unfitted = RandomForestClassifier(n_estimators=5)
    cloned = clone(DistilledClassifier(unfitted)).teacher
    assert cloned is not unfitted and not is_fitted(cloned)


def test_list_of_teachers_keeps_fitted_members_through_clone(iris):
    X, y = iris
    fitted = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    cloned = clone(DistilledClassifier([fitted, LogisticRegression()])).teacher
    assert cloned[0] is fitted and not is_fitted(cloned[1])


def test_unfitted_teacher_is_cloned_and_fitted_without_touching_the_original(iris):
    X, y = iris
    teacher = RandomForestClassifier(n_estimators=5)
    distilled = DistilledClassifier(teacher, random_state=0).fit(X, y)
    assert not is_fitted(teacher)
    assert distilled.teacher_ is not teacher and is_fitted(distilled.teacher_)


def test_default_teacher_is_fitted_when_none(iris):
    X, y = iris
    distilled = DistilledClassifier(random_state=0).fit(X, y)
    assert type(distilled.teacher_).__name__ == "HistGradientBoostingClassifier"
    assert distilled.score(X, y) > 0.9


def test_frozen_estimator_teacher_is_accepted(iris):
    X, y = iris
    frozen = FrozenEstimator(fitted_counting_forest(X, y))
    distilled = DistilledClassifier(frozen, random_state=0).fit(X, y)
    assert distilled.teacher_ is frozen
    assert frozen.estimator.fit_calls == 0
    assert clone(distilled).teacher is frozen


def test_pickle_round_trip_gives_identical_predictions(iris):
    X, y = iris
    teacher = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    distilled = DistilledClassifier(teacher, LogisticRegression(max_iter=500)).fit(X, y)
    restored = pickle.loads(pickle.dumps(distilled))
    np.testing.assert_array_equal(restored.predict_proba(X), distilled.predict_proba(X))


def test_same_random_state_gives_identical_models(cancer_unscaled):
    X, y = cancer_unscaled
    teacher = RandomForestClassifier(n_estimators=10)  # unseeded: seeded by the distiller
    first = DistilledClassifier(teacher, RandomForestClassifier(5), random_state=7).fit(X, y)
    second = DistilledClassifier(teacher, RandomForestClassifier(5), random_state=7).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    assert first.student_.random_state == second.student_.random_state


def test_user_chosen_seeds_are_kept(iris):
    X, y = iris
    distilled = DistilledClassifier(
        RandomForestClassifier(5, random_state=3), DecisionTreeClassifier(random_state=11),
        random_state=0,
    ).fit(X, y)
    assert distilled.teacher_.random_state == 3
    assert distilled.student_.random_state == 11


def test_regressor_grid_search_keeps_teacher(cancer_unscaled):
    X, y = cancer_unscaled
    teacher = RandomForestRegressor(n_estimators=5, random_state=0).fit(X, y)
    search = GridSearchCV(DistilledRegressor(teacher), {"alpha": [0.2, 0.8]}, cv=2).fit(X, y)
    assert search.best_estimator_.teacher_ is teacher


def test_fidelity_scorer_in_grid_search_reuses_teacher_outputs(iris):
    from skdistill.metrics import fidelity_scorer

    X, y = iris
    teacher = fitted_counting_forest(X, y)
    search = GridSearchCV(
        DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=2), random_state=0),
        {"alpha": [0.0, 1.0]},
        scoring={"fidelity": fidelity_scorer, "accuracy": "accuracy"},
        refit="fidelity",
        cv=KFold(3, shuffle=True, random_state=0),
    ).fit(X, y)
    # Training and test part of each fold, plus the final refit.
    assert teacher.proba_calls == 3 + 3 + 1
    assert 0.5 < search.best_score_ <= 1.0
