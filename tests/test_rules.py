"""Rules in the data's own terms, checked against the fitted students on every row.

Every check evaluates the rules independently of the model — the conditions
with pandas, the SQL in sqlite3 — and compares with what the student itself
does (``apply``, ``predict``, ``predict_proba``) on every training row.
"""

import ast
import re
import sqlite3

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    StandardScaler,
)
from sklearn.tree import DecisionTreeClassifier

from skdistill import (
    DistilledClassifier,
    DistilledRegressor,
    export_text,
    make_tree_student,
)
from skdistill._conditions import Interval, Missing
from skdistill._rules import leaf_paths
from skdistill.export import export_sql, input_names, student_trees
from skdistill.inspection import rules

FEE = 'monthly "fee"'  # a name that needs quoting in SQL


def frame(n=1500, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({
        "age": rng.normal(40, 10, n),
        FEE: rng.gamma(2.0, 30.0, n),
        "plan": pd.Categorical(rng.choice(["basic", "gold", "premium", "it's"], n)),
        "city": rng.choice(["Lyon", "Oslo", "Pune"], n).astype(object),
    })
    X.loc[rng.random(n) < 0.1, "age"] = np.nan
    X.loc[rng.random(n) < 0.1, "plan"] = np.nan
    X.loc[rng.random(n) < 0.05, "city"] = None
    risk = (np.nan_to_num(X["age"].to_numpy(), nan=70.0) > 45) ^ X["plan"].isin(["gold", "it's"])
    risk ^= (X[FEE] > 80) & (X["city"] == "Oslo")
    y = np.where(risk ^ (rng.random(n) < 0.1), "leaves", "stays")
    return X, y


@pytest.fixture(scope="module")
def data():
    X, y = frame()
    teacher = make_pipeline(
        ColumnTransformer([("codes", OrdinalEncoder(), ["plan", "city"])],
                          remainder="passthrough"),
        HistGradientBoostingClassifier(max_iter=40, random_state=0),
    ).fit(X, y)
    return X, y, teacher


def holds(condition, X):
    """Whether each row meets ``condition``, computed with pandas (not SQL)."""
    values = X[condition.column]
    missing = values.isna().to_numpy()
    if isinstance(condition, Missing):
        return missing == condition.is_missing
    if isinstance(condition, Interval):
        numbers = values.to_numpy(dtype=float)
        known = (numbers > condition.low) & (numbers <= condition.high)
    else:
        known = values.isin(condition.categories).to_numpy()
        if condition.unseen:
            known = known | (~values.isin(condition.others).to_numpy() & ~missing)
    return np.where(missing, condition.missing, known)


def reached_leaf(root, X):
    """The leaf each row reaches by the rules' own conditions (each row meets exactly one)."""
    met = np.column_stack([
        np.logical_and.reduce([holds(c, X) for c in conditions] + [np.ones(len(X), bool)])
        for _, conditions in leaf_paths(root)
    ])
    assert (met.sum(axis=1) == 1).all()
    leaves = np.array([leaf.node for leaf, _ in leaf_paths(root)])
    return leaves[met.argmax(axis=1)]


def student_leaves(distilled, X):
    student = distilled.student_
    rows = student[:-1].transform(X) if hasattr(student, "steps") else X
    return student[-1].apply(rows) if hasattr(student, "steps") else student.apply(rows)


def sql_values(expression, X):
    connection = sqlite3.connect(":memory:")
    X.to_sql("rows", connection, index=False)
    return np.array([value for (value,) in connection.execute(f"SELECT {expression} FROM rows")])


def check_rules_follow_the_tree(distilled, X):
    """Rules (pandas), SQL (sqlite3) and the rules table against the student on every row."""
    root = student_trees(distilled, input_names(distilled))[0][2]
    np.testing.assert_array_equal(reached_leaf(root, X), student_leaves(distilled, X))
    np.testing.assert_array_equal(sql_values(export_sql(distilled), X), distilled.predict(X))
    proba = distilled.predict_proba(X)
    for column, label in enumerate(distilled.classes_):
        np.testing.assert_allclose(
            sql_values(export_sql(distilled, class_label=label), X), proba[:, column],
            atol=1e-12)
    table = rules(distilled).set_index("leaf")
    leaves = student_leaves(distilled, X)
    for column, label in enumerate(distilled.classes_):
        np.testing.assert_allclose(table.loc[leaves, f"P({label})"], proba[:, column],
                                   atol=1e-12)
    np.testing.assert_array_equal(table.loc[leaves, "prediction"], distilled.predict(X))
    return root


def encoded(categorical, numeric="passthrough"):
    return ColumnTransformer(
        [("numeric", numeric, ["age", FEE]), ("categorical", categorical, ["plan", "city"])])


ENCODINGS = {
    "make_tree_student": lambda: make_tree_student(max_depth=4, random_state=0),
    "ordinal, scaled, missing as -1": lambda: make_pipeline(
        encoded(OrdinalEncoder(encoded_missing_value=-1, handle_unknown="use_encoded_value",
                               unknown_value=-2), StandardScaler()),
        DecisionTreeClassifier(max_depth=4, random_state=0)),
    "one-hot, unknown ignored": lambda: make_pipeline(
        encoded(OneHotEncoder(handle_unknown="ignore"), MinMaxScaler()),
        DecisionTreeClassifier(max_depth=4, random_state=0)),
    "one-hot, first dropped": lambda: make_pipeline(
        encoded(OneHotEncoder(drop="first", sparse_output=False)),
        DecisionTreeClassifier(max_depth=4, random_state=0)),
    "one-hot, rare pooled": lambda: make_pipeline(
        encoded(OneHotEncoder(max_categories=3, handle_unknown="infrequent_if_exist")),
        DecisionTreeClassifier(max_depth=4, random_state=0)),
    "imputed, scaled and one-hot": lambda: make_pipeline(
        encoded(make_pipeline(SimpleImputer(strategy="constant", fill_value="none"),
                              OneHotEncoder(handle_unknown="ignore")),
                make_pipeline(SimpleImputer(strategy="median", add_indicator=True),
                              StandardScaler())),
        DecisionTreeClassifier(max_depth=4, random_state=0)),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_rules_and_sql_follow_the_tree_on_every_training_row(data, encoding):
    X, y, teacher = data
    distilled = DistilledClassifier(teacher, ENCODINGS[encoding](), temperature=2.0,
                                    random_state=0).fit(X, y)
    check_rules_follow_the_tree(distilled, X)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_rules_name_categories_and_original_units_not_codes(data, encoding):
    X, y, teacher = data
    distilled = DistilledClassifier(teacher, ENCODINGS[encoding](), random_state=0).fit(X, y)
    text = export_text(distilled)
    known = {"plan": {"basic", "gold", "premium", "it's"}, "city": {"Lyon", "Oslo", "Pune"}}
    listed = re.findall(r"(plan|city) (?:not )?in (\{[^}]*\})", text)
    assert listed, text
    for column, categories in listed:
        assert ast.literal_eval(categories) <= known[column], text
    assert "__" not in text  # no encoder's column names, such as categorical__plan_gold
    ages = [float(t) for t in re.findall(r"age (?:<=|>) (-?[\d.]+)", text)]
    fees = [float(t) for t in re.findall(r'fee" (?:<=|>) (-?[\d.]+)', text)]
    assert ages and fees, text
    # Years and the fee's own units, not standardised or min-max scaled ones.
    assert all(15 < t < 70 for t in ages) and all(t > 1 for t in fees), text


def split_pairs(text):
    """The two condition lines of each split of ``export_text``'s output."""
    pairs, open_left = [], {}
    for line in text.splitlines():
        depth, condition = line.count("|   "), line.split("|--- ")[1]
        if condition.startswith("rows:"):
            continue
        if depth in open_left:
            pairs.append((open_left.pop(depth), condition))
        else:
            open_left[depth] = condition
    return pairs


def test_every_split_says_where_missing_values_go(data):
    X, y, teacher = data
    distilled = DistilledClassifier(teacher, make_tree_student(max_depth=4, random_state=0),
                                    random_state=0).fit(X, y)
    pairs = split_pairs(export_text(distilled))
    tree = distilled.student_[-1].tree_
    assert len(pairs) == tree.node_count - tree.n_leaves
    for left, right in pairs:
        says = [bool(re.search(r"\b(or|is) missing\b", side)) for side in (left, right)]
        assert sum(says) == 1, (left, right)


def test_nan_unseen_in_training_follows_the_printed_branch(data):
    X, y, teacher = data
    clean = X.dropna()
    distilled = DistilledClassifier(teacher, make_tree_student(max_depth=4, random_state=0),
                                    random_state=0).fit(clean, y[X.notna().all(axis=1)])
    holes = X.copy()
    holes.loc[::3, "age"] = np.nan
    holes.loc[1::3, "plan"] = np.nan
    holes.loc[2::3, "city"] = "Quito"  # a category the student never saw
    root = student_trees(distilled, input_names(distilled))[0][2]
    np.testing.assert_array_equal(reached_leaf(root, holes), student_leaves(distilled, holes))
    np.testing.assert_array_equal(sql_values(export_sql(distilled), holes),
                                  distilled.predict(holes))


def test_bare_tree_on_numbers_reads_its_thresholds_and_missing_side():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"x": rng.normal(size=400), "z": rng.normal(size=400)})
    X.loc[::7, "x"] = np.nan
    y = (X["x"].fillna(1.0) + 0.3 * X["z"] > 0).astype(int).to_numpy()
    teacher = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X, y)
    distilled = DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=3, random_state=0),
                                    random_state=0).fit(X, y)
    tree = distilled.student_.tree_
    text = export_text(distilled, decimals=6)
    for node in np.flatnonzero(tree.children_left != -1):
        name = "xz"[tree.feature[node]]
        left = f"{name} <= {tree.threshold[node]:.6f}"
        assert left + (" or missing" if tree.missing_go_to_left[node] else "") in text
    check_rules_follow_the_tree(distilled, X)


