"""export_text checked against the student's own structure."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.datasets import load_breast_cancer, load_iris, make_regression
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import DistilledClassifier, DistilledRegressor, export_text


@pytest.fixture(scope="module")
def iris_string_labels():
    """Iris labelled by species name, and a 20-tree forest fitted on those labels."""
    data = load_iris()
    X, y = data.data, data.target_names[data.target]
    return X, y, RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)


def leaf_lines(text):
    return [line for line in text.splitlines() if "rows:" in line]


def test_tree_rules_follow_the_tree_and_show_probabilities_at_t1(iris_string_labels):
    X, y, teacher = iris_string_labels
    distilled = DistilledClassifier(
        teacher, DecisionTreeClassifier(max_depth=3), temperature=3.0, random_state=0
    ).fit(X, y)
    tree = distilled.student_.tree_
    text = export_text(distilled, decimals=6)
    leaves = np.flatnonzero(tree.children_left == -1)
    lines = leaf_lines(text)
    assert len(lines) == len(leaves)
    for node, line in zip(leaves, lines):  # depth-first order, left first
        share = float(re.search(r"rows: ([\d.]+)%", line).group(1))
        expected = 100 * tree.weighted_n_node_samples[node] / tree.weighted_n_node_samples[0]
        assert share == pytest.approx(expected, abs=0.05)
        row = X[distilled.student_.apply(X) == node][0]
        printed = [float(p) for p in re.findall(r"P\(\w+\) = ([\d.]+)", line)]
        np.testing.assert_allclose(printed, distilled.predict_proba(row[None])[0], atol=1e-6)
        assert all(f"P({label})" in line for label in distilled.classes_)
    for node in np.flatnonzero(tree.children_left != -1):
        assert f"x{tree.feature[node]} <= {tree.threshold[node]:.6f}" in text


def test_tree_after_a_scaler_prints_x_columns_in_their_own_units():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    teacher = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    student = make_pipeline(
        make_column_transformer((StandardScaler(), list(X.columns)), verbose_feature_names_out=False),
        DecisionTreeClassifier(max_depth=2),
    )
    distilled = DistilledClassifier(teacher, student, random_state=0).fit(X, y)
    text = export_text(distilled, decimals=6)
    tree = distilled.student_[-1].tree_
    scaler = distilled.student_[0].named_transformers_["standardscaler"]
    feature = tree.feature[0]
    threshold = tree.threshold[0] * scaler.scale_[feature] + scaler.mean_[feature]
    assert text.startswith(f"|--- {X.columns[feature]} <= {threshold:.6f}")
    assert len(leaf_lines(text)) == tree.n_leaves


def test_regression_leaves_show_their_values():
    X, y = make_regression(n_samples=200, n_features=3, random_state=0)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    teacher = RandomForestRegressor(n_estimators=10, random_state=0).fit(frame, y)
    distilled = DistilledRegressor(teacher, DecisionTreeRegressor(max_depth=2), random_state=0)
    text = export_text(distilled.fit(frame, y))
    tree = distilled.student_.tree_
    values = [float(v) for v in re.findall(r"value = (-?[\d.]+)", text)]
    np.testing.assert_allclose(values, tree.value[tree.children_left == -1, 0, 0], atol=1e-3)
    assert sum(tree.n_node_samples[tree.children_left == -1]) == 200
    assert text.startswith(f"|--- {'abc'[tree.feature[0]]} <= ")


def test_binary_linear_student_prints_one_row_of_log_odds_at_t1(cancer_unscaled):
    X, y = cancer_unscaled
    X = X[:, :4]
    teacher = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    distilled = DistilledClassifier(
        teacher, LogisticRegression(max_iter=2000), temperature=2.0, random_state=0
    ).fit(X, y)
    text = export_text(distilled, ["a", "b", "c", "d"], decimals=6)
    assert text.splitlines()[0] == "log-odds of 1 (against 0)"
    printed = [float(v) for v in re.findall(r"([+-][\d.]+)$", text, flags=re.M)]
    expected = 2.0 * np.r_[distilled.student_.intercept_, distilled.student_.coef_[0]]
    np.testing.assert_allclose(printed, expected, atol=1e-5)


def test_multiclass_linear_student_prints_one_block_per_class(iris_string_labels):
    X, y, teacher = iris_string_labels
    distilled = DistilledClassifier(
        teacher, LogisticRegression(max_iter=2000), random_state=0
    ).fit(X, y)
    text = export_text(distilled)
    assert [line for line in text.splitlines() if not line.startswith(" ")] == [
        f"score of {label} (softmax over classes)" for label in distilled.classes_
    ]


def test_a_forest_student_is_refused_with_the_fix(iris_string_labels):
    X, y, teacher = iris_string_labels
    distilled = DistilledClassifier(
        teacher, RandomForestClassifier(n_estimators=3), random_state=0
    ).fit(X, y)
    with pytest.raises(ValueError, match="decision tree or a LightGBM student"):
        export_text(distilled)
