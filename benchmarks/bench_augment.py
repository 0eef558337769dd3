"""Transfer sets: does augmenting the training rows help a small student copy its teacher?

For each dataset of the panel (75/25 split, LightGBM teacher 500 trees x 31
leaves), four small students (decision trees of depth 4 and 6, LightGBM
50 x 15, and the default MLP of ``make_mlp_student``) are distilled with no transfer
set and with each generator at 1x, 5x and 10x the training rows; plus MUNGE's
p and s varied at 5x, and 5x with every augmented row weighted like a real
one (transfer_weight=5). Fidelity to the teacher and accuracy / AUC / R² on
the held-out quarter are written to ``benchmarks/results/augment.csv``.

Each generator draws 10x once per dataset; 1x and 5x are the first one and
five full passes of that draw (each a valid draw on its own), passed as
``X_unlabeled``, so the sizes are nested and the teacher labels each row once.

A second part times augmenting flights_delayed (all 328,521 rows) x5 against
the teacher's inference on the augmented rows, in one process:
``benchmarks/results/augment_speed.csv``.

Run from the repository root: ``python -m benchmarks.bench_augment [datasets...]
[--students tree4,tree6,lgbm50x15,mlp] [--torch-threads 1]``; a run replaces
the rows of the datasets and students it ran.
"""

import argparse
import time
from pathlib import Path

import pandas as pd
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from benchmarks.common import QUALITY_KEY, load, pin_threads, quality, split, test_scores, pre_auto
from skdistill import (
    ColumnResample,
    DistilledClassifier,
    DistilledRegressor,
    GaussianNoise,
    Munge,
    make_mlp_student,
)
from skdistill._teacher_outputs import teacher_logits

RESULTS = Path(__file__).parent / "results"
DATASETS = ["concrete", "digits", "hpc", "mlc_churn", "computers", "adult", "diamonds",
            "mnist_5k"]
GENERATORS = {"munge": Munge(), "resample": ColumnResample(), "gaussian": GaussianNoise()}
SIZES = (1, 5, 10)
MUNGE_VARIANTS = {"munge p0.2": Munge(p=0.2), "munge p0.8": Munge(p=0.8),
                  "munge s4": Munge(s=4.0)}


def tree_student(depth, classification):
    # sklearn trees take NaN but not strings: categories become ordinal codes.
    encoder = make_column_transformer(
        (OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                        encoded_missing_value=-1),
         make_column_selector(dtype_include=["category", "object"])),
        remainder="passthrough",
    )
    tree = (DecisionTreeClassifier if classification else DecisionTreeRegressor)(
        max_depth=depth, random_state=0)
    return make_pipeline(encoder, tree)


STUDENTS = ("tree4", "tree6", "lgbm50x15", "mlp")


def students(classification, names=STUDENTS):
    booster = LGBMClassifier if classification else LGBMRegressor
    every = {
        "tree4": lambda: tree_student(4, classification),
        "tree6": lambda: tree_student(6, classification),
        "lgbm50x15": lambda: booster(n_estimators=50, num_leaves=15, n_jobs=1, verbose=-1,
                                     random_state=0),
        "mlp": lambda: make_mlp_student("classification" if classification else "regression",
                                        random_state=0),
    }
    return {name: every[name]() for name in names}


def teacher_for(task):
    model = LGBMClassifier if task != "regression" else LGBMRegressor
    return model(n_estimators=500, num_leaves=31, learning_rate=0.05, n_jobs=2,
                 verbose=-1, random_state=0)


def scores(model, teacher, X_test, y_test, task):
    found = test_scores(model, X_test, y_test, task, teacher.predict(X_test))
    row = {"fidelity": found["fidelity"], "score": quality(found, task),
           "metric": QUALITY_KEY[task]}
    if task != "regression":
        row["accuracy"] = found["accuracy"]
    return row


def transfer_sets(X_train):
    """(label, rows, transfer_weight) of every transfer set to try."""
    n = len(X_train)
    yield "none", 0, None, 1.0
    for name, generator in GENERATORS.items():
        start = time.perf_counter()
        rows = generator.sample(X_train, 10 * n, random_state=0)
        print(f"  {name} x10 drawn in {time.perf_counter() - start:.1f} s", flush=True)
        for size in SIZES:
            yield name, size, rows.iloc[: size * n], 1.0
        if name == "munge":
            yield "munge tw=5", 5, rows.iloc[: 5 * n], 5.0
    for name, generator in MUNGE_VARIANTS.items():
        yield name, 5, generator.sample(X_train, 5 * n, random_state=0), 1.0