def test_regression_tree_sql_gives_the_prediction():
    X, _ = frame(800, seed=3)
    y = np.nan_to_num(X["age"].to_numpy(), nan=30.0) + 20 * X["plan"].isin(["gold"]).to_numpy()
    teacher = make_pipeline(
        ColumnTransformer([("codes", OrdinalEncoder(), ["plan", "city"])],
                          remainder="passthrough"),
        HistGradientBoostingRegressor(max_iter=30, random_state=0),
    ).fit(X, y)
    distilled = DistilledRegressor(teacher, make_tree_student("regression", max_depth=3),
                                   random_state=0).fit(X, y)
    np.testing.assert_allclose(sql_values(export_sql(distilled), X), distilled.predict(X))
    table = rules(distilled).set_index("leaf")
    np.testing.assert_allclose(table.loc[student_leaves(distilled, X), "value"],
                               distilled.predict(X))
    assert table["share"].sum() == pytest.approx(1.0)


def test_lightgbm_student_rules_use_pandas_category_names(data):
    lightgbm = pytest.importorskip("lightgbm")
    X, y, teacher = data
    # LightGBM refuses quotes in column names.
    X = X.rename(columns={FEE: "monthly fee"})
    teacher = make_pipeline(FunctionTransformer(lambda X: X.rename(columns={"monthly fee": FEE})),
                            teacher)
    categorical = X.astype({"city": "category"})
    student = lightgbm.LGBMClassifier(n_estimators=5, max_depth=2, num_leaves=4,
                                      min_child_samples=20, verbose=-1, n_jobs=1)
    distilled = DistilledClassifier(teacher, student, temperature=2.0,
                                    random_state=0).fit(categorical, y)
    text = export_text(distilled)
    assert text.count("tree ") == 5 and "log-odds of 'stays' at T = 1" in text
    assert re.search(r"(plan|city) in \{'", text)
    np.testing.assert_array_equal(sql_values(export_sql(distilled), X),
                                  distilled.predict(categorical))
    np.testing.assert_allclose(sql_values(export_sql(distilled, class_label="stays"), X),
                               distilled.predict_proba(categorical)[:, 1], atol=1e-12)
    table = rules(distilled)
    margins = np.zeros(len(X))
    for index, root in [(i, r) for i, _, r in student_trees(distilled, input_names(distilled))]:
        leaves = table[table["tree"] == index].set_index("leaf")["margin"]
        margins += leaves.loc[reached_leaf(root, categorical)].to_numpy()
    np.testing.assert_allclose(margins, distilled.decision_function(categorical), atol=1e-9)


