"""Which defaults earn their keep: every option's gain over the labels, per student family.

For every dataset of the panel (``PANEL``: seven classification and four
regression sets; 75/25 split, stratified for classification, at most
``--max-train-rows`` training and ``--max-test-rows`` test rows), every seed
(the split, the teachers and the students all follow it), two teachers
(LightGBM, 500 trees x 31 leaves at learning rate 0.05; a 300-tree random
forest behind an ordinal encoder) and every student family (decision trees of
depth 4, 6 and 8 behind an ordinal encoder; a 50 x 15 LightGBM booster;
logistic or ridge regression behind one-hot encoding and scaling; the MLP of
``make_mlp_student``), the student is fit on the labels alone, and distilled
with each option of ``OPTIONS`` its family is given (``FAMILY_OPTIONS``):

- ``old``: the defaults so far (T = 1, alpha = 0.5, no transfer set);
- ``a0.8``, ``a1``: alpha; ``T2``, ``T4``: temperature (classification);
- ``resample1`` .. ``munge20``: a transfer set of 1, 5 or 20 times the
  training rows from ``ColumnResample`` or ``Munge``; ``+tw0.5``, ``+tw2``:
  its ``transfer_weight``;
- ``oob``: the forest teacher's out-of-bag outputs on the training rows;
  ``oof``: out-of-fold outputs of 5 clones of the teacher's configuration
  (a prefit teacher; the same outputs serve the teacher fitted inside
  ``fit``, which only adds the teacher's fit to the cost);
- ``rowT``: TabTune's per-row temperature around T = 2; ``conf``: its
  confidence weights; ``tabtune``: its defaults (out-of-fold outputs, per-row
  temperature around 3, confidence weights, alpha 0.7);
- ``active5``, ``active20``: a MUNGE transfer set drawn mostly inside the
  leaves a tree distilled without one copies worst (``active_sampling``);
- and the combinations named with ``+``.

Options the distillers do not have yet go through their public API by way of
``option_emulation``. Every row of ``benchmarks/results/defaults.csv`` is one
cell (dataset, seed, teacher, student, option) with the test accuracy, AUC,
log loss and ECE (classification) or R² (regression), fidelity to the
teacher, ``points`` (100 x accuracy or R²), and the cost of the fit in parts:
``fit_seconds`` (the distiller's fit, the teacher's answers known in
advance), ``teacher_seconds`` (the teacher's inference on the rows it labels,
timed once per row set), ``honest_seconds`` (out-of-bag or out-of-fold
outputs in place of the inference on the training rows), ``draw_seconds``
(drawing the transfer set) and ``teacher_fit_seconds``. Tree students of
classifiers also get ``*_after`` scores: their leaves set to the T = 1
blended targets of their rows (the calibration fix prototyped in
``option_emulation``). Everything runs on one thread.

Run from the repository root; cells already in the CSV are skipped, so a
stopped run resumes::

    OMP_NUM_THREADS=1 nohup nice -n 10 python -m benchmarks.bench_defaults > defaults.log &
    python -m benchmarks.bench_defaults --datasets hpc,concrete --seeds 0 --results pilot.csv

``python -m benchmarks.defaults_report`` then chooses the table.
"""

import argparse
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier, LGBMRegressor
from scipy.special import softmax
from sklearn.base import clone
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import (
    ColumnResample,
    DistilledClassifier,
    DistilledRegressor,
    Munge,
    make_mlp_student,
    teacher_output_cache,
)
from skdistill._honest_outputs import out_of_bag_outputs, out_of_fold_outputs
from skdistill._row_adaptive import confidence_weights
from skdistill._teacher_outputs import teacher_logits, teacher_predictions

from .active_sampling import active_transfer_rows, leaf_infidelity
from .common import is_classification, load, pin_threads, probability_scores, split, test_scores, pre_auto
from .common import timed_fit
from .option_emulation import (
    calibrated_tree_proba,
    known_outputs_teacher,
    leaf_values_at_t1,
    row_tempered,
)
from .panel import encoder

