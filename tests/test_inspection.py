"""Where the student departs from its teacher, and the comparison report, by hand."""

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy.special import rel_entr
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_regression
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    log_loss,
    mean_absolute_error,
    r2_score,
    roc_auc_score,
)
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import DistilledClassifier, DistilledRegressor, make_tree_student
from skdistill.inspection import compare, disagreement


def churn(n=1200, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({
        "tenure": rng.integers(0, 72, n).astype(float),
        "plan": pd.Categorical(rng.choice(["basic", "plus", "pro", "rare"], n,
                                          p=[0.5, 0.3, 0.18, 0.02])),
    })
    X.loc[rng.random(n) < 0.08, "plan"] = np.nan
    logit = 1.5 - X["tenure"].to_numpy() / 20 + 1.2 * (X["plan"] == "pro").to_numpy()
    y = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "leaves", "stays")
    return X, y


@pytest.fixture(scope="module")
def fitted():
    X, y = churn()
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
    teacher = make_pipeline(
        ColumnTransformer([("codes", OrdinalEncoder(), ["plan"])], remainder="passthrough"),
        HistGradientBoostingClassifier(max_iter=50, random_state=0),
    ).fit(X_train, y_train)
    distilled = DistilledClassifier(teacher, make_tree_student(max_depth=3, random_state=0),
                                    temperature=2.0, random_state=0).fit(X_train, y_train)
    return X_train, X_test, y_train, y_test, teacher, distilled


def by_hand(distilled, teacher, X):
    """Per row: agreement and half the L1 gap, from the teacher itself."""
    agree = teacher.predict(X) == distilled.predict(X)
    gap = 0.5 * np.abs(teacher.predict_proba(X) - distilled.predict_proba(X)).sum(axis=1)
    return agree, gap


def test_disagreement_per_leaf_matches_a_hand_computation(fitted):
    _, X_test, _, _, teacher, distilled = fitted
    table = disagreement(distilled, X_test)
    assert table.columns.tolist() == ["leaf", "rule", "rows", "share", "fidelity",
                                      "mean_proba_gap"]
    agree, gap = by_hand(distilled, teacher, X_test)
    leaves = distilled.student_[-1].apply(distilled.student_[:-1].transform(X_test))
    expected = pd.DataFrame({"leaf": leaves, "agree": agree, "gap": gap}).groupby("leaf").agg(
        rows=("agree", "size"), fidelity=("agree", "mean"), gap=("gap", "mean"))
    got = table.set_index("leaf").loc[expected.index]
    np.testing.assert_array_equal(got["rows"], expected["rows"])
    np.testing.assert_allclose(got["fidelity"], expected["fidelity"])
    np.testing.assert_allclose(got["mean_proba_gap"], expected["gap"])
    np.testing.assert_allclose(got["share"], expected["rows"] / len(X_test))
    assert (np.diff(table["fidelity"]) >= 0).all()  # worst first


def test_disagreement_per_category_and_bin_matches_a_hand_computation(fitted):
    _, X_test, _, _, teacher, distilled = fitted
    agree, gap = by_hand(distilled, teacher, X_test)
    table = disagreement(distilled, X_test, by="feature", min_rows=20)
    plan = table[table["feature"] == "plan"].set_index("bin")
    values = X_test["plan"].astype(object)
    for category in ["basic", "plus", "pro"]:
        rows = (values == category).to_numpy()
        assert plan.loc[category, "rows"] == rows.sum()
        assert plan.loc[category, "fidelity"] == pytest.approx(agree[rows].mean())
        assert plan.loc[category, "mean_proba_gap"] == pytest.approx(gap[rows].mean())
    rare = (values == "rare").to_numpy()
    assert rare.sum() < 20 and plan.loc["other (1 categories)", "rows"] == rare.sum()
    assert plan.loc["missing", "rows"] == values.isna().sum()
    tenure = table[table["feature"] == "tenure"]
    assert tenure["rows"].sum() == len(X_test) and (tenure["rows"] >= 20).all()
    # Bins partition the rows: their fidelities average to the overall one.
    assert (tenure["share"] * tenure["fidelity"]).sum() == pytest.approx(agree.mean())
    one = disagreement(distilled, X_test, by="tenure", min_rows=20)
    pd.testing.assert_frame_equal(one, tenure.reset_index(drop=True))


