"""Entry point: ``python -m benchmarks [--smoke | --quick | --full] [options]``.

Writes ``panel_<scale>.csv`` and a markdown report ``results_<scale>.md`` to
``--results`` (default ``benchmarks/results/``, which the docs include): the
panel of teachers x students x datasets, the GridSearchCV teacher-evaluation
count, and, when the torch extra is installed, the neural training throughput
against a plain torch loop.
"""

import argparse
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.tree import DecisionTreeClassifier

from skdistill import DistilledClassifier, teacher_output_cache

from .common import load, pre_auto
from .panel import SCALES, run_dataset

ROOT = Path(__file__).resolve().parent.parent
PANELS = {
    "smoke": ["breast_cancer", "digits", "diabetes"],
    "quick": ["breast_cancer", "digits", "mlc_churn", "hpc", "concrete", "computers"],
    # Smallest first, so a long run has the most datasets done soonest.
    "full": ["concrete", "digits", "hpc", "mlc_churn", "computers", "mnist_5k", "adult",
             "diamonds", "flights_delayed"],
}


class _CountingForest(RandomForestClassifier):
    calls = Counter()

    def predict_proba(self, X):
        _CountingForest.calls["predict_proba"] += 1
        return super().predict_proba(X)


def grid_search_teacher_evaluations():
    """Teacher evaluations of a 3-fold, 3x3 grid over temperature x alpha."""
    X, y = load_breast_cancer(return_X_y=True)
    teacher = _CountingForest(n_estimators=50, random_state=0).fit(X, y)
    _CountingForest.calls.clear()
    teacher_output_cache.clear()
    GridSearchCV(
        pre_auto(DistilledClassifier)(teacher, DecisionTreeClassifier(max_depth=4),
                                      random_state=0),
        {"temperature": [1, 2, 4], "alpha": [0.25, 0.5, 1.0]},
        cv=KFold(3, shuffle=True, random_state=0),
    ).fit(X, y)
    return {"candidates": 9, "folds": 3, "fits": 9 * 3 + 1,
            "teacher_evaluations": _CountingForest.calls["predict_proba"]}


def neural_throughput(smoke):
    try:
        from .bench_neural_throughput import throughput_ratios
    except ImportError:
        return None
    return throughput_ratios(smoke=smoke)


def markdown_report(frame, scale_name, command, grid, throughput):
    lines = [
        f"# Benchmark results ({scale_name})",
        "",
        f"Produced by `{command}` on {platform.node() or 'this machine'}: "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}.",
        "",
        "quality: ROC AUC (binary), accuracy (multiclass), R² (regression), on a 25% test "
        "split. fidelity: agreement with the teacher's predicted class (R² to the teacher's "
        "predictions for regression). size/speed ratios: teacher over student, same run.",
        "",
        "## GridSearchCV over temperature x alpha",
        "",
        f"{grid['candidates']} candidates x {grid['folds']} folds = {grid['fits']} fits; "
        f"teacher evaluations: **{grid['teacher_evaluations']}** (one per training fold "
        "plus the final refit).",
        "",
    ]
    if throughput is not None:
        lines += ["## Neural training throughput against a plain torch loop", "",
                  throughput.to_markdown(index=False, floatfmt=".3g"), ""]
    columns = ["dataset", "teacher", "student", "mode", "quality", "fidelity", "pickled_kb",
               "size_ratio", "batch_speedup", "row_seconds", "fit_seconds", "peak_mb"]
    lines += ["## Panel", "", frame[columns].to_markdown(index=False, floatfmt=".4g"), ""]
    return "\n".join(lines)


