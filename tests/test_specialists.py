"""Specialist teachers combined with a generalist as in Hinton et al. (2015)."""

import numpy as np
import pytest
from scipy.special import log_softmax
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from skdistill import DistilledClassifier, Specialist, TeacherEnsemble
from skdistill._specialists import combine
from skdistill._teachers import as_teacher


def test_a_specialist_that_agrees_leaves_the_generalist_unchanged():
    rng = np.random.default_rng(0)
    general = log_softmax(rng.normal(size=(20, 5)), axis=1)
    columns = np.array([1, 3])
    p = np.exp(general)
    agreeing = np.log(np.column_stack([p[:, 1], p[:, 3], p[:, [0, 2, 4]].sum(axis=1)]))
    np.testing.assert_allclose(combine(general, [(columns, agreeing)]), general, atol=1e-5)


def test_a_confident_specialist_moves_mass_within_its_classes_only():
    # Generalist (a, b, c) = (.4, .4, .2); specialist on {a, b}: a .72, b .08, dustbin .2.
    # Minimising -sum_k (p_g,k + p_m,k) log q_k over the simplex (the dustbin is c alone
    # here) gives q proportional to p_g + p_m: (.56, .24, .2).
    general = np.log([[0.4, 0.4, 0.2]])
    specialist = np.log([[0.72, 0.08, 0.2]])
    q = np.exp(combine(general, [(np.array([0, 1]), specialist)]))
    np.testing.assert_allclose(q, [[0.56, 0.24, 0.2]], atol=1e-5)


def test_specialists_teach_with_a_generalist_end_to_end():
    X, y = load_digits(return_X_y=True)
    forest = RandomForestClassifier(n_estimators=30, random_state=0).fit(X, y)
    confusable = [3, 5, 8, 9]
    specialist = Specialist(RandomForestClassifier(n_estimators=20, random_state=0), classes=confusable)
    ensemble = TeacherEnsemble([forest, specialist]).fit(X, y, random_state=0)
    assert ensemble.teachers[0] is forest and ensemble.teachers[1].classes_.tolist() == confusable
    proba = ensemble.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # Mass moves between the specialist's classes, not in or out of them as a group:
    # both views agree on how much the dustbin holds only approximately, so it moves little.
    general = as_teacher(TeacherEnsemble([forest]), "classifier").logits(X)
    inside = lambda p: p[:, confusable].sum(axis=1)  # noqa: E731
    assert np.abs(inside(proba) - inside(np.exp(log_softmax(general, axis=1)))).mean() < 0.05
    distilled = DistilledClassifier([forest, specialist], DecisionTreeClassifier(max_depth=6),
                                    random_state=0).fit(X, y)
    assert distilled.score(X, y) > 0.8


def test_a_fitted_specialist_names_its_dustbin():
    X, y = load_digits(return_X_y=True)
    labels = np.where(np.isin(y, [3, 5]), y.astype(str), "other")
    fitted = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, labels)
    forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y.astype(str))
    ensemble = TeacherEnsemble([forest, Specialist(fitted, classes=["3", "5"], dustbin="other")])
    assert ensemble.predict_proba(X[:5]).shape == (5, 10)
    with pytest.raises(ValueError, match="dustbin"):
        TeacherEnsemble([forest, Specialist(fitted, classes=["3", "5"])]).predict_proba(X[:5])


def test_specialists_say_what_they_need():
    X, y = load_digits(return_X_y=True)
    specialist = Specialist(DecisionTreeClassifier(random_state=0), classes=[3, 5]).fit(X, y)
    with pytest.raises(ValueError, match="generalist"):
        DistilledClassifier(specialist).fit(X, y)
    small = RandomForestClassifier(n_estimators=5, random_state=0).fit(X[y < 4], y[y < 4])
    with pytest.raises(ValueError, match="unknown to the generalist"):
        TeacherEnsemble([small, specialist]).predict_proba(X[:3])
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="sum to 0"):
        TeacherEnsemble([forest, specialist], weights=[0, 1]).predict_proba(X[:3])
    with pytest.raises(ValueError, match="distinct labels"):
        Specialist(DecisionTreeClassifier(), classes=[3, 3]).fit(X, y)


def test_a_specialist_without_dustbin_rows_still_answers():
    X, y = load_digits(return_X_y=True)
    keep = y < 3
    specialist = Specialist(DecisionTreeClassifier(random_state=0), classes=[0, 1, 2])
    specialist.fit(X[keep], y[keep])  # every row is one of its classes: no dustbin rows
    grouped = np.exp(specialist.grouped_log_proba(X[keep][:5]))
    assert grouped.shape == (5, 4) and np.allclose(grouped[:, -1], 0, atol=1e-9)
