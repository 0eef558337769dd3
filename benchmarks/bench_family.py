"""The distillation family, part A, on real data: assistants, learned weights, specialists.

Three questions, each on a 75/25 split (stratified for classification) of
small panel datasets where a small student trails its teacher by a wide gap:

- *Teacher assistant*: a ``--trees``-tree x 63-leaf LightGBM teacher (1,000 by
  default) into a depth-3 tree: fit on the labels, distilled directly, and
  distilled through an assistant (a depth-6 or depth-8 tree, or a 50 x 15
  LightGBM model) distilled from the teacher first; at ``alpha`` 0.5 (the
  default) and 1.0 (pure imitation, where the assistant's targets are all the
  student sees).
- *Learned weights*: a 300-tree LightGBM model, a 300-tree random forest and a
  logistic (ridge, for regression) model as one teacher, with equal weights
  and with weights learned from out-of-fold outputs (one 20% split, and 5
  folds), each then distilled into a depth-6 tree. Test log-loss (RMSE for
  regression) says whether the learned mixture is the better model; the time
  column what the folds cost.
- *Specialists* (multiclass datasets): a 300-tree random forest generalist,
  with and without a forest specialist on the (at most four, leaving at least
  two to the dustbin) classes it recalls worst in 3-fold cross-validation on
  the training rows, fitted on every row or on rows where the dustbin is
  subsampled to half (Hinton et al. 2015).

Test quality (AUC for binary, accuracy for multiclass, R² for regression) and
fidelity to the teacher of the study (agreement, or R² to its predictions) are
written to ``benchmarks/results/family_a.csv``. Every model runs on one
thread: LightGBM's threads slow down badly on a busy machine.

Run from the repository root:
``python -m benchmarks.bench_family [--trees N] [datasets...]``.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import log_loss, root_mean_squared_error
from sklearn.model_selection import ShuffleSplit
from sklearn.pipeline import make_pipeline

from skdistill import DistilledClassifier, DistilledRegressor, Specialist, TeacherEnsemble

from .common import load, quality, split, test_scores, pre_auto
from .panel import _lightgbm, _small_booster, encoder

RESULTS = Path(__file__).parent / "results" / "family_a.csv"
DATASETS = ["concrete", "digits", "hpc", "mlc_churn", "computers"]


def _tree(task, depth):
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    tree = DecisionTreeRegressor if task == "regression" else DecisionTreeClassifier
    return make_pipeline(encoder(), tree(max_depth=depth, random_state=0))


def _forest(task):
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

    forest = RandomForestRegressor if task == "regression" else RandomForestClassifier
    return make_pipeline(encoder(), forest(n_estimators=300, min_samples_leaf=2, n_jobs=1,
                                           random_state=0))


def _distiller(task):
    return pre_auto(DistilledRegressor if task == "regression" else DistilledClassifier)


class Split:
    """A dataset's train/test split and the scores of a model on its test rows."""

    def __init__(self, name):
        X, y, self.task = load(name)
        self.name = name
        self.X_train, self.X_test, self.y_train, self.y_test = split(X, y, self.task)

    def scores(self, fitted, reference=None):
        """Test scores of ``fitted``, with fidelity to ``reference``'s test predictions."""
        return test_scores(fitted, self.X_test, self.y_test, self.task, reference)

    def row(self, study, model, variant, fitted, reference=None, **extra):
        """One result row: test quality, and fidelity to ``reference``'s test predictions."""
        scores = self.scores(fitted, reference)
        row = {"dataset": self.name, "study": study, "model": model, "variant": variant,
               "quality": quality(scores, self.task)}
        if reference is not None:
            row["fidelity"] = scores["fidelity"]
        return {**row, **extra}


def assistant_rows(split, n_trees):
    task = split.task
    teacher = _lightgbm(task, n_estimators=n_trees, num_leaves=63, learning_rate=0.05,
                        n_jobs=1, random_state=0).fit(split.X_train, split.y_train)
    reference = teacher.predict(split.X_test)
    labels = _tree(task, 3).fit(split.X_train, split.y_train)
    rows = [split.row("assistant", f"lgbm{n_trees}x63", "teacher", teacher, reference),
            split.row("assistant", "tree3", "labels", labels, reference)]
    assistants = {"direct": None, "via tree6": _tree(task, 6), "via tree8": _tree(task, 8),
                  "via lgbm50x15": _small_booster(task).set_params(n_jobs=1)}
    for alpha in (0.5, 1.0):
        for variant, assistant in assistants.items():
            model = _distiller(task)(teacher, _tree(task, 3), assistant=assistant, alpha=alpha,
                                     random_state=0).fit(split.X_train, split.y_train)
            rows.append(split.row("assistant", "tree3", f"{variant}, alpha {alpha}", model,
                                  reference))
    return rows