def test_rules_table_combines_conditions_on_one_column(data):
    X, y, teacher = data
    distilled = DistilledClassifier(teacher, make_tree_student(max_depth=5, random_state=0),
                                    random_state=0).fit(X, y)
    table = rules(distilled)
    for rule in table["rule"]:
        parts = [p.strip("()") for p in rule.split(" and ")]
        columns = [re.split(r" (?:<=|>|in|not in|is) ", p)[0].split(" < ")[-1] for p in parts]
        assert len(columns) == len(set(columns)), rule


def test_sql_quotes_identifiers_and_literals(data):
    X, y, teacher = data
    distilled = DistilledClassifier(teacher, make_tree_student(max_depth=6, random_state=0),
                                    random_state=0).fit(X, y)
    sql = export_sql(distilled)
    assert '"monthly ""fee"""' in sql and "'it''s'" in sql


def test_untraced_steps_print_but_refuse_sql(data):
    X, y, teacher = data
    numbers = X[["age", FEE]].fillna(0.0)
    distilled = DistilledClassifier(
        HistGradientBoostingClassifier(max_iter=10).fit(numbers, y),
        make_pipeline(PCA(n_components=2), DecisionTreeClassifier(max_depth=2)),
        random_state=0).fit(numbers, y)
    assert "pca0" in export_text(distilled)
    with pytest.raises(ValueError, match="made by the step PCA"):
        export_sql(distilled)


