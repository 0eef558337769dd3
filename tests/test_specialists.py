"""Specialist teachers combined with a generalist as in Hinton et al. (2015)."""

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import log_softmax
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from skdistill import DistilledClassifier, Specialist, TeacherEnsemble
from skdistill._specialists import combine
from skdistill._teacher_outputs import teacher_adapter as as_teacher


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


def _summed_kl(q, general, views):
    """KL(p_g || q) + sum_m KL(p_m || q_m), straight from the definition."""
    kl = lambda p, r: np.sum(p * (np.log(p) - np.log(r)))  # noqa: E731
    total = kl(general, q)
    for columns, p_m in views:
        q_m = np.append(q[columns], 1 - q[columns].sum())
        total += kl(p_m, q_m)
    return total


def test_overlapping_specialists_reach_the_minimum_a_generic_solver_finds():
    rng = np.random.default_rng(1)
    general = np.exp(log_softmax(rng.normal(size=(6, 5)), axis=1))
    views = [(np.array([0, 1, 2]), np.exp(log_softmax(3 * rng.normal(size=(6, 4)), axis=1))),
             (np.array([2, 3]), np.exp(log_softmax(3 * rng.normal(size=(6, 3)), axis=1)))]
    q = np.exp(combine(np.log(general), [(c, np.log(p)) for c, p in views]))
    for row in range(6):
        row_views = [(c, p[row]) for c, p in views]
        objective = lambda z: _summed_kl(np.exp(log_softmax(z)), general[row], row_views)  # noqa: E731
        best = minimize(objective, np.zeros(5), method="BFGS", options={"gtol": 1e-10})
        assert _summed_kl(q[row], general[row], row_views) <= best.fun + 1e-7
        np.testing.assert_allclose(q[row], np.exp(log_softmax(best.x)), atol=1e-3)


def test_specialists_teach_with_a_generalist_end_to_end(digits):
    X, y = digits
    forest = RandomForestClassifier(n_estimators=30, random_state=0).fit(X, y)
    confusable = [3, 5, 8, 9]
    specialist = Specialist(RandomForestClassifier(n_estimators=20, random_state=0), classes=confusable)
    ensemble = TeacherEnsemble([forest, specialist], random_state=0).fit(X, y)
    assert ensemble.teachers[0] is forest and ensemble.teachers_[1].classes_.tolist() == confusable
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


def test_a_fitted_specialist_names_its_dustbin(digits):
    X, y = digits
    labels = np.where(np.isin(y, [3, 5]), y.astype(str), "other")
    fitted = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, labels)
    forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y.astype(str))
    ensemble = TeacherEnsemble([forest, Specialist(fitted, classes=["3", "5"], dustbin="other")])
    assert ensemble.predict_proba(X[:5]).shape == (5, 10)
    with pytest.raises(ValueError, match="dustbin"):
        TeacherEnsemble([forest, Specialist(fitted, classes=["3", "5"])]).predict_proba(X[:5])


def test_specialists_say_what_they_need(digits):
    X, y = digits
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


def test_a_specialist_without_dustbin_rows_still_answers(digits):
    X, y = digits
    keep = y < 3
    specialist = Specialist(DecisionTreeClassifier(random_state=0), classes=[0, 1, 2])
    specialist.fit(X[keep], y[keep])  # every row is one of its classes: no dustbin rows
    grouped = np.exp(specialist.grouped_log_proba(X[keep][:5]))
    assert grouped.shape == (5, 4) and np.allclose(grouped[:, -1], 0, atol=1e-9)


def test_an_enriched_specialist_undoes_the_dustbin_subsampling(digits):
    X, y = digits
    special = np.isin(y, [3, 5])
    specialist = Specialist(DecisionTreeClassifier(max_depth=3, random_state=0), classes=[3, 5],
                            dustbin_share=0.5, random_state=0).fit(X, y)
    # As many dustbin rows as special ones: each kept dustbin row stands for ~3.9.
    assert specialist.estimator_.tree_.n_node_samples[0] == 2 * special.sum()
    assert specialist.dustbin_factor_ == pytest.approx((~special).sum() / special.sum())
    # Scaled back, the dustbin holds its true share of the rows again (uncorrected: .68).
    corrected = np.exp(specialist.grouped_log_proba(X))[:, -1]
    raw = specialist.estimator_.predict_proba(X)[:, -1]
    assert abs(corrected.mean() - (~special).mean()) < 0.01 < abs(raw.mean() - (~special).mean())
    with pytest.raises(ValueError, match="dustbin_share"):
        Specialist(DecisionTreeClassifier(), classes=[3], dustbin_share=1.0).fit(X, y)