RESULTS = Path(__file__).parent / "results" / "defaults.csv"
# Smallest first: a long run has the most datasets done soonest.
PANEL = {"breast_cancer": "binary", "concrete": "regression", "digits": "multiclass",
         "hpc": "multiclass", "mlc_churn": "binary", "computers": "regression",
         "mnist_5k": "multiclass", "adult": "binary", "diamonds": "regression",
         "flights_delayed": "binary", "flights_delay_minutes": "regression"}
KEY = ["dataset", "seed", "teacher", "student", "option"]
COLUMNS = [*KEY, "task", "n_train", "n_test", "points", "accuracy", "auc", "log_loss", "ece",
           "r2", "fidelity", "fit_seconds", "teacher_seconds", "honest_seconds", "draw_seconds",
           "teacher_fit_seconds", "in_sample_rows", "accuracy_after", "auc_after",
           "log_loss_after", "ece_after"]
GENERATORS = {"munge": Munge, "resample": ColumnResample}
TREE_DEPTHS = {"tree4": 4, "tree6": 6, "tree8": 8}


@dataclass(frozen=True)
class Option:
    """One way of distilling: the distiller's settings and the options emulated around it."""

    alpha: float = 0.5
    temperature: float = 1.0
    transfer: str = None
    size: int = 0
    transfer_weight: float = 1.0
    honest: str = None
    row_temperature: float = None
    confidence: bool = False
    active: bool = False

    def applies(self, task, teacher_name):
        if self.honest == "oob" and teacher_name != "forest":
            return False
        classification_only = (self.temperature != 1.0 or self.row_temperature is not None
                               or self.confidence)
        return is_classification(task) or not classification_only


def _transfer(name, size, **more):
    return Option(transfer=name, size=size, **more)


OPTIONS = {
    # alpha = 0 is the label-fit student itself (the teacher is not even asked):
    # never run, its cells are the "labels" cells (defaults_report.cells).
    "a0": Option(alpha=0.0),
    "old": Option(),
    "a0.8": Option(alpha=0.8),
    "a1": Option(alpha=1.0),
    "T2": Option(temperature=2.0),
    "T4": Option(temperature=4.0),
    **{f"{name}{size}": _transfer(name, size) for name in GENERATORS for size in (1, 5, 20)},
    "oob": Option(honest="oob"),
    "oof": Option(honest="oof"),
    "oob+a1": Option(honest="oob", alpha=1.0),
    "oof+a1": Option(honest="oof", alpha=1.0),
    "munge5+tw0.5": _transfer("munge", 5, transfer_weight=0.5),
    "munge5+tw2": _transfer("munge", 5, transfer_weight=2.0),
    "oob+munge5": _transfer("munge", 5, honest="oob"),
    "oof+munge5": _transfer("munge", 5, honest="oof"),
    "oob+munge20": _transfer("munge", 20, honest="oob"),
    "oof+munge20": _transfer("munge", 20, honest="oof"),
    "oob+resample5": _transfer("resample", 5, honest="oob"),
    "oof+resample5": _transfer("resample", 5, honest="oof"),
    "rowT": Option(temperature=2.0, row_temperature=2.0),
    "conf": Option(confidence=True),
    "rowT+conf": Option(temperature=2.0, row_temperature=2.0, confidence=True),
    "tabtune": Option(alpha=0.7, temperature=3.0, row_temperature=3.0, confidence=True,
                      honest="oof"),
    "active5": _transfer("munge", 5, active=True),
    "active20": _transfer("munge", 20, active=True),
}
_SHARED = ["old", "a0.8", "a1", "T2", "T4", "resample1", "resample5", "munge1", "munge5",
           "munge5+tw0.5", "munge5+tw2", "oob", "oob+a1", "oof", "oof+a1", "oob+munge5",
           "oof+munge5", "rowT", "conf", "rowT+conf", "tabtune"]
