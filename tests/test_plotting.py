import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV

from skdistill import DistilledClassifier

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
from skdistill.plotting import DistillationSweepDisplay, TeacherStudentDisplay  # noqa: E402


@pytest.fixture(scope="module")
def fitted(iris):
    X, y = iris
    teacher = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    return X, teacher, DistilledClassifier(teacher, random_state=0).fit(X, y)


def test_teacher_student_display_plots_both_probabilities(fitted):
    X, teacher, distilled = fitted
    display = TeacherStudentDisplay.from_estimator(distilled, X, class_label=1)
    np.testing.assert_allclose(display.teacher_output, teacher.predict_proba(X)[:, 1],
                               atol=1e-9)
    np.testing.assert_allclose(display.student_output, distilled.predict_proba(X)[:, 1])
    offsets = display.ax_.collections[0].get_offsets()
    np.testing.assert_allclose(offsets[:, 1], display.student_output)
    assert display.ax_.get_xlabel() == "teacher P(1)"


def test_sweep_display_draws_one_line_per_alpha(iris, fitted):
    (X, y), (_, teacher, _) = iris, fitted
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


def test_teacher_student_display_merges_small_bins_and_shows_counts(fitted):
    X, teacher, distilled = fitted
    display = TeacherStudentDisplay.from_estimator(distilled, X, class_label=2, n_bins=20,
                                                   min_rows=25, name="depth-6 tree",
                                                   color="C3", linestyle=":")
    assert display.bin_counts_.sum() == len(X) and display.bin_counts_.min() >= 25
    np.testing.assert_allclose(display.line_.get_ydata(), display.bin_student_)
    assert display.line_.get_label() == "depth-6 tree" and display.line_.get_linestyle() == ":"
    counts = [text.get_text() for text in display.ax_.texts]
    assert counts == [str(c) for c in display.bin_counts_]


def test_teacher_student_display_draws_a_regressor_predictions():
    from sklearn.datasets import make_regression
    from sklearn.ensemble import RandomForestRegressor
    from skdistill import DistilledRegressor

    X, y = make_regression(n_samples=300, n_features=3, random_state=0)
    forest = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    distilled = DistilledRegressor(forest, random_state=0).fit(X, y)
    display = TeacherStudentDisplay.from_estimator(distilled, X)
    np.testing.assert_allclose(display.teacher_output, forest.predict(X))
    np.testing.assert_allclose(display.student_output, distilled.predict(X))
    assert display.ax_.get_xlabel() == "teacher prediction"


def test_disagreement_display_draws_the_table_with_counts(fitted):
    from skdistill.inspection import disagreement
    from skdistill.plotting import DisagreementDisplay

    X, _, distilled = fitted
    display = DisagreementDisplay.from_estimator(distilled, X, name="iris", alpha=0.5)
    widths = [bar.get_width() for bar in display.bars_]
    table = display.table
    np.testing.assert_allclose(widths, table["fidelity"])
    assert [t.get_text() for t in display.ax_.texts] == [f" {r} rows" for r in table["rows"]]
    assert display.ax_.get_title() == "iris" and display.bars_[0].get_alpha() == 0.5
    worst_first = disagreement(distilled, X)
    assert sorted(worst_first["leaf"]) == sorted(table["leaf"])
    by_column = DisagreementDisplay.from_estimator(distilled, X, by="x2", min_rows=40)
    assert by_column.table["rows"].min() >= 40
    with pytest.raises(ValueError, match="one column at a time"):
        DisagreementDisplay.from_estimator(distilled, X, by="feature")


def test_sweep_display_draws_a_one_parameter_grid_with_its_spread(iris, fitted):
    (X, y), (_, teacher, _) = iris, fitted
    search = GridSearchCV(DistilledClassifier(teacher), {"temperature": [1, 2, 4]}, cv=3).fit(X, y)
    display = DistillationSweepDisplay.from_cv_results(search.cv_results_, name="tree",
                                                       color="C2")
    (line,) = display.lines_
    np.testing.assert_allclose(line.get_ydata(), search.cv_results_["mean_test_score"])
    assert line.get_label() == "tree, mean test score" and line.get_color() == "C2"
    (band,) = display.ax_.collections
    top = band.get_paths()[0].vertices[:, 1].max()
    expected = (search.cv_results_["mean_test_score"] + search.cv_results_["std_test_score"])
    assert top == pytest.approx(expected.max())
