import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV

from skdistill import DistilledClassifier

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
from skdistill.plotting import DistillationSweepDisplay, TeacherStudentDisplay  # noqa: E402


@pytest.fixture(scope="module")
def fitted():
    X, y = load_iris(return_X_y=True)
    teacher = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    return X, teacher, DistilledClassifier(teacher, random_state=0).fit(X, y)


def test_teacher_student_display_plots_both_probabilities(fitted):
    X, teacher, distilled = fitted
    display = TeacherStudentDisplay.from_estimator(distilled, X, class_label=1)
    np.testing.assert_allclose(display.teacher_proba, teacher.predict_proba(X)[:, 1], atol=1e-9)
    np.testing.assert_allclose(display.student_proba, distilled.predict_proba(X)[:, 1])
    offsets = display.ax_.collections[0].get_offsets()
    np.testing.assert_allclose(offsets[:, 1], display.student_proba)
    assert display.ax_.get_xlabel() == "teacher P(1)"


def test_sweep_display_draws_one_line_per_alpha(fitted):
    X, teacher, _ = fitted
    y = load_iris().target
    search = GridSearchCV(
        DistilledClassifier(teacher), {"temperature": [1, 2, 4], "alpha": [0.0, 1.0]}, cv=2
    ).fit(X, y)
    display = DistillationSweepDisplay.from_cv_results(search.cv_results_)
    assert len(display.ax_.get_lines()) == 2
    first = display.ax_.get_lines()[0].get_ydata()
    mask = np.asarray(search.cv_results_["param_alpha"]) == 0.0
    np.testing.assert_allclose(sorted(first), sorted(search.cv_results_["mean_test_score"][mask]))
    with pytest.raises(ValueError, match="score= one of"):
        DistillationSweepDisplay.from_cv_results(search.cv_results_, score="fidelity")
