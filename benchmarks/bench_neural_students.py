"""An MLP student distilled from LightGBM against the same MLP trained on labels.

On six real datasets (75/25 split, LightGBM teacher of 300 trees): accuracy
and AUC (classification) or R² (regression) on the test rows, and fidelity to
the teacher (agreement of the predicted classes, or R² to the teacher's
predictions), for the MLP of :func:`skdistill.make_mlp_student` fit on the
labels alone and as the student of a distiller, averaged over seeds. A sweep
of T in {1, 2, 4} x alpha in {0.3, 0.5, 0.7, 1.0} on two classification sets
(and alpha on two regression sets) chooses the defaults.

Run: ``python -m benchmarks.bench_neural_students [--quick]`` (writes
``benchmarks/results/neural_students.csv`` and ``neural_students_sweep.csv``).
"""

import argparse
import os
import time

import lightgbm
import pandas as pd

from benchmarks.common import load, pin_threads, pre_auto, split as train_test_rows, test_scores
from skdistill import DistilledClassifier, DistilledRegressor, make_mlp_student

DATASETS = ["adult", "mlc_churn", "hpc", "mnist_5k", "diamonds", "concrete"]
# Training rows kept on the larger sets, so the panel runs in minutes on 2 cores.
MAX_TRAIN_ROWS = 10_000
SWEEP_DATASETS = {"classification": ["hpc", "mlc_churn"], "regression": ["concrete", "diamonds"]}
TEMPERATURES, ALPHAS = (1.0, 2.0, 4.0), (0.3, 0.5, 0.7, 1.0)
RESULTS = os.path.join(os.path.dirname(__file__), "results")


def split(name, seed=0):
    X, y, task = load(name)
    X_train, X_test, y_train, y_test = train_test_rows(
        X, y, task, max_train_rows=MAX_TRAIN_ROWS, random_state=seed)
    return X_train, X_test, y_train, y_test, task


def teacher(task, seed):
    params = dict(n_estimators=300, learning_rate=0.05, random_state=seed, verbose=-1,
                  n_jobs=1)
    if task == "regression":
        return lightgbm.LGBMRegressor(**params)
    return lightgbm.LGBMClassifier(**params)


def scores(model, teacher_model, X_test, y_test, task):
    found = test_scores(model, X_test, y_test, task, teacher_model.predict(X_test))
    keys = ("r2",) if task == "regression" else ("accuracy", "auc")
    return {key: found[key] for key in (*keys, "fidelity")}


def mlp(task, seed, **params):
    kind = "regression" if task == "regression" else "classification"
    return make_mlp_student(kind, random_state=seed, **params)


def distilled(task, teacher_model, seed, temperature, alpha):
    student = mlp(task, seed)
    if task == "regression":
        return pre_auto(DistilledRegressor)(teacher_model, student, alpha=alpha, random_state=seed)
    return pre_auto(DistilledClassifier)(teacher_model, student, temperature=temperature,
                                         alpha=alpha, random_state=seed)


def run_one(name, data, teacher_model, seed, how, temperature=None, alpha=None):
    X_train, X_test, y_train, y_test, task = data
    start = time.perf_counter()
    if how == "teacher":
        model = teacher_model
    elif how == "labels":
        model = mlp(task, seed).fit(X_train, y_train)
    else:
        model = distilled(task, teacher_model, seed, temperature, alpha).fit(X_train, y_train)
    row = {"dataset": name, "seed": seed, "model": how, "temperature": temperature,
           "alpha": alpha, "fit_seconds": time.perf_counter() - start}
    row.update(scores(model, teacher_model, X_test, y_test, task))
    student = getattr(model, "student_", model)
    if hasattr(student, "steps"):
        row["epochs"] = student[-1].n_epochs_
    return row


def panel(seeds, temperature, alpha):
    rows = []
    for name in DATASETS:
        data = split(name)
        for seed in seeds:
            teacher_model = teacher(data[4], seed).fit(data[0], data[2])
            rows.append(run_one(name, data, teacher_model, seed, "teacher"))
            rows.append(run_one(name, data, teacher_model, seed, "labels"))
            rows.append(run_one(name, data, teacher_model, seed, "distilled", temperature, alpha))
            print(rows[-2]["dataset"], {k: round(v, 4) for k, v in rows[-1].items()
                                        if isinstance(v, float)}, flush=True)
    return pd.DataFrame(rows)


def sweep(seed=0):
    rows = []
    for kind, names in SWEEP_DATASETS.items():
        temperatures = TEMPERATURES if kind == "classification" else (None,)
        for name in names:
            data = split(name)
            teacher_model = teacher(data[4], seed).fit(data[0], data[2])
            rows.append(run_one(name, data, teacher_model, seed, "labels"))
            for temperature in temperatures:
                for alpha in ALPHAS:
                    rows.append(run_one(name, data, teacher_model, seed, "distilled",
                                        temperature, alpha))
            print("sweep", name, "done", flush=True)
    return pd.DataFrame(rows)


def summary(table):
    metrics = [c for c in ("accuracy", "auc", "r2", "fidelity", "epochs") if c in table]
    return (table.groupby(["dataset", "model"], sort=False)[metrics].mean()
            .unstack("model").round(4))


def main():
    # Small nets on a shared 2-core machine: one thread each for torch and
    # LightGBM avoids threads spinning against each other's processes.
    pin_threads(1)
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="one seed, no sweep")
    parser.add_argument("--temperature", type=float, default=2.0)
    parser.add_argument("--alpha", type=float, default=0.7)
    args = parser.parse_args()
    os.makedirs(RESULTS, exist_ok=True)
    seeds = (0,) if args.quick else (0, 1)
    results = panel(seeds, args.temperature, args.alpha)
    results.to_csv(os.path.join(RESULTS, "neural_students.csv"), index=False)
    print(f"\nMLP on labels vs distilled (T={args.temperature}, alpha={args.alpha}), "
          f"mean of seeds {seeds}\n")
    print(summary(results).to_markdown(floatfmt=".4f"))
    if args.quick:
        return
    swept = sweep()
    swept.to_csv(os.path.join(RESULTS, "neural_students_sweep.csv"), index=False)
    metrics = ["accuracy", "auc", "r2", "fidelity"]
    print("\nSweep (seed 0)\n")
    print(swept[["dataset", "model", "temperature", "alpha",
                 *[m for m in metrics if m in swept]]].to_markdown(index=False, floatfmt=".4f"))


if __name__ == "__main__":
    main()