def test_disagreement_for_a_regressor_reports_error_to_the_teacher():
    X, y = make_regression(n_samples=600, n_features=3, noise=10.0, random_state=0)
    teacher = RandomForestRegressor(n_estimators=30, random_state=0).fit(X, y)
    distilled = DistilledRegressor(teacher, DecisionTreeRegressor(max_depth=3, random_state=0),
                                   random_state=0).fit(X, y)
    difference = distilled.predict(X) - teacher.predict(X)
    leaves = disagreement(distilled, X).set_index("leaf")
    for leaf, rows in pd.Series(distilled.student_.apply(X)).groupby(
            distilled.student_.apply(X)).groups.items():
        rows = np.asarray(rows)
        assert leaves.loc[leaf, "mae_to_teacher"] == pytest.approx(np.abs(difference[rows]).mean())
        assert leaves.loc[leaf, "mean_difference"] == pytest.approx(difference[rows].mean())
    assert "r2_to_teacher" not in leaves
    bins = disagreement(distilled, X, by="x0", min_rows=50)
    assert (np.diff(bins["mae_to_teacher"]) <= 0).all()
    assert bins["r2_to_teacher"].notna().all()


def test_disagreement_refuses_what_it_cannot_group(cancer_unscaled, fitted):
    _, X_test, _, _, _, distilled = fitted
    with pytest.raises(ValueError, match="by='income' is neither"):
        disagreement(distilled, X_test, by="income")
    X, y = cancer_unscaled
    linear = DistilledClassifier(RandomForestClassifier(n_estimators=5).fit(X, y),
                                 LogisticRegression(max_iter=5000), random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="by='leaf' needs a decision tree student"):
        disagreement(linear, X, by="leaf")
    assert disagreement(linear, X)["feature"].nunique() == X.shape[1]


def hand_ece(y, p, n_bins=10):
    edges = np.linspace(0, 1, n_bins + 1)
    bins = np.searchsorted(edges[1:-1], p)
    return sum(abs(y[bins == b].mean() - p[bins == b].mean()) * (bins == b).mean()
               for b in np.unique(bins))


def test_compare_matches_sklearn_metrics_computed_by_hand(fitted):
    X_train, X_test, y_train, y_test, teacher, distilled = fitted
    report = compare(distilled, X_test, y_test, X_train=X_train, y_train=y_train)
    table = report.table
    assert table.index.tolist() == ["teacher", "distilled student", "student on labels"]
    on_labels = make_tree_student(max_depth=3, random_state=0).fit(X_train, y_train)
    teacher_proba = teacher.predict_proba(X_test)
    teacher_accuracy = accuracy_score(y_test, teacher.predict(X_test))
    for name, model in [("teacher", teacher), ("distilled student", distilled),
                        ("student on labels", on_labels)]:
        proba, labels = model.predict_proba(X_test), model.predict(X_test)
        row = table.loc[name]
        positive = (y_test == "stays").astype(int)
        assert row["accuracy"] == pytest.approx(accuracy_score(y_test, labels))
        assert row["roc_auc"] == pytest.approx(roc_auc_score(positive, proba[:, 1]))
        assert row["log_loss"] == pytest.approx(log_loss(y_test, proba))
        assert row["brier"] == pytest.approx(brier_score_loss(positive, proba[:, 1]))
        assert row["ece"] == pytest.approx(hand_ece(positive, proba[:, 1]))
        assert row["fidelity"] == pytest.approx(np.mean(labels == teacher.predict(X_test)))
        kl = rel_entr(teacher_proba, np.clip(proba, 1e-12, 1)).sum(axis=1).mean()
        assert row["kl_to_teacher"] == pytest.approx(kl, abs=1e-9)
        assert row["retention"] == pytest.approx(row["accuracy"] / teacher_accuracy)
    assert table.loc["distilled student", "pickled_kb"] == pytest.approx(
        len(pickle.dumps(distilled.without_teacher())) / 1000)
    assert table.loc["teacher", "pickled_kb"] == pytest.approx(len(pickle.dumps(teacher)) / 1000)
    assert {"batch_ms", "row_ms"} <= set(table)  # measured, never asserted on
    assert "student on labels" in repr(report) and "<table" in report._repr_html_()


