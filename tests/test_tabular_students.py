"""Students that take a DataFrame as the teacher took it, and the scorecard of a linear one."""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OrdinalEncoder
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import (
    DistilledClassifier,
    DistilledRegressor,
    check_student_input,
    export_text,
    make_linear_student,
    make_tree_student,
)
from skdistill.inspection import scorecard


def frame(n=600, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({
        "income": rng.gamma(3.0, 15_000.0, n),
        "plan": pd.Categorical(rng.choice(["basic", "gold", "premium"], n)),
        "region": rng.choice(["north", "south"], n).astype(object),
    })
    X.loc[rng.random(n) < 0.1, "income"] = np.nan
    X.loc[rng.random(n) < 0.1, "plan"] = np.nan
    score = np.nan_to_num(X["income"].to_numpy(), nan=40_000.0) / 20_000
    score += 1.5 * (X["plan"] == "gold").to_numpy() - (X["region"] == "south").to_numpy()
    y = np.where(score + rng.normal(0, 0.5, n) > 2.2, "yes", "no")
    return X, y, score


class RefusingTeacher(DecisionTreeClassifier):
    """A fitted teacher that fails the test if it is asked anything."""

    def predict_proba(self, X):
        raise AssertionError("the teacher was asked before the student was checked")


@pytest.fixture(scope="module")
def teacher():
    X, y, _ = frame()
    return make_pipeline(
        ColumnTransformer([("codes", OrdinalEncoder(), ["plan", "region"])],
                          remainder="passthrough"),
        HistGradientBoostingClassifier(max_iter=30, random_state=0),
    ).fit(X, y)


def test_a_bare_tree_on_strings_is_refused_before_the_teacher_pass():
    X, y, _ = frame()
    refusing = RefusingTeacher().fit(np.zeros((len(y), 3)), y)
    with pytest.raises(ValueError, match=r"cannot take the string or categorical columns "
                                         r"\['plan', 'region'\].*make_tree_student"):
        DistilledClassifier(refusing, DecisionTreeClassifier(max_depth=3)).fit(X, y)
    with pytest.raises(ValueError, match="assistant|LogisticRegression"):
        DistilledClassifier(refusing, make_tree_student(),
                            assistant=LogisticRegression()).fit(X, y)


def test_lightgbm_takes_categoricals_but_not_strings():
    lightgbm = pytest.importorskip("lightgbm")
    X, _, _ = frame()
    student = lightgbm.LGBMClassifier()
    with pytest.raises(ValueError, match=r"\['region'\].*X.astype"):
        check_student_input(student, X)
    check_student_input(student, X.astype({"region": "category"}))
    check_student_input(HistGradientBoostingClassifier(), X.astype({"region": "category"}))
    check_student_input(DecisionTreeClassifier(), X.drop(columns=["plan", "region"]))
    check_student_input(DecisionTreeClassifier(), X.astype({"plan": "category"}).assign(
        plan=pd.Categorical([1, 2, 3] * 200), region=1.0))  # categories of numbers


def test_default_student_encodes_a_categorical_frame(teacher):
    X, y, _ = frame()
    distilled = DistilledClassifier(teacher, random_state=0).fit(X, y)
    assert isinstance(distilled.student_, Pipeline)
    assert distilled.student_[-1].get_params()["max_depth"] == 6
    assert "plan in {" in export_text(distilled)
    numbers = X[["income"]]
    plain = DistilledClassifier(
        HistGradientBoostingClassifier(max_iter=5).fit(numbers, y), random_state=0
    ).fit(numbers, y)
    assert isinstance(plain.student_, DecisionTreeClassifier)


def test_default_regression_student_encodes_too():
    X, _, score = frame()
    teacher = make_pipeline(
        ColumnTransformer([("codes", OrdinalEncoder(), ["plan", "region"])],
                          remainder="passthrough"),
        HistGradientBoostingRegressor(max_iter=20, random_state=0),
    ).fit(X, score)
    distilled = DistilledRegressor(teacher, random_state=0).fit(X, score)
    assert isinstance(distilled.student_[-1], DecisionTreeRegressor)
    assert distilled.student_[-1].get_params()["max_depth"] == 6


def test_tree_student_keeps_missing_and_unseen_for_the_tree():
    X, y, _ = frame()
    student = make_tree_student(max_depth=3, random_state=0).fit(X, y)
    codes = student[:-1].transform(pd.DataFrame(
        {"income": [np.nan], "plan": ["platinum"], "region": [None]}))
    assert np.isnan(codes).all()
    assert student[:-1].get_feature_names_out().tolist() == ["income", "plan", "region"]
    with pytest.raises(ValueError, match="`task` must be"):
        make_tree_student("ranking")


def scores_from_table(table, X):
    """A row's score, added up from the scorecard alone."""
    score = np.full(len(X), table.loc[table["kind"] == "base", "points"].item())
    for _, row in table[table["kind"] != "base"].iterrows():
        values = X[row["feature"]]
        if row["kind"] == "per unit":
            filled = values.astype(float).fillna(row["missing_as"]).to_numpy()
            score += row["points"] * filled
            continue
        term = row["term"]
        if term.endswith(" is missing"):
            holds = values.isna().to_numpy()
        else:
            listed = eval(term.split(" in ", 1)[1].split(" or ")[0])  # a set literal
            holds = values.isin(listed).to_numpy()
            if term.endswith(" or missing"):
                holds |= values.isna().to_numpy()
        score += row["points"] * holds
    return score


def test_scorecard_points_add_up_to_the_student_margin_at_t1(teacher):
    X, y, _ = frame()
    distilled = DistilledClassifier(teacher, make_linear_student(max_iter=2000),
                                    temperature=3.0, random_state=0).fit(X, y)
    table = scorecard(distilled, points_to_double_odds=50.0, base_score=500.0, base_odds=2.0)
    margin = distilled.decision_function(X)
    expected = 500.0 + 50.0 / math.log(2.0) * (margin - math.log(2.0))
    np.testing.assert_allclose(scores_from_table(table, X), expected, rtol=1e-9)
    assert set(table["feature"]) == {"(base)", "income", "plan", "region"}
    income = table[(table["feature"] == "income") & (table["kind"] == "per unit")]
    imputer = distilled.student_[0].named_transformers_["numeric"][0]
    assert income["missing_as"].item() == pytest.approx(imputer.statistics_[0])


def test_scorecard_of_a_multiclass_student_has_one_block_per_class():
    X, _, score = frame()
    y = np.digitize(score, [1.5, 2.5])
    teacher = make_pipeline(
        ColumnTransformer([("codes", OrdinalEncoder(), ["plan", "region"])],
                          remainder="passthrough"),
        HistGradientBoostingClassifier(max_iter=20, random_state=0),
    ).fit(X, y)
    distilled = DistilledClassifier(teacher, make_linear_student(max_iter=2000),
                                    random_state=0).fit(X, y)
    table = scorecard(distilled)
    assert "points" not in table and sorted(set(table["class"])) == [0, 1, 2]
    model = distilled.student_[-1]
    base = table[table["kind"] == "base"].set_index("class")["coefficient"]
    assert len(base) == 3 and not np.allclose(base, model.intercept_)  # scaler moved in


def test_scorecard_refuses_a_tree():
    X, y, _ = frame()
    distilled = DistilledClassifier(
        HistGradientBoostingClassifier(max_iter=5).fit(X[["income"]], y),
        DecisionTreeClassifier(max_depth=2), random_state=0).fit(X[["income"]], y)
    with pytest.raises(ValueError, match="scorecard reads a linear student"):
        scorecard(distilled)
    assert clone(make_linear_student()).get_params()["linear__C"] == 1.0
