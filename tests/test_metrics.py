import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import DistilledClassifier, DistilledRegressor
from skdistill.metrics import fidelity_score, fidelity_scorer, teacher_student_kl


def test_fidelity_score_of_labels_and_values():
    assert fidelity_score([0, 1, 2, 2], [0, 1, 1, 2]) == 0.75
    assert fidelity_score(np.array([1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0])) == 2 / 3
    assert fidelity_score([0.5, 1.5, 2.5], [0.5, 1.5, 2.5]) == 1.0
    assert fidelity_score([0.5, 1.5, 2.5], [2.5, 1.5, 0.5]) < 0


def test_kl_is_zero_for_a_copy_and_positive_otherwise():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    assert teacher_student_kl(p, p) == pytest.approx(0.0, abs=1e-12)
    q = np.array([[0.2, 0.7, 0.1], [0.1, 0.1, 0.8]])
    expected = np.mean([np.sum(p[0] * np.log(p[0] / q[0])), 0.0])
    assert teacher_student_kl(p, q) == pytest.approx(expected)
    with pytest.raises(ValueError, match="same order"):
        teacher_student_kl(p, q[:, :2])


def test_fidelity_scorer_compares_student_with_teacher(iris):
    X, y = iris
    teacher = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    distilled = DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=1)).fit(X, y)
    expected = np.mean(distilled.predict(X) == teacher.predict(X))
    assert fidelity_scorer(distilled, X, y) == pytest.approx(expected)
    assert expected < 1.0


def test_fidelity_scorer_for_regression(diabetes):
    X, y = diabetes
    teacher = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    distilled = DistilledRegressor(teacher, DecisionTreeRegressor(max_depth=2)).fit(X, y)
    score = fidelity_scorer(distilled, X)
    assert score == pytest.approx(fidelity_score(teacher.predict(X), distilled.predict(X)))
    assert 0 < score < 1
