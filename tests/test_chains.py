"""Chains of distillation: teacher assistants and born-again generations."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.model_selection import GridSearchCV
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import DistilledClassifier, DistilledRegressor
from _helpers import FIXED


@pytest.fixture(scope="module")
def digits_50_trees(digits):
    """Digits and a 50-tree forest fitted on them: a teacher far larger than its students."""
    X, y = digits
    return X, y, RandomForestClassifier(n_estimators=50, random_state=0).fit(X, y)


def tree(depth):
    return DecisionTreeClassifier(max_depth=depth, random_state=0)


def by_hand(teacher, students, X, y, **params):
    """Each student distilled from the previous distiller, fitted one by one."""
    for student in students:
        teacher = DistilledClassifier(teacher, student, **{**FIXED, **params}).fit(X, y)
    return teacher


def test_an_assistant_teaches_the_student(digits_50_trees):
    X, y, forest = digits_50_trees
    chained = DistilledClassifier(forest, tree(3), assistant=tree(8), temperature=2.0,
                                  random_state=0, **FIXED).fit(X, y)
    expected = by_hand(forest, [tree(8), tree(3)], X, y, temperature=2.0, random_state=0)
    np.testing.assert_allclose(chained.predict_proba(X), expected.predict_proba(X))
    assert chained.teacher_ is forest
    (assistant,) = chained.stages_
    assert assistant.student_.get_depth() == 8 and chained.student_.get_depth() <= 3
    np.testing.assert_allclose(assistant.predict_proba(X),
                               DistilledClassifier(forest, tree(8), temperature=2.0,
                                                   random_state=0, **FIXED).fit(X, y).predict_proba(X))


def test_without_assistant_the_student_learns_from_the_teacher(digits_50_trees):
    X, y, forest = digits_50_trees
    direct = DistilledClassifier(forest, tree(3), assistant=None, random_state=0, **FIXED).fit(X, y)
    assert direct.stages_ == []
    np.testing.assert_allclose(direct.predict_proba(X),
                               by_hand(forest, [tree(3)], X, y, random_state=0).predict_proba(X))
    chained = DistilledClassifier(forest, tree(3), assistant=tree(6), random_state=0, **FIXED).fit(X, y)
    assert not np.allclose(chained.predict_proba(X), direct.predict_proba(X))


def test_the_assistant_is_a_searchable_parameter_never_fitted_in_place(digits_50_trees):
    X, y, forest = digits_50_trees
    assistant = tree(8)
    model = DistilledClassifier(forest, tree(3), assistant=assistant, random_state=0, **FIXED)
    assert model.get_params()["assistant__max_depth"] == 8
    model.set_params(assistant__max_depth=5).fit(X, y)
    assert not hasattr(assistant, "tree_") and model.stages_[0].student_.get_depth() == 5
    copy = clone(model)
    assert copy.assistant is not assistant and not hasattr(copy.assistant, "tree_")


def test_generations_each_teach_the_next(digits_50_trees):
    X, y, forest = digits_50_trees
    model = DistilledClassifier(forest, tree(6), n_generations=3, random_state=0, **FIXED).fit(X, y)
    expected = by_hand(forest, [tree(6)] * 3, X, y, random_state=0)
    np.testing.assert_allclose(model.predict_proba(X), expected.predict_proba(X))
    assert len(model.stages_) == 2
    assert DistilledClassifier(forest, tree(6), random_state=0, **FIXED).fit(X, y).stages_ == []


def test_born_again_starts_from_the_student_on_labels(digits_50_trees):
    X, y, _ = digits_50_trees
    labels = np.array([f"digit {k}" for k in range(10)])[y]
    model = DistilledClassifier("self", tree(6), n_generations=2, alpha=1.0,
                                random_state=0, augment=None, cv=None).fit(X, labels)
    first = clone(tree(6)).fit(X, labels)
    assert np.array_equal(model.teacher_.predict(X), first.predict(X))
    expected = by_hand(first, [tree(6)] * 2, X, labels, alpha=1.0, random_state=0)
    np.testing.assert_allclose(model.predict_proba(X), expected.predict_proba(X))
    assert set(model.predict(X)) <= set(labels)


def test_regression_chains(diabetes):
    X, y = diabetes
    forest = RandomForestRegressor(n_estimators=30, random_state=0).fit(X, y)
    student, assistant = (DecisionTreeRegressor(max_depth=d, random_state=0) for d in (3, 8))
    chained = DistilledRegressor(forest, student, assistant=assistant, alpha=1.0,
                                 random_state=0, augment=None, cv=None).fit(X, y)
    middle = DistilledRegressor(forest, assistant, alpha=1.0, random_state=0, augment=None, cv=None).fit(X, y)
    expected = DistilledRegressor(middle, student, alpha=1.0, random_state=0, augment=None, cv=None).fit(X, y)
    np.testing.assert_allclose(chained.predict(X), expected.predict(X))
    born_again = DistilledRegressor("self", student, n_generations=2, random_state=0, **FIXED).fit(X, y)
    assert born_again.predict(X).shape == y.shape and len(born_again.stages_) == 1


def test_chains_search_pickle_and_stay_small(digits_50_trees):
    X, y, forest = digits_50_trees
    search = GridSearchCV(
        DistilledClassifier(forest, tree(3), assistant=tree(6), random_state=0, **FIXED),
        {"assistant__max_depth": [6, 10], "n_generations": [1, 2]}, cv=3,
    ).fit(X, y)
    best = search.best_estimator_
    assert best.teacher_ is forest
    restored = pickle.loads(pickle.dumps(best))
    np.testing.assert_allclose(restored.predict_proba(X), best.predict_proba(X))
    assert type(restored.stages_[0].teacher_) is type(forest)
    # Without the teacher, the stages leave it behind too: the file is the size of the trees.
    small = best.without_teacher()
    assert len(pickle.dumps(small)) < len(pickle.dumps(forest)) / 20
    np.testing.assert_allclose(small.predict_proba(X), best.predict_proba(X))
    assert all(type(stage.teacher_).__name__ == "DetachedTeacher" for stage in small.stages_)


def test_a_teacher_string_other_than_self_is_refused(digits_50_trees):
    X, y, _ = digits_50_trees
    with pytest.raises(ValueError, match="'self'"):
        DistilledClassifier("forest", tree(3), **FIXED).fit(X, y)
    with pytest.raises(ValueError, match="n_generations"):
        DistilledClassifier("self", tree(3), n_generations=0, **FIXED).fit(X, y)


@pytest.mark.parametrize("teacher", ["self", "forest"])
def test_each_generation_draws_its_own_seed(digits_50_trees, teacher):
    X, y, forest = digits_50_trees
    unseeded = DecisionTreeClassifier(max_depth=6, max_features=0.5)
    model = DistilledClassifier(forest if teacher == "forest" else "self", unseeded,
                                n_generations=3, random_state=0, **FIXED).fit(X, y)
    fitted = [stage.student_ for stage in model.stages_] + [model.student_]
    if teacher == "self":
        fitted.insert(0, model.teacher_)
    seeds = [student.random_state for student in fitted]
    assert len(set(seeds)) == len(seeds)
    # The first model fitted takes the distiller's seed, as a single fit does.
    single = DistilledClassifier(forest, unseeded, random_state=0, **FIXED).fit(X, y)
    if teacher == "forest":
        assert seeds[0] == single.student_.random_state
    again = DistilledClassifier(model.teacher, unseeded, n_generations=3, random_state=0, **FIXED)
    np.testing.assert_array_equal(again.fit(X, y).predict_proba(X), model.predict_proba(X))