def test_bad_arguments_are_refused_by_name(data):
    X, y, teacher = data
    distilled = DistilledClassifier(teacher, make_tree_student(max_depth=2),
                                    random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="feature_names has 2 names"):
        export_text(distilled, ["a", "b"])
    with pytest.raises(ValueError, match="class_label='maybe' is not a class"):
        export_sql(distilled, class_label="maybe")


def test_lightgbm_regressor_and_multiclass_students_in_sql():
    lightgbm = pytest.importorskip("lightgbm")
    X, _ = frame(900, seed=5)
    X = X.rename(columns={FEE: "fee"}).astype({"city": "category"})
    target = np.nan_to_num(X["age"].to_numpy(), nan=30.0) + 15 * (X["plan"] == "gold").to_numpy()
    booster = dict(n_estimators=4, max_depth=2, num_leaves=4, verbose=-1, n_jobs=1)
    teacher = HistGradientBoostingRegressor(max_iter=20).fit(X, target)
    regressor = DistilledRegressor(teacher, lightgbm.LGBMRegressor(**booster),
                                   random_state=0).fit(X, target)
    np.testing.assert_allclose(sql_values(export_sql(regressor), X), regressor.predict(X),
                               rtol=1e-9)
    labels = np.array(["low", "mid", "high"])[np.digitize(target, [35, 45])]
    forest = HistGradientBoostingClassifier(max_iter=20).fit(X, labels)
    classifier = DistilledClassifier(forest, lightgbm.LGBMClassifier(**booster),
                                     temperature=2.0, random_state=0).fit(X, labels)
    proba = classifier.predict_proba(X)
    for column, label in enumerate(classifier.classes_):
        np.testing.assert_allclose(sql_values(export_sql(classifier, class_label=label), X),
                                   proba[:, column], atol=1e-12)
    with pytest.raises(ValueError, match="pass class_label="):
        export_sql(classifier)
    assert set(rules(classifier)["class"]) == set(classifier.classes_)


def test_lightgbm_students_the_rules_cannot_write_are_refused_by_name():
    lightgbm = pytest.importorskip("lightgbm")
    X, _ = frame(400, seed=6)
    X = X[["age"]].fillna(40.0).assign(zero=np.where(X["age"].isna(), 0.0, 1.0))
    target = X["age"].to_numpy() + X["zero"].to_numpy()
    teacher = HistGradientBoostingRegressor(max_iter=10).fit(X, target)
    booster = dict(n_estimators=2, max_depth=2, num_leaves=4, verbose=-1, n_jobs=1)
    for params, message in [({"linear_tree": True}, "linear_tree=False"),
                            ({"zero_as_missing": True}, "zero_as_missing=False")]:
        distilled = DistilledRegressor(teacher, lightgbm.LGBMRegressor(**booster, **params),
                                       random_state=0).fit(X, target)
        with pytest.raises(ValueError, match=message):
            export_text(distilled)
