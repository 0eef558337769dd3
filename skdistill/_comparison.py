"""One comparison report: teacher, distilled student and the student fit on labels.

Scores, calibration, fidelity to the teacher, size and latency on the user's
held-out rows, in one table — the one every distillation user builds by hand.
"""

import pickle
import time

import numpy as np
from sklearn.base import clone, is_regressor
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    log_loss,
    mean_absolute_error,
    r2_score,
    roc_auc_score,
)
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils.validation import _num_samples, check_is_fitted

from ._optional import import_optional
from ._seeding import seed_unset_random_states
from ._tabular_students import student_for_input
from ._fitting import final_step
from ._teacher_outputs import teacher_logits, teacher_predict, teacher_predictions, teacher_proba
from .metrics import expected_calibration_error, fidelity_score, teacher_student_kl

_LATENCY_ROWS = 10_000
_SINGLE_ROW_REPEATS = 50
_BATCH_REPEATS = 3


def compare(distilled, X_test, y_test, *, X_train=None, y_train=None, n_bins=10,
            retention_of=None, random_state=0):
    """Teacher, distilled student and the same student fit on labels, side by side.

    On the rows ``X_test, y_test`` (held out from every fit): the score
    (accuracy or R²), for classifiers ROC AUC (one-vs-rest, macro, for more
    than two classes), log loss, Brier score and expected calibration error
    (:func:`~skdistill.metrics.expected_calibration_error`, equal-width bins;
    top-label for more than two classes), fidelity to the teacher (agreement,
    or R² to its predictions) and KL divergence to it
    (:func:`~skdistill.metrics.teacher_student_kl`), the pickled size, the
    time to predict a batch of 10,000 rows (drawn from ``X_test``; median of
    3) and one row (median of 50), and the retention: each model's score over
    the teacher's. Times are measured on this machine in this call: compare
    them with each other, not across machines.

    Parameters
    ----------
    distilled : DistilledClassifier or DistilledRegressor
        A fitted distiller, its teacher attached.
    X_test, y_test : array-like or DataFrame, and array-like
        Held-out rows and their labels or targets.
    X_train, y_train : array-like or DataFrame, and array-like, default=None
        The training rows: when given, a fresh copy of the distiller's
        student (``clone`` of ``student``, or the default student for these
        rows) is fit on ``X_train, y_train`` alone, with the distiller's
        ``random_state``, and joins the report as ``student on labels``.
    n_bins : int, default=10
        Bins of the calibration error.
    retention_of : str, default=None
        The column whose ratio to the teacher's is the retention:
        ``"accuracy"`` (``None`` for a classifier), ``"roc_auc"``, or
        ``"r2"`` (``None`` for a regressor).
    random_state : int, RandomState instance or None, default=0
        Draws the rows of the latency batch.

    Returns
    -------
    report : ComparisonReport
        ``report.table`` is a DataFrame with one row per model; ``print`` it
        or show it in a notebook.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skdistill import DistilledClassifier
    >>> from skdistill.inspection import compare
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> forest = RandomForestClassifier(n_estimators=50, random_state=0).fit(X_train, y_train)
    >>> distilled = DistilledClassifier(
    ...     forest, DecisionTreeClassifier(max_depth=3), random_state=0).fit(X_train, y_train)
    >>> report = compare(distilled, X_test, y_test, X_train=X_train, y_train=y_train)
    >>> report.table.index.tolist()
    ['teacher', 'distilled student', 'student on labels']
    >>> report.table.loc["teacher", ["fidelity", "retention"]].tolist()
    [1.0, 1.0]
    """
    check_is_fitted(distilled, "student_")
    pd = import_optional("pandas")
    classifier = hasattr(distilled, "classes_")
    if retention_of is None:
        retention_of = "accuracy" if classifier else "r2"
    models = _models(distilled, X_train, y_train)
    reference = _Reference(distilled, X_test, classifier)
    rows = {name: {**reference.scores(model, X_test, y_test, n_bins),
                   **_cost(model, distilled, X_test, random_state)}
            for name, model in models.items()}
    table = pd.DataFrame.from_dict(rows, orient="index")
    if retention_of not in table:
        raise ValueError(
            f"retention_of={retention_of!r} is not a score of the report; pass one of "
            f"{[c for c in ('accuracy', 'roc_auc', 'r2') if c in table]}."
        )
    table["retention"] = table[retention_of] / table.loc["teacher", retention_of]
    return ComparisonReport(table, retention_of, _num_samples(X_test))


class ComparisonReport:
    """The table of :func:`compare`, readable as text and in a notebook.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model, one column per measure.
    retention_of : str
        The score the retention is the ratio of.
    n_rows : int
        Number of held-out rows scored.

    Attributes
    ----------
    table : pandas.DataFrame
        The numbers.
    """

    def __init__(self, table, retention_of, n_rows):
        self.table = table
        self.retention_of = retention_of
        self.n_rows = n_rows

    def _caption(self):
        return (f"On {self.n_rows} held-out rows; retention is {self.retention_of} over the "
                "teacher's; latencies measured here, in ms, to compare with each other.")

    def __repr__(self):
        return self.table.to_string(float_format=lambda v: f"{v:.4g}") + "\n" + self._caption()

    def _repr_html_(self):
        html = self.table.to_html(float_format=lambda v: f"{v:.4g}")
        return f"{html}<p>{self._caption()}</p>"