def render_docs(frame, scale_name, command, folder):
    """The panel as an includable reStructuredText table and one plot per dataset."""
    from .plots import fidelity_against_size

    folder.mkdir(parents=True, exist_ok=True)
    columns = ["dataset", "teacher", "student", "mode", "quality", "fidelity", "pickled_kb",
               "size_ratio", "batch_speedup", "row_seconds", "fit_seconds", "peak_mb"]
    frame[columns].round(4).to_csv(folder / f"panel_{scale_name}.csv", index=False)
    figures = []
    for dataset, part in frame.groupby("dataset", sort=False):
        image = f"fidelity_{scale_name}_{dataset}.png"
        fidelity_against_size(part, dataset).savefig(folder / image, dpi=80)
        figures.append(f".. image:: {folder.name}/{image}\n   :alt: fidelity against size, "
                       f"{dataset}\n")
    include = [
        f"Produced by ``{command}`` on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}.",
        "",
        *figures,
        f".. csv-table:: The {scale_name} panel",
        # csv-table reads its file relative to this .inc; images resolve from the page.
        f"   :file: panel_{scale_name}.csv",
        "   :header-rows: 1",
        "",
    ]
    (folder / f"panel_{scale_name}.inc").write_text("\n".join(include))


def render_only(args, command):
    """The docs pages of panels run in parts: later rows replace earlier ones."""
    if not args.docs:
        raise SystemExit("--render needs --docs DIR")
    key = ["dataset", "teacher", "student", "mode"]
    frame = pd.concat([pd.read_csv(path) for path in args.render], ignore_index=True)
    frame = frame.drop_duplicates(key, keep="last")
    order = {name: i for i, name in enumerate(PANELS["full"])}
    frame = frame.sort_values("dataset", key=lambda names: names.map(order), kind="stable")
    render_docs(frame, args.scale, command, args.docs)
    args.results.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.results / f"panel_{args.scale}.csv", index=False)
    return frame


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--smoke", action="store_const", dest="scale", const="smoke",
                      help="tiny sizes, seconds: keeps the entry point from rotting (CI)")
    size.add_argument("--quick", action="store_const", dest="scale", const="quick",
                      help="small datasets, minutes")
    size.add_argument("--full", action="store_const", dest="scale", const="full",
                      help="the whole panel of real datasets")
    parser.add_argument("--datasets", help="comma-separated dataset names")
    parser.add_argument("--teachers", help="comma-separated: lgbm, forest, vote")
    parser.add_argument("--students",
                        help="comma-separated: tree3, tree4, tree6, logistic, lgbm50x15, mlp")
    parser.add_argument("--augment", help="also distil with this augmenter (e.g. munge)")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results",
                        help="folder for the CSV and the markdown report")
    parser.add_argument("--docs", type=Path,
                        help="also render the table and the fidelity-vs-size plots here "
                             "(docs/results for the committed pages)")
    parser.add_argument("--render", type=Path, nargs="+", metavar="CSV",
                        help="render --docs from these panel CSVs (rows of later files "
                             "replace the same dataset/teacher/student/mode in earlier ones) "
                             "instead of running")
    parser.add_argument("--torch-threads", type=int,
                        help="threads for torch (MLP students); default: torch's own. One "
                             "thread is faster on a machine busy with other work")
    parser.set_defaults(scale="quick")
    args = parser.parse_args(argv)
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)
    if args.render:
        return render_only(args, "python -m benchmarks " + " ".join(
            argv if argv is not None else sys.argv[1:]))
    scale = SCALES[args.scale]
    names = args.datasets.split(",") if args.datasets else PANELS[args.scale]
    split = lambda text: set(text.split(",")) if text else None  # noqa: E731

    args.results.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in names:
        X, y, task = load(name)
        print(f"{name}: {X.shape[0]} rows x {X.shape[1]} features, {task}", flush=True)
        rows += run_dataset(name, X, y, task, scale, split(args.teachers),
                            split(args.students), args.augment)
        # Written after every dataset: a long run that stops keeps what it measured.
        pd.DataFrame(rows).to_csv(args.results / f"panel_{args.scale}.csv", index=False)
    frame = pd.DataFrame(rows)
    grid = grid_search_teacher_evaluations()
    throughput = neural_throughput(smoke=args.scale == "smoke")

    command = "python -m benchmarks " + " ".join(argv if argv is not None else sys.argv[1:])
    report = markdown_report(frame, args.scale, command.strip(), grid, throughput)
    (args.results / f"results_{args.scale}.md").write_text(report)
    if args.docs:
        render_docs(frame, args.scale, command.strip(), args.docs)
    print(report)
    if grid["teacher_evaluations"] != grid["folds"] + 1:
        raise SystemExit("the teacher was evaluated more than once per training fold")
    return frame


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