def _members(task):
    from sklearn.linear_model import LogisticRegression, Ridge

    linear = Ridge() if task == "regression" else LogisticRegression(max_iter=2000)
    return [_lightgbm(task, n_estimators=300, learning_rate=0.05, n_jobs=1, random_state=0),
            _forest(task), make_pipeline(encoder(), linear)]


def _test_loss(split, ensemble):
    """Log-loss (classification) or RMSE (regression) of the ensemble on the test rows."""
    if split.task == "regression":
        return root_mean_squared_error(split.y_test, ensemble.predict(split.X_test))
    return log_loss(split.y_test, ensemble.predict_proba(split.X_test),
                    labels=ensemble.classes_)


def weights_rows(split):
    variants = {"equal": {}, "learned, 20% held out": {
        "weights": "learn", "cv": ShuffleSplit(1, test_size=0.2, random_state=0)},
        "learned, 5 folds": {"weights": "learn", "cv": 5}}
    rows = []
    for variant, params in variants.items():
        start = time.perf_counter()
        ensemble = TeacherEnsemble(_members(split.task), **params)
        ensemble.set_params(random_state=0).fit(split.X_train, split.y_train)
        seconds = time.perf_counter() - start
        weights = getattr(ensemble, "weights_", np.full(3, 1 / 3))
        label = f"{variant} ({'/'.join(f'{w:.2f}' for w in weights)})"
        reference = ensemble.predict(split.X_test)
        student = _distiller(split.task)(ensemble, _tree(split.task, 6), random_state=0)
        student.fit(split.X_train, split.y_train)
        rows += [split.row("weights", "ensemble", label, ensemble, test_loss=_test_loss(
                     split, ensemble), fit_seconds=seconds),
                 split.row("weights", "tree6", label, student, reference)]
    return rows


def _worst_recalled(split, generalist):
    """At most four classes the generalist recalls worst in 3-fold CV.

    At least two classes are left to the dustbin: with one, the specialist
    would be the generalist relabelled.
    """
    from sklearn.metrics import recall_score
    from sklearn.model_selection import cross_val_predict

    predicted = cross_val_predict(_forest(split.task), split.X_train, split.y_train, cv=3)
    recall = recall_score(split.y_train, predicted, average=None, labels=generalist.classes_)
    return generalist.classes_[np.argsort(recall)[:min(4, len(recall) - 2)]]


def specialist_rows(split):
    generalist = _forest(split.task).fit(split.X_train, split.y_train)
    worst = _worst_recalled(split, generalist)
    named = "/".join(map(str, worst))
    variants = {"generalist": [generalist]}
    for share, label in ((None, "all rows"), (0.5, "dustbin 50%")):
        specialist = Specialist(_forest(split.task), classes=worst, dustbin_share=share,
                                random_state=0)
        variants[f"+ specialist {named} ({label})"] = [generalist, specialist]
    rows = []
    for variant, members in variants.items():
        ensemble = TeacherEnsemble(members, random_state=0).fit(split.X_train, split.y_train)
        reference = ensemble.predict(split.X_test)
        student = pre_auto(DistilledClassifier)(ensemble, _tree(split.task, 6), random_state=0)
        student.fit(split.X_train, split.y_train)
        rows += [split.row("specialists", "ensemble", variant, ensemble,
                           test_loss=_test_loss(split, ensemble)),
                 split.row("specialists", "tree6", variant, student, reference)]
    return rows


def run_dataset(name, n_trees):
    split = Split(name)
    rows = assistant_rows(split, n_trees)
    rows += weights_rows(split)
    if split.task == "multiclass":
        rows += specialist_rows(split)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", default=DATASETS)
    parser.add_argument("--trees", type=int, default=1000, help="trees of the LightGBM teacher")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    rows = []
    for name in args.datasets:
        start = time.perf_counter()
        rows += run_dataset(name, args.trees)
        pd.DataFrame(rows).to_csv(args.results, index=False)
        print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True)
    frame = pd.DataFrame(rows)
    print(frame.round(4).to_string(index=False))
    return frame


if __name__ == "__main__":
    main()