def _models(distilled, X_train, y_train):
    """The models to compare, by name: teacher, distilled, on labels when rows are given."""
    models = {"teacher": None, "distilled student": distilled}
    if (X_train is None) != (y_train is None):
        raise ValueError(
            "Pass both X_train and y_train, to fit the student on labels, or neither."
        )
    if X_train is not None:
        student = student_for_input(distilled.student, distilled._default_student(), X_train)
        if hasattr(distilled, "classes_") and is_regressor(final_step(student)):
            raise ValueError(
                f"The student {type(final_step(student)).__name__} is a regressor that learns "
                "the teacher's probabilities; on labels alone it has none to learn. Leave "
                "X_train and y_train out, or compare a classifier student."
            )
        on_labels = seed_unset_random_states(clone(student), distilled.random_state)
        models["student on labels"] = on_labels.fit(X_train, y_train)
    return models


class _Reference:
    """The teacher's outputs on the held-out rows, and each model's scores against them."""

    def __init__(self, distilled, X, classifier):
        self.distilled, self.classifier = distilled, classifier
        self.labels = teacher_predict(distilled, X)
        if classifier:
            self.proba = teacher_proba(distilled, X)

    def outputs(self, model, X):
        """Labels and probabilities (or predictions) of ``model``; None is the teacher."""
        if model is None:
            return self.labels, self.proba if self.classifier else self.labels
        if not self.classifier:
            prediction = np.asarray(model.predict(X), dtype=np.float64)
            return prediction, prediction
        proba = np.zeros((_num_samples(X), len(self.distilled.classes_)))
        own = model.predict_proba(X)
        classes = getattr(model, "classes_", self.distilled.classes_)
        if not np.isin(classes, self.distilled.classes_).all():
            raise ValueError(
                f"The student fit on y_train knows the classes {list(classes)[:10]}, not all "
                f"among the distiller's {self.distilled.classes_.tolist()[:10]}: pass the "
                "labels the distiller was fitted on."
            )
        columns = np.searchsorted(self.distilled.classes_, classes)
        proba[:, columns] = own
        return model.predict(X), proba

    def scores(self, model, X, y, n_bins):
        labels, proba = self.outputs(model, X)
        if not self.classifier:
            return {"r2": r2_score(y, labels), "mae": mean_absolute_error(y, labels),
                    "fidelity": fidelity_score(self.labels, labels)}
        if model is None:
            # The teacher against itself, by definition (KL computed with the
            # probability floor would come out a hair below 0).
            fidelity, kl = 1.0, 0.0
        else:
            fidelity = fidelity_score(self.labels, labels)
            kl = teacher_student_kl(self.proba, proba)
        classes = self.distilled.classes_
        binary = len(classes) == 2
        return {
            "accuracy": accuracy_score(y, labels),
            "roc_auc": (roc_auc_score(y, proba[:, 1]) if binary else
                        roc_auc_score(y, proba, multi_class="ovr", labels=classes)),
            "log_loss": log_loss(y, proba, labels=classes),
            "brier": brier_score_loss(y, proba, labels=classes),
            "ece": (expected_calibration_error(y, proba[:, 1], n_bins=n_bins, pos_label=classes[1])
                    if binary else expected_calibration_error(y, proba, n_bins=n_bins,
                                                              labels=classes)),
            "fidelity": fidelity,
            "kl_to_teacher": kl,
        }


def _cost(model, distilled, X, random_state):
    """Pickled size (kB) and prediction times (ms) of ``model``; None is the teacher."""
    if model is None:
        stored = distilled.teacher_
        if hasattr(distilled, "classes_"):
            def predict(rows):
                return teacher_logits(distilled.teacher_, rows, cache=False)
        else:
            def predict(rows):
                return teacher_predictions(distilled.teacher_, rows, cache=False)
    else:
        # What ships: a distiller without its teacher, or the label-fit student as it is.
        stored = model.without_teacher() if hasattr(model, "without_teacher") else model
        predict = model.predict_proba if hasattr(model, "predict_proba") else model.predict
    rng = check_random_state(random_state)
    batch = _safe_indexing(X, rng.randint(_num_samples(X), size=_LATENCY_ROWS))
    singles = [_safe_indexing(X, [i % _num_samples(X)]) for i in range(_SINGLE_ROW_REPEATS)]
    return {
        "pickled_kb": len(pickle.dumps(stored)) / 1000.0,
        "batch_ms": 1000.0 * np.median([_seconds(predict, batch) for _ in range(_BATCH_REPEATS)]),
        "row_ms": 1000.0 * np.median([_seconds(predict, row) for row in singles]),
    }


def _seconds(predict, rows):
    start = time.perf_counter()
    predict(rows)
    return time.perf_counter() - start