# The MLP's fits are the expensive ones: it gets the settings earlier runs found
# worth trying for it (column resampling as transfer set, no MUNGE, no 1x sets).
FAMILY_OPTIONS = {
    "tree4": _SHARED,
    "tree6": [*_SHARED, "active5"],
    "tree8": [*_SHARED, "resample20", "munge20", "oob+munge20", "oof+munge20", "active5",
              "active20"],
    "booster": _SHARED,
    "linear": _SHARED,
    "mlp": ["old", "a1", "T2", "T4", "resample5", "oob", "oof", "oob+a1", "oof+a1",
            "oob+resample5", "oof+resample5", "rowT+conf", "tabtune"],
}


def ordinal_encoder():
    """Categories as integer codes (unknown and missing ones -1) for scikit-learn trees."""
    return make_column_transformer(
        (OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                        encoded_missing_value=-1),
         make_column_selector(dtype_include=["category", "object"])),
        remainder="passthrough",
    )


def teachers(task, seed):
    """The two teachers, unfitted, on one thread each."""
    if is_classification(task):
        booster = LGBMClassifier
        forest = RandomForestClassifier(300, n_jobs=1, random_state=seed)
    else:
        booster = LGBMRegressor
        forest = RandomForestRegressor(300, max_features=0.5, n_jobs=1, random_state=seed)
    lgbm = booster(n_estimators=500, num_leaves=31, learning_rate=0.05, n_jobs=1, verbose=-1,
                   random_state=seed)
    return {"lgbm": lgbm, "forest": make_pipeline(ordinal_encoder(), forest)}


def students(task, seed):
    """The student families, unfitted."""
    classification = is_classification(task)
    tree = DecisionTreeClassifier if classification else DecisionTreeRegressor
    booster = LGBMClassifier if classification else LGBMRegressor
    linear = LogisticRegression(max_iter=2000) if classification else Ridge()
    return {
        **{name: make_pipeline(ordinal_encoder(), tree(max_depth=depth, random_state=seed))
           for name, depth in TREE_DEPTHS.items()},
        # Learning rate 0.2: fifty trees underfit at 0.1 (see panel._small_booster).
        "booster": booster(n_estimators=50, num_leaves=15, learning_rate=0.2, n_jobs=1,
                           verbose=-1, random_state=seed),
        "linear": make_pipeline(encoder(), linear),
        "mlp": make_mlp_student("classification" if classification else "regression",
                                random_state=seed),
    }


def _timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


class Lab:
    """One dataset, split by one seed, with its transfer sets (drawn once, shared by teachers)."""

    def __init__(self, name, seed, max_train_rows, max_test_rows):
        X, y, self.task = load(name)
        self.name, self.seed = name, seed
        self.X_train, self.X_test, self.y_train, self.y_test = split(
            X, y, self.task, max_train_rows=max_train_rows, max_test_rows=max_test_rows,
            random_state=seed)
        self.X_train = self.X_train.reset_index(drop=True)
        self._transfer_sets = {}

    def transfer(self, generator, size):
        """``(rows, seconds to draw them)`` of a transfer set of ``size`` times the rows."""
        if (generator, size) not in self._transfer_sets:
            rows, seconds = _timed(GENERATORS[generator]().sample, self.X_train,
                                   size * len(self.X_train), random_state=self.seed)
            self._transfer_sets[generator, size] = (rows.reset_index(drop=True), seconds)
        return self._transfer_sets[generator, size]

    def row(self, **values):
        return {"dataset": self.name, "seed": self.seed, "task": self.task,
                "n_train": len(self.X_train), "n_test": len(self.X_test), **values}