def test_compare_multiclass_and_regression_scores_by_hand(iris):
    X, y = iris
    y = np.array(["setosa", "versicolor", "virginica"])[y]
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=1, stratify=y)
    teacher = RandomForestClassifier(n_estimators=30, random_state=0).fit(X_train, y_train)
    distilled = DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=2, random_state=0),
                                    random_state=0).fit(X_train, y_train)
    row = compare(distilled, X_test, y_test, retention_of="roc_auc").table.loc[
        "distilled student"]
    proba = distilled.predict_proba(X_test)
    assert row["roc_auc"] == pytest.approx(roc_auc_score(y_test, proba, multi_class="ovr"))
    top = distilled.classes_[proba.argmax(axis=1)] == y_test
    assert row["ece"] == pytest.approx(hand_ece(top.astype(float), proba.max(axis=1)))
    teacher_auc = roc_auc_score(y_test, teacher.predict_proba(X_test), multi_class="ovr")
    assert row["retention"] == pytest.approx(row["roc_auc"] / teacher_auc)

    X, y = make_regression(n_samples=400, n_features=4, noise=5.0, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    forest = RandomForestRegressor(n_estimators=30, random_state=0).fit(X_train, y_train)
    regressor = DistilledRegressor(forest, DecisionTreeRegressor(max_depth=4, random_state=0),
                                   random_state=0).fit(X_train, y_train)
    table = compare(regressor, X_test, y_test, X_train=X_train, y_train=y_train).table
    prediction = regressor.predict(X_test)
    assert table.loc["distilled student", "r2"] == pytest.approx(r2_score(y_test, prediction))
    assert table.loc["distilled student", "mae"] == pytest.approx(
        mean_absolute_error(y_test, prediction))
    assert table.loc["distilled student", "fidelity"] == pytest.approx(
        r2_score(forest.predict(X_test), prediction))
    assert table.loc["distilled student", "retention"] == pytest.approx(
        r2_score(y_test, prediction) / r2_score(y_test, forest.predict(X_test)))
    on_labels = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X_train, y_train)
    assert table.loc["student on labels", "r2"] == pytest.approx(
        r2_score(y_test, on_labels.predict(X_test)))


def test_compare_refuses_half_the_training_rows_and_unknown_scores(fitted):
    X_train, X_test, y_train, y_test, _, distilled = fitted
    with pytest.raises(ValueError, match="Pass both X_train and y_train"):
        compare(distilled, X_test, y_test, X_train=X_train)
    with pytest.raises(ValueError, match="retention_of='r2' is not a score"):
        compare(distilled, X_test, y_test, retention_of="r2")


def test_bad_bins_and_scorecard_scales_are_refused_by_name(cancer_unscaled, fitted):
    from skdistill.inspection import scorecard

    _, X_test, _, _, _, distilled = fitted
    with pytest.raises(ValueError, match="min_rows must be a positive integer"):
        disagreement(distilled, X_test, by="plan", min_rows=0)
    with pytest.raises(ValueError, match="n_bins must be a positive integer"):
        disagreement(distilled, X_test, by="tenure", n_bins=2.5)
    X, y = cancer_unscaled
    linear = DistilledClassifier(RandomForestClassifier(n_estimators=5).fit(X, y),
                                 LogisticRegression(max_iter=5000), random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="base_odds must be a positive number"):
        scorecard(linear, base_odds=0)
