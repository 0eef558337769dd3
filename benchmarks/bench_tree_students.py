"""Tree, boosted and linear students against the same models fit on labels.

For each dataset of the panel (75/25 split) and each teacher (a large
LightGBM and a random forest):

- decision trees of depth 3, 4 and 6, fit on labels and distilled;
- the depth-6 tree distilled over alpha x temperature, to check the defaults;
- a LightGBM student of at most 50 trees x 15 leaves: score against the
  teacher, batch prediction speed-up and pickled size ratio;
- a linear student (one-hot + scaling + LogisticRegression / Ridge);
- a 100-tree random forest student: pickled size against the same forest fit
  on labels (classification only).

Run from the repository root::

    python -m benchmarks.bench_tree_students --lgbm-trees 1000 --rf-trees 500

Writes ``benchmarks/results/tree_students.csv`` and prints markdown tables.
Scores are accuracy (classification; AUC too for binary) and R² (regression);
fidelity is agreement with the teacher's labels (classification) or R² to
the teacher's predictions (regression), on the test split.
"""

import argparse
import os
import pickle
import time

import lightgbm
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from benchmarks.common import best_seconds, load, pre_auto, split as train_test_rows, test_scores
from skdistill import DistilledClassifier, DistilledRegressor

DATASETS = ["concrete", "digits", "hpc", "mlc_churn", "computers", "mnist_5k", "adult",
            "diamonds", "flights_delayed"]
RESULTS = os.path.join(os.path.dirname(__file__), "results", "tree_students.csv")


def _categorical_columns(X):
    return [c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)]