class TeacherRun:
    """A teacher fitted on a lab's training rows, and its outputs on every row set, timed."""

    def __init__(self, lab, name, teacher):
        self.lab, self.name = lab, name
        self.teacher = teacher
        self.fit_seconds, _ = timed_fit(teacher, lab.X_train, lab.y_train)
        self.train_outputs, self.train_seconds = _timed(self.outputs, lab.X_train)
        self.test_prediction = teacher.predict(lab.X_test)
        self._honest, self._transfer = {}, {}

    def outputs(self, X):
        if is_classification(self.lab.task):
            return teacher_logits(self.teacher, X, cache=False)
        return teacher_predictions(self.teacher, X, cache=False)

    def honest(self, kind):
        """``(outputs, seconds, in-sample rows)`` of out-of-bag or out-of-fold outputs."""
        if kind not in self._honest:
            lab = self.lab
            if kind == "oob":
                (outputs, in_sample), seconds = _timed(out_of_bag_outputs, self.teacher,
                                                       lab.X_train)
                self._honest[kind] = (outputs, seconds, int(in_sample.sum()))
            else:
                outputs, seconds = _timed(out_of_fold_outputs, self.teacher, lab.X_train,
                                          lab.y_train, cv=5, random_state=lab.seed)
                self._honest[kind] = (outputs, seconds, 0)
        return self._honest[kind]

    def transfer_outputs(self, generator, size):
        """``(rows, outputs, seconds to draw, seconds to label)`` of a transfer set."""
        rows, draw_seconds = self.lab.transfer(generator, size)
        if (generator, size) not in self._transfer:
            self._transfer[generator, size] = _timed(self.outputs, rows)
        outputs, seconds = self._transfer[generator, size]
        return rows, outputs, draw_seconds, seconds

    def row(self, **values):
        return self.lab.row(teacher=self.name, teacher_fit_seconds=self.fit_seconds, **values)


@dataclass
class Lesson:
    """What one option hands the distiller, and what producing it cost."""

    teacher: object
    base_outputs: np.ndarray
    X_unlabeled: object = None
    transfer_outputs: np.ndarray = None
    sample_weight: np.ndarray = None
    teacher_seconds: float = 0.0
    honest_seconds: float = 0.0
    draw_seconds: float = 0.0
    in_sample_rows: int = 0


def lesson_for(run, option):
    """The teacher the distiller gets for ``option`` (emulated), and the cost parts."""
    lab, classification = run.lab, is_classification(run.lab.task)
    lesson = Lesson(teacher=None, base_outputs=run.train_outputs,
                    teacher_seconds=run.train_seconds)
    if option.honest:
        lesson.base_outputs, lesson.honest_seconds, lesson.in_sample_rows = run.honest(
            option.honest)
        lesson.teacher_seconds = 0.0
    known_train = lesson.base_outputs
    if option.row_temperature:
        known_train = row_tempered(known_train, option.temperature, option.row_temperature)
    known = [(lab.X_train, known_train)]
    if option.transfer and not option.active:
        rows, outputs, draw_seconds, label_seconds = run.transfer_outputs(option.transfer,
                                                                          option.size)
        lesson.X_unlabeled, lesson.transfer_outputs = rows, outputs
        lesson.draw_seconds, lesson.teacher_seconds = draw_seconds, (
            lesson.teacher_seconds + label_seconds)
        if option.row_temperature:
            outputs = row_tempered(outputs, option.temperature, option.row_temperature)
        known.append((rows, outputs))
    if option.confidence and classification:
        lesson.sample_weight = confidence_weights(softmax(lesson.base_outputs, axis=1))
    lesson.teacher = known_outputs_teacher(lab.task, run.teacher, known)
    return lesson


def distiller_for(task, teacher, student, option, seed):
    if is_classification(task):
        return pre_auto(DistilledClassifier)(teacher, student, temperature=option.temperature,
                                   alpha=option.alpha, transfer_weight=option.transfer_weight,
                                   random_state=seed)
    return pre_auto(DistilledRegressor)(teacher, student, alpha=option.alpha,
                              transfer_weight=option.transfer_weight, random_state=seed)


