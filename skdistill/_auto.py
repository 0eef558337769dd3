"""The "auto" defaults: what each student family gets unless told otherwise, from the evidence.

``alpha``, ``temperature``, ``augment``, ``augment_size``, ``transfer_weight``
and ``cv`` default to ``"auto"``, resolved at fit from the student's family
and capacity and from the teacher's situation (fitted before, or fitted
inside ``fit``; bagged or not) by the small table below. Every entry is the
setting chosen on the benchmark panel by leave-one-dataset-out
(``benchmarks/bench_defaults.py``, ``benchmarks/defaults_report.py``; the
figures are in the benchmarks page); a family no benchmark measured keeps
the settings the distillers always had. Explicit values always win.
"""

from dataclasses import dataclass, fields, replace
from numbers import Integral

import numpy as np
from scipy.sparse import issparse
from sklearn.base import is_classifier
from sklearn.ensemble._forest import BaseForest
from sklearn.frozen import FrozenEstimator
from sklearn.tree._classes import BaseDecisionTree

from ._fitting import final_step
from ._optional import comes_from
from ._torch import is_skorch_net

AUTO = "auto"


@dataclass(frozen=True)
class Settings:
    """One row of the table: the values the ``"auto"`` parameters resolve to."""

    alpha: float = 0.5
    temperature: float = 1.0
    augment: object = None
    augment_size: float = 5.0
    transfer_weight: float = 1.0
    cv: object = None


# The settings the distillers had before "auto": a family nothing was measured on keeps them.
UNMEASURED = Settings()


def student_family(student):
    """``(family, depth)`` of a student (or a Pipeline's last step).

    Families: ``"tree"`` (with its ``max_depth``, None when unbounded),
    ``"lightgbm"``, ``"linear"`` (scikit-learn's linear models), ``"mlp"``
    (our MLP students and skorch nets) and ``"other"`` (forests, other
    boosters, anything the benchmark did not measure).
    """
    model = final_step(student)
    if isinstance(model, BaseDecisionTree):
        return "tree", model.get_params()["max_depth"]
    if isinstance(model, BaseForest):
        return "other", None
    name = type(model).__name__
    if comes_from(model, "lightgbm"):
        return "lightgbm", None
    if type(model).__module__.startswith("sklearn.linear_model"):
        return "linear", None
    if name.startswith("MLPStudent") or is_skorch_net(model):
        return "mlp", None
    return "other", None


def teacher_situation(teacher, fitted_here):
    """``"prefit"``, ``"in_fit"``, or ``"in_fit_bagged"`` for a bagged teacher fitted here.

    Out-of-bag outputs are right only on the rows the teacher was fitted on:
    known for a teacher fitted in ``fit``, not for one fitted before.
    """
    if not fitted_here:
        return "prefit"
    return "in_fit_bagged" if _bags(teacher) else "in_fit"


def _bags(teacher):
    if isinstance(teacher, FrozenEstimator):
        teacher = teacher.estimator
    model = final_step(teacher)
    return bool(getattr(model, "bootstrap", False)) and hasattr(model, "estimators_samples_")


def table_entry(task, family, depth, situation, table):
    """The settings of the first rule of ``table`` that covers the fit, or :data:`UNMEASURED`."""
    for rule in table:
        if rule.covers(task, family, depth, situation):
            return rule.settings
    return UNMEASURED


@dataclass(frozen=True)
class Rule:
    """Settings for a task, a student family and depth range, and a teacher situation.

    ``situation=None`` covers every situation: ``"prefit"``, ``"in_fit"``,
    ``"in_fit_bagged"`` (see :func:`teacher_situation`).
    """

    task: str
    family: str
    settings: Settings
    situation: str = None
    min_depth: int = None
    max_depth: int = None

    def covers(self, task, family, depth, situation):
        if (task, family) != (self.task, self.family):
            return False
        if self.situation is not None and situation != self.situation:
            return False
        depth = float("inf") if depth is None else depth  # an unbounded tree is the deepest
        low = -float("inf") if self.min_depth is None else self.min_depth
        high = float("inf") if self.max_depth is None else self.max_depth
        return low <= depth <= high


# The rules chosen on the benchmark panel by leave-one-dataset-out
# (benchmarks/defaults_report.py; every entry, with its held-out gain, is in
# benchmarks/results/defaults_auto.json and tests/test_defaults.py checks that
# this table says the same). The first rule that covers a fit wins. Where
# nothing beat the labels out of sample (shallow trees, small boosters,
# linear models; regression trees up to depth 6) the entry is alpha = 0:
# the student learns the labels, and the teacher is not asked.
LABELS_ONLY = Settings(alpha=0.0)
AUTO_TABLE = (
    Rule("classification", "mlp", Settings(augment="resample", cv="oob"),
         situation="in_fit_bagged"),
    Rule("classification", "mlp", Settings(augment="resample")),
    Rule("classification", "tree", LABELS_ONLY, max_depth=4),
    Rule("classification", "tree", Settings(augment="munge", transfer_weight=2.0), min_depth=5),
    Rule("classification", "lightgbm", LABELS_ONLY),
    Rule("classification", "linear", LABELS_ONLY),
    Rule("regression", "mlp", Settings(augment="resample")),
    Rule("regression", "tree", LABELS_ONLY, max_depth=6),
    Rule("regression", "tree", Settings(augment="resample", augment_size=20.0), min_depth=7),
    Rule("regression", "lightgbm", LABELS_ONLY),
    Rule("regression", "linear", LABELS_ONLY),
)


def resolve(distiller, student, teacher, fitted_here, X, y, table):
    """The settings of a fit: the distiller's explicit values, ``"auto"`` ones from ``table``.

    An automatic choice that the data cannot carry is dropped: no transfer
    set on sparse X (augmenters take dense arrays and DataFrames), no
    out-of-fold outputs when a class has fewer rows than there are folds.
    """
    task = "classification" if is_classifier(distiller) else "regression"
    family, depth = student_family(student)
    chosen = table_entry(task, family, depth, teacher_situation(teacher, fitted_here), table)
    if issparse(X):
        chosen = replace(chosen, augment=None)
    if isinstance(chosen.cv, Integral) and not _holds_folds(y, chosen.cv, task):
        chosen = replace(chosen, cv=None)
    explicit = {field.name: getattr(distiller, field.name) for field in fields(Settings)
                if hasattr(distiller, field.name)
                and not _is_auto(getattr(distiller, field.name))}
    return replace(chosen, **explicit)


def _holds_folds(y, n_folds, task):
    if task == "regression":
        return len(y) >= 2 * n_folds
    return np.unique(y, return_counts=True)[1].min() >= n_folds


def _is_auto(value):
    return isinstance(value, str) and value == AUTO