def ordinal_pipeline(model, X):
    """Categories as integer codes (NaN kept apart) for scikit-learn trees."""
    encode = ColumnTransformer(
        [("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                                encoded_missing_value=-2), _categorical_columns(X))],
        remainder="passthrough",
    )
    return make_pipeline(encode, model)


def linear_pipeline(model, X):
    """One-hot categories, imputed and scaled numbers."""
    categorical = _categorical_columns(X)
    numeric = [c for c in X.columns if c not in categorical]
    encode = ColumnTransformer([
        ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
        ("num", make_pipeline(SimpleImputer(), StandardScaler()), numeric),
    ])
    return make_pipeline(encode, model)


def teachers(task, X, n_lgbm, n_rf):
    classification = task != "regression"
    booster = (lightgbm.LGBMClassifier if classification else lightgbm.LGBMRegressor)(
        n_estimators=n_lgbm, num_leaves=63, learning_rate=0.05, verbose=-1, n_jobs=2,
        random_state=0,
    )
    forest = (RandomForestClassifier if classification else RandomForestRegressor)(
        n_estimators=n_rf, max_features="sqrt" if classification else 0.5, n_jobs=2,
        random_state=0,
    )
    return {"lightgbm": booster, "forest": ordinal_pipeline(forest, X)}


def evaluate(model, teacher, X_test, y_test, task):
    found = test_scores(model, X_test, y_test, task, teacher.predict(X_test))
    row = {"score": found["r2" if task == "regression" else "accuracy"],
           "fidelity": found["fidelity"]}
    if task == "binary":
        row["auc"] = found["auc"]
    return row


def distil(teacher, student, task, X, y, alpha=0.5, temperature=1.0):
    if task == "regression":
        distiller = pre_auto(DistilledRegressor)(teacher, student, alpha=alpha, random_state=0)
        return distiller.fit(X, y)
    return pre_auto(DistilledClassifier)(teacher, student, alpha=alpha, temperature=temperature,
                               random_state=0).fit(X, y)


def batch_seconds(model, X, repeats=3):
    return best_seconds(lambda: model.predict(X), repeats)


def pickled_bytes(model):
    return len(pickle.dumps(model))


def tree_rows(teacher, split, task):
    X_train, X_test, y_train, y_test = split
    tree = DecisionTreeRegressor if task == "regression" else DecisionTreeClassifier
    for depth in (3, 4, 6):
        student = ordinal_pipeline(tree(max_depth=depth, random_state=0), X_train)
        on_labels = clone(student).fit(X_train, y_train)
        distilled = distil(teacher, student, task, X_train, y_train)
        for method, model in (("labels", on_labels), ("distilled", distilled)):
            yield {"experiment": "tree", "student": f"tree_d{depth}", "method": method,
                   **evaluate(model, teacher, X_test, y_test, task)}
    temperatures = (1.0,) if task == "regression" else (1.0, 2.0)
    student = ordinal_pipeline(tree(max_depth=6, random_state=0), X_train)
    for alpha in (0.5, 0.8, 1.0):
        for temperature in temperatures:
            model = distil(teacher, student, task, X_train, y_train, alpha, temperature)
            yield {"experiment": "grid", "student": "tree_d6", "method": "distilled",
                   "alpha": alpha, "temperature": temperature,
                   **evaluate(model, teacher, X_test, y_test, task)}


def booster_rows(teacher, split, task):
    X_train, X_test, y_train, y_test = split
    kind = lightgbm.LGBMRegressor if task == "regression" else lightgbm.LGBMClassifier
    student = kind(n_estimators=50, num_leaves=15, verbose=-1, n_jobs=2, random_state=0)
    on_labels = clone(student).fit(X_train, y_train)
    distilled = distil(teacher, student, task, X_train, y_train)
    teacher_row = evaluate(teacher, teacher, X_test, y_test, task)
    yield {"experiment": "booster", "student": "teacher", "method": "teacher", **teacher_row}
    teacher_seconds, teacher_bytes = batch_seconds(teacher, X_test), pickled_bytes(teacher)
    for method, model, fitted in (("labels", on_labels, on_labels),
                                  ("distilled", distilled, distilled.student_)):
        yield {"experiment": "booster", "student": "lgbm_50x15", "method": method,
               **evaluate(model, teacher, X_test, y_test, task),
               "speedup": teacher_seconds / batch_seconds(fitted, X_test),
               "size_ratio": teacher_bytes / pickled_bytes(fitted)}


def linear_rows(teacher, split, task):
    X_train, X_test, y_train, y_test = split
    model = Ridge() if task == "regression" else LogisticRegression(max_iter=2000)
    student = linear_pipeline(model, X_train)
    on_labels = clone(student).fit(X_train, y_train)
    distilled = distil(teacher, student, task, X_train, y_train)
    for method, fitted in (("labels", on_labels), ("distilled", distilled)):
        yield {"experiment": "linear", "student": type(model).__name__, "method": method,
               **evaluate(fitted, teacher, X_test, y_test, task)}


def forest_rows(teacher, split, task):
    X_train, X_test, y_train, y_test = split
    if task == "regression" or len(X_train) > 10_000:
        return
    student = ordinal_pipeline(RandomForestClassifier(100, n_jobs=2, random_state=0), X_train)
    on_labels = clone(student).fit(X_train, y_train)
    distilled = distil(teacher, student, task, X_train, y_train)
    for method, model in (("labels", on_labels), ("distilled", distilled)):
        fitted = model.student_ if method == "distilled" else model
        yield {"experiment": "forest", "student": "forest_100", "method": method,
               **evaluate(model, teacher, X_test, y_test, task),
               "size_ratio": pickled_bytes(fitted) / pickled_bytes(on_labels)}


def run(names, n_lgbm, n_rf, max_rows):
    rows = []
    for name in names:
        X, y, task = load(name)
        split = train_test_rows(X, y, task, max_train_rows=max_rows * 3 // 4,
                                max_test_rows=max_rows // 4)
        for teacher_name, teacher in teachers(task, X, n_lgbm, n_rf).items():
            start = time.perf_counter()
            teacher.fit(split[0], split[2])
            print(f"{name} {teacher_name} fitted in {time.perf_counter() - start:.0f}s",
                  flush=True)
            for experiment in (tree_rows, booster_rows, linear_rows, forest_rows):
                for row in experiment(teacher, split, task):
                    rows.append({"dataset": name, "task": task, "teacher": teacher_name, **row})
            pd.DataFrame(rows).to_csv(RESULTS, index=False)
    return pd.DataFrame(rows)


def print_tables(frame):
    columns = ["score", "auc", "fidelity", "speedup", "size_ratio"]
    for experiment, part in frame.groupby("experiment", sort=False):
        index = ["dataset", "teacher", "student"]
        if experiment == "grid":
            index += ["alpha", "temperature"]
        shown = [c for c in columns if c in part and part[c].notna().any()]
        table = part.pivot_table(index=index, columns="method", values=shown)
        print(f"\n### {experiment}\n")
        print(table.round(3).to_markdown())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="*", default=DATASETS)
    parser.add_argument("--lgbm-trees", type=int, default=1000)
    parser.add_argument("--rf-trees", type=int, default=500)
    parser.add_argument("--max-rows", type=int, default=50_000)
    args = parser.parse_args()
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    print_tables(run(args.datasets, args.lgbm_trees, args.rf_trees, args.max_rows))


if __name__ == "__main__":
    main()