def _fit(distiller, lab, lesson):
    teacher_output_cache.clear()  # the known outputs answer; the cache would only fill memory
    seconds, _ = timed_fit(distiller, lab.X_train, lab.y_train,
                           sample_weight=lesson.sample_weight, X_unlabeled=lesson.X_unlabeled)
    return seconds


def distilled_cell(run, student_name, student, option_name):
    """The result row of one student distilled with one option."""
    lab, option = run.lab, OPTIONS[option_name]
    lesson = lesson_for(run, option)
    distiller = distiller_for(lab.task, lesson.teacher, student, option, lab.seed)
    if option.active:
        fit_seconds = _active_fit(run, distiller, lesson, option)
    else:
        fit_seconds = _fit(distiller, lab, lesson)
    scores = test_scores(distiller, lab.X_test, lab.y_test, lab.task, run.test_prediction)
    if student_name in TREE_DEPTHS and is_classification(lab.task):
        scores.update(_calibrated_scores(distiller, lab, lesson, option))
    return run.row(student=student_name, option=option_name, **_points(scores, lab.task),
                   fit_seconds=fit_seconds, teacher_seconds=lesson.teacher_seconds,
                   honest_seconds=lesson.honest_seconds, draw_seconds=lesson.draw_seconds,
                   in_sample_rows=lesson.in_sample_rows)


def _points(scores, task):
    headline = scores["accuracy"] if is_classification(task) else scores["r2"]
    return {**scores, "points": 100 * headline}


def _active_fit(run, distiller, lesson, option):
    """Distil without a transfer set, draw one where the tree copies worst, distil again.

    ``lesson`` gains the rows and the cost of drawing and labelling them.
    """
    lab = run.lab
    first = clone(distiller)
    seconds = _fit(first, lab, lesson)
    if is_classification(lab.task):
        teacher_side = softmax(lesson.base_outputs, axis=1)
        student_side = first.predict_proba(lab.X_train)
    else:
        teacher_side, student_side = lesson.base_outputs, first.predict(lab.X_train)
    infidelity, counts = leaf_infidelity(first.student_, lab.X_train, teacher_side,
                                         student_side, lab.task)
    rows, draw_seconds = active_transfer_rows(first.student_, lab.X_train, infidelity, counts,
                                              option.size * len(lab.X_train), lab.seed)
    outputs, label_seconds = _timed(run.outputs, rows)
    lesson.X_unlabeled, lesson.transfer_outputs = rows, outputs
    lesson.draw_seconds = draw_seconds
    lesson.teacher_seconds += label_seconds
    lesson.teacher = known_outputs_teacher(lab.task, run.teacher,
                                           [(lab.X_train, lesson.base_outputs), (rows, outputs)])
    distiller.set_params(teacher=lesson.teacher)
    return seconds + _fit(distiller, lab, lesson)


def _calibrated_scores(distiller, lab, lesson, option):
    """Test scores of the tree with its leaves at the T = 1 blended targets of its rows."""
    classes = distiller.classes_
    weights = (np.ones(len(lab.y_train)) if lesson.sample_weight is None
               else lesson.sample_weight)
    parts = [(lab.X_train, lesson.base_outputs, np.searchsorted(classes, lab.y_train),
              option.alpha, weights)]
    if lesson.X_unlabeled is not None:
        # The transfer rows share transfer_weight times the real rows' total weight.
        n_extra = len(lesson.X_unlabeled)
        parts.append((lesson.X_unlabeled, lesson.transfer_outputs, None, 1.0,
                      np.full(n_extra, option.transfer_weight * weights.sum() / n_extra)))
    table = leaf_values_at_t1(distiller.student_, parts, len(classes))
    proba = calibrated_tree_proba(distiller.student_, table, lab.X_test)
    found = probability_scores(lab.y_test, proba, classes)
    found["accuracy"] = np.mean(classes[proba.argmax(axis=1)] == lab.y_test)
    return {f"{name}_after": value for name, value in found.items()}


