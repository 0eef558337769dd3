"""The distillation family, part B, on real data: born-again nets and feature losses.

Two questions, each on a 75/25 split (stratified for classification), every
result a mean over ``--seeds`` seeds (2 by default; the spread is written too):

- *Born-again* (Furlanello et al. 2018): an MLP student (two hidden layers of
  32), and a depth-6 tree, trained on the labels (generation 0), then
  distilled into a fresh copy of itself twice (``teacher="self",
  n_generations=2``; the generations read from ``stages_``). Does generation 2
  beat generation 1, and 1 beat 0?
- *Feature and relation losses*: a wide MLP teacher (256 x 256) trained on the
  labels, distilled into a small MLP (one hidden layer of 32, batches of 128
  rows: the angle loss costs ``batch_size**3`` per step) with plain KD,
  KD + FitNets hint (``hint_weight=1``) and KD + relational distances and
  angles (``rkd_distance_weight=25, rkd_angle_weight=50``, the paper's
  weights); the student on labels alone for reference.

Test quality (AUC for binary, accuracy for multiclass, R² for regression),
fidelity to the teacher of the study and fit seconds go to
``benchmarks/results/family_b.csv``. Torch runs on one thread.

Run from the repository root:
``python -m benchmarks.bench_family_b [--seeds N] [--studies ...] [--results CSV]
[datasets...]``; a run replaces the rows of the datasets and studies it ran.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from skdistill import make_mlp_student

from . import bench_family as family_a
from .common import pin_threads, quality

RESULTS = Path(__file__).parent / "results" / "family_b.csv"
DATASETS = ["digits", "concrete", "mlc_churn", "mnist_5k"]
SMALL = dict(hidden_layer_sizes=(32,), batch_size=128)
FEATURE_VARIANTS = {
    "KD": {},
    "KD + hint": {"hint_weight": 1.0},
    "KD + RKD": {"rkd_distance_weight": 25.0, "rkd_angle_weight": 50.0},
}


class Split(family_a.Split):
    """A dataset's split, with the MLPs and distiller of its task."""

    @property
    def distiller(self):
        return family_a._distiller(self.task)

    def mlp(self, seed, **params):
        task = "regression" if self.task == "regression" else "classification"
        return make_mlp_student(task, random_state=seed, **params)

    def scores(self, model, reference):
        scores = super().scores(model, reference)
        return {"quality": quality(scores, self.task), "fidelity": scores["fidelity"]}


def born_again_rows(split, seed, student=None, name="MLP 32 x 32"):
    start = time.perf_counter()
    # The student's random_state is left unset: the distiller then draws a
    # seed per generation (a seed set on the student would be every generation's).
    student = split.mlp(None, hidden_layer_sizes=(32, 32)) if student is None else student
    model = split.distiller("self", student, n_generations=2, random_state=seed)
    model.fit(split.X_train, split.y_train)
    seconds = time.perf_counter() - start
    labels = model.teacher_
    reference = labels.predict(split.X_test)
    # The stages and the distiller predict labels (their students predict class codes).
    generations = [labels, *model.stages_, model]
    return [{"dataset": split.name, "study": f"born-again {name}", "variant": f"generation {g}",
             "seed": seed, "seconds": seconds, **split.scores(student, reference)}
            for g, student in enumerate(generations)]


def born_again_tree_rows(split, seed):
    return born_again_rows(split, seed, family_a._tree(split.task, 6), "tree depth 6")


def feature_rows(split, seed):
    teacher = split.mlp(seed, hidden_layer_sizes=(256, 256)).fit(split.X_train, split.y_train)
    reference = teacher.predict(split.X_test)
    rows = [{"variant": "teacher (256 x 256)", **split.scores(teacher, reference)}]
    start = time.perf_counter()
    labels = split.mlp(seed, **SMALL).fit(split.X_train, split.y_train)
    rows.append({"variant": "labels", "seconds": time.perf_counter() - start,
                 **split.scores(labels, reference)})
    for variant, params in FEATURE_VARIANTS.items():
        start = time.perf_counter()
        model = split.distiller(teacher, split.mlp(seed, **SMALL, **params), random_state=seed)
        model.fit(split.X_train, split.y_train)
        rows.append({"variant": variant, "seconds": time.perf_counter() - start,
                     **split.scores(model, reference)})
        print(f"  {split.name} seed {seed} {variant}: {rows[-1]['seconds']:.0f} s, "
              f"{model.student_[-1].n_epochs_} epochs", flush=True)
    return [{"dataset": split.name, "study": "feature losses", "seed": seed, **row}
            for row in rows]


def summary(frame):
    """Mean and spread (max - min) over seeds of each dataset, study and variant."""
    grouped = frame.groupby(["dataset", "study", "variant"], sort=False)
    table = grouped[["quality", "fidelity", "seconds"]].mean()
    table["quality_spread"] = grouped["quality"].max() - grouped["quality"].min()
    return table.reset_index()


def _write(path, frame):
    """Write ``frame`` over the rows of the same datasets and studies already in ``path``."""
    if path.exists():
        done = pd.read_csv(path)
        ran = done.dataset.isin(frame.dataset) & done.study.isin(frame.study)
        frame = pd.concat([done[~ran], frame], ignore_index=True)
    frame.to_csv(path, index=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", default=DATASETS)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--studies", default="born-again,born-again tree,feature losses")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    pin_threads(1)
    studies = {"born-again": born_again_rows, "born-again tree": born_again_tree_rows,
               "feature losses": feature_rows}
    chosen = [studies[name] for name in args.studies.split(",")]
    rows = []
    for name in args.datasets:
        start = time.perf_counter()
        split = Split(name)
        for seed in range(args.seeds):
            for study in chosen:
                rows += study(split, seed)
            # Written as it goes: a long run that stops keeps what it measured.
            _write(args.results, pd.DataFrame(rows))
        print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True)
    table = summary(pd.read_csv(args.results))
    print(table.round(4).to_string(index=False))
    table.round(4).to_csv(args.results.with_name(args.results.stem + "_summary.csv"),
                          index=False)
    return table


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