def run_dataset(name, student_names=STUDENTS):
    X, y, task = load(name)
    classification = task != "regression"
    X_train, X_test, y_train, y_test = split(X, y, task)
    start = time.perf_counter()
    teacher = teacher_for(task).fit(X_train, y_train)
    print(f"{name}: teacher fit in {time.perf_counter() - start:.1f} s", flush=True)
    rows = [{"dataset": name, "student": "teacher", "transfer": "-", "size": 0,
             **scores(teacher, teacher, X_test, y_test, task)}]
    for student_name, student in students(classification, student_names).items():
        fitted = student.fit(X_train, y_train)
        rows.append({"dataset": name, "student": student_name, "transfer": "labels", "size": 0,
                     **scores(fitted, teacher, X_test, y_test, task)})
    distiller = pre_auto(DistilledClassifier if classification else DistilledRegressor)
    for transfer, size, X_transfer, weight in transfer_sets(X_train):
        for student_name, student in students(classification, student_names).items():
            start = time.perf_counter()
            model = distiller(teacher, student, transfer_weight=weight, random_state=0)
            model.fit(X_train, y_train, X_unlabeled=None if size == 0 else X_transfer)
            rows.append({"dataset": name, "student": student_name, "transfer": transfer,
                         "size": size, "fit_seconds": time.perf_counter() - start,
                         **scores(model, teacher, X_test, y_test, task)})
        print(f"  {transfer} x{size} done", flush=True)
    return pd.DataFrame(rows)


def speed_on_flights(size=5):
    """Seconds to augment flights_delayed x``size`` vs the teacher's inference on the rows.

    The teacher is timed once, on MUNGE's rows: its cost depends on the number
    of rows and trees, not on which generator drew them.
    """
    X, y, _ = load("flights_delayed")
    # Inference cost depends on the trees, not on how many rows they were fit on.
    teacher = teacher_for("binary").fit(X.iloc[:60_000], y[:60_000])
    augment_seconds = {}
    for name, generator in GENERATORS.items():
        start = time.perf_counter()
        augmented = generator.sample(X, size * len(X), random_state=0)
        augment_seconds[name] = time.perf_counter() - start
        print(name, f"{augment_seconds[name]:.1f} s", flush=True)
        if name == "munge":
            start = time.perf_counter()
            teacher_logits(teacher, augmented, cache=False)
            teacher_seconds = time.perf_counter() - start
            print(f"teacher {teacher_seconds:.1f} s", flush=True)
    return pd.DataFrame([
        {"generator": name, "rows": size * len(X), "augment_seconds": seconds,
         "teacher_seconds": teacher_seconds, "ratio": seconds / teacher_seconds}
        for name, seconds in augment_seconds.items()
    ])


def summary(results):
    """Mean change against the distilled student without a transfer set, per student and set."""
    base = results[results.transfer == "none"].set_index(["dataset", "student"])
    rest = results[~results.transfer.isin(["none", "labels", "-"])].copy()
    keys = list(zip(rest.dataset, rest.student))
    rest["d_fidelity"] = rest.fidelity.to_numpy() - base.loc[keys, "fidelity"].to_numpy()
    rest["d_score"] = rest.score.to_numpy() - base.loc[keys, "score"].to_numpy()
    return rest.groupby(["student", "transfer", "size"])[["d_fidelity", "d_score"]].agg(
        ["mean", "min", "max"]).round(4)


def main(names, student_names=STUDENTS):
    RESULTS.mkdir(exist_ok=True)
    if names == ["speed"]:
        speed = speed_on_flights()
        speed.to_csv(RESULTS / "augment_speed.csv", index=False)
        print(speed.round(2).to_markdown(index=False))
        return
    path = RESULTS / "augment.csv"
    for name in names or DATASETS:
        frame = run_dataset(name, student_names)
        done = pd.read_csv(path) if path.exists() else pd.DataFrame()
        if len(done):
            replaced = (done.dataset == name) & done.student.isin([*student_names, "teacher"])
            done = done[~replaced]
        pd.concat([done, frame], ignore_index=True).to_csv(path, index=False)
        print(frame.round(4).to_markdown(index=False), flush=True)
    print(summary(pd.read_csv(path)).to_markdown())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_augment")
    parser.add_argument("datasets", nargs="*", help="dataset names, or 'speed'")
    parser.add_argument("--students", default=",".join(STUDENTS))
    parser.add_argument("--torch-threads", type=int,
                        help="threads for torch (MLP students); default: torch's own")
    args = parser.parse_args()
    if args.torch_threads:
        pin_threads(args.torch_threads)
    main(args.datasets, tuple(args.students.split(",")))