def labels_cell(run, student_name, student):
    lab = run.lab
    model = clone(student)
    fit_seconds, _ = timed_fit(model, lab.X_train, lab.y_train)
    scores = test_scores(model, lab.X_test, lab.y_test, lab.task, run.test_prediction)
    return run.row(student=student_name, option="labels", fit_seconds=fit_seconds,
                   **_points(scores, lab.task))


def teacher_cell(run):
    lab = run.lab
    scores = test_scores(run.teacher, lab.X_test, lab.y_test, lab.task, run.test_prediction)
    return run.row(student="(teacher)", option="teacher", fit_seconds=run.fit_seconds,
                   teacher_seconds=run.train_seconds, **_points(scores, lab.task))


def planned_cells(task, teacher_name, student_names, option_names=None):
    """(student, option) of every cell of one teacher on one dataset, labels first.

    ``option_names`` keeps only those options (the teacher and labels cells stay).
    """
    cells = [("(teacher)", "teacher")]
    for student in student_names:
        cells.append((student, "labels"))
        cells += [(student, option) for option in FAMILY_OPTIONS[student]
                  if OPTIONS[option].applies(task, teacher_name)
                  and (option_names is None or option in option_names)]
    return cells


class Results:
    """The CSV of finished cells, appended to as cells finish."""

    def __init__(self, path):
        self.path = Path(path)
        self.done = set()
        if self.path.exists():
            frame = pd.read_csv(self.path)
            self.done = set(map(tuple, frame[KEY].astype(str).to_numpy()))

    def has(self, **key):
        return tuple(str(key[name]) for name in KEY) in self.done

    def add(self, row):
        frame = pd.DataFrame([row]).reindex(columns=COLUMNS)
        frame.to_csv(self.path, mode="a", header=not self.path.exists(), index=False)
        self.done.add(tuple(str(row[name]) for name in KEY))


def run_dataset(name, seed, args, results):
    lab = None
    for teacher_name in args.teachers:
        task = PANEL[name]
        todo = [(student, option) for student, option in
                planned_cells(task, teacher_name, args.students, args.options)
                if not results.has(dataset=name, seed=seed, teacher=teacher_name,
                                   student=student, option=option)]
        if not todo:
            continue
        lab = lab or Lab(name, seed, args.max_train_rows, args.max_test_rows)
        run = TeacherRun(lab, teacher_name, teachers(lab.task, seed)[teacher_name])
        print(f"{name} seed {seed} {teacher_name}: fit {run.fit_seconds:.1f} s, "
              f"{len(todo)} cells", flush=True)
        family = students(lab.task, seed)
        for student_name, option in todo:
            start = time.perf_counter()
            try:
                if option == "teacher":
                    row = teacher_cell(run)
                elif option == "labels":
                    row = labels_cell(run, student_name, family[student_name])
                else:
                    row = distilled_cell(run, student_name, family[student_name], option)
            except Exception:  # noqa: BLE001 (logged; a rerun retries the cell)
                print(f"  FAILED {student_name} {option}\n{traceback.format_exc()}", flush=True)
                continue
            results.add(row)
            print(f"  {student_name:8} {option:14} {row['points']:7.2f} points "
                  f"{time.perf_counter() - start:6.1f} s", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(PANEL))
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--teachers", default="lgbm,forest")
    parser.add_argument("--students", default=",".join(FAMILY_OPTIONS))
    parser.add_argument("--options", help="comma-separated: only these options (default: all)")
    parser.add_argument("--max-train-rows", type=int, default=20_000)
    parser.add_argument("--max-test-rows", type=int, default=20_000)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.teachers = args.teachers.split(",")
    args.students = args.students.split(",")
    args.options = args.options.split(",") if args.options else None
    pin_threads(1)
    results = Results(args.results)
    for name in args.datasets.split(","):
        for seed in map(int, args.seeds.split(",")):
            run_dataset(name, seed, args, results)


if __name__ == "__main__":
    main()
