"""Options the distillers do not have yet, fed through their public API (swap for the real ones).

The defaults benchmark measures options that are still being wired into
``DistilledClassifier`` / ``DistilledRegressor``: out-of-bag and out-of-fold
teacher outputs on the training rows, a per-row temperature, confidence
weights, and the calibration fix for tree students. Until they are
parameters, this module is the one place that emulates them:

- :func:`known_outputs_teacher` is the teacher the distiller is given. It
  answers, for row sets it knows (the training rows, each transfer set),
  outputs computed beforehand — the real teacher's, or out-of-bag /
  out-of-fold ones on the training rows, and for the per-row temperature the
  logits scaled by ``T / T_i`` (so that the distiller's ``softmax(z / T)``
  is ``softmax(z_honest / T_i)``) — and the real teacher's outputs on any
  other rows. Rows are recognised by content (one hash per row), so the
  timed fit is the distiller's own work: the teacher's inference is timed
  once per row set and added by the benchmark.
- Confidence weights reach the student as ``sample_weight``.
- :func:`leaf_values_at_t1` / :func:`calibrated_tree_proba` prototype the
  calibration fix for tree students: each leaf's class distribution set to
  the weighted mean of the T = 1 blended targets of the rows in the leaf,
  instead of sharpening the leaf's average of tempered targets.

When the parameters land, the benchmark's ``distiller_for`` passes them
instead and this module goes.
"""

import numpy as np
import pandas as pd
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from skdistill._row_adaptive import row_temperatures
from skdistill._soft_targets import blend
from skdistill._teacher_outputs import teacher_classes, teacher_logits, teacher_predictions


def row_hashes(X):
    """One hash per row, from its values alone (not from the index or the memory layout)."""
    frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X))
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


class _KnownOutputs(BaseEstimator):
    """Outputs given for known row sets, the wrapped teacher's for any other rows.

    The distiller asks for its rows in chunks (consecutive slices): a query is
    answered from a known set when its rows are a consecutive run of that set.
    """

    def __init__(self, teacher, known):
        self.teacher = teacher
        self.known = known

    def fit(self, X=None, y=None):
        """Index the known row sets (``known`` holds ``(rows, outputs)`` pairs)."""
        self.sets_ = [(row_hashes(rows), np.asarray(outputs)) for rows, outputs in self.known]
        return self

    def _answer(self, X, ask_teacher):
        hashes = row_hashes(X)
        for known_hashes, outputs in self.sets_:
            for start in np.flatnonzero(known_hashes == hashes[0]):
                stop = start + len(hashes)
                if np.array_equal(known_hashes[start:stop], hashes):
                    return outputs[start:stop]
        return ask_teacher(X)


class KnownOutputsClassifier(ClassifierMixin, _KnownOutputs):
    """A fitted classifier teacher whose logits on known row sets are given."""

    def fit(self, X=None, y=None):
        super().fit(X, y)
        self.classes_ = teacher_classes(self.teacher)
        return self

    def decision_function(self, X):
        """Logits, columns in the teacher's class order."""
        return self._answer(X, lambda rows: teacher_logits(self.teacher, rows, cache=False))


class KnownOutputsRegressor(RegressorMixin, _KnownOutputs):
    """A fitted regression teacher whose predictions on known row sets are given."""

    def predict(self, X):
        """Predictions."""
        return self._answer(X, lambda rows: teacher_predictions(self.teacher, rows, cache=False))


def known_outputs_teacher(task, teacher, known):
    """A fitted teacher for ``task`` answering ``known`` ((rows, outputs) pairs) as given."""
    kind = KnownOutputsRegressor if task == "regression" else KnownOutputsClassifier
    return kind(teacher, known).fit()


def row_tempered(logits, temperature, base_temperature):
    """Logits the distiller's ``softmax(z / temperature)`` turns into ``softmax(logits / T_i)``.

    ``T_i`` are TabTune's per-row temperatures around ``base_temperature``
    (:func:`skdistill._row_adaptive.row_temperatures`), from the row's
    probabilities at T = 1.
    """
    per_row = row_temperatures(softmax(logits, axis=1), base_temperature)
    return logits * (temperature / per_row)[:, None]


def leaf_values_at_t1(tree_pipeline, parts, n_classes):
    """Each leaf's class distribution: the weighted mean of its rows' T = 1 blended targets.

    Parameters
    ----------
    tree_pipeline : Pipeline or DecisionTreeClassifier
        The fitted tree student (a Pipeline's leading steps transform the rows).
    parts : list of (X, logits, y_codes or None, alpha, weights)
        The rows the tree learned from: the real rows (labels blended in with
        ``alpha``) and the transfer rows (``y_codes`` None: teacher only), with
        their sample weights.
    n_classes : int
        Columns of the distributions (the distiller's classes).

    Returns
    -------
    table : ndarray of shape (n_nodes, n_classes)
        Row ``leaf`` holds that leaf's distribution (other nodes stay 0).
    """
    tree = tree_step(tree_pipeline)
    table = np.zeros((tree.tree_.node_count, n_classes))
    for X, logits, y_codes, alpha, weights in parts:
        targets = softmax(logits, axis=1)
        if y_codes is not None:
            targets = blend(targets, y_codes, alpha, overwrite=True)
        leaves = tree.apply(tree_input(tree_pipeline, X))
        np.add.at(table, leaves, targets * np.asarray(weights, dtype=np.float64)[:, None])
    totals = table.sum(axis=1, keepdims=True)
    return np.divide(table, totals, out=np.zeros_like(table), where=totals > 0)


def calibrated_tree_proba(tree_pipeline, table, X):
    """Class probabilities of a tree student read from ``table`` (:func:`leaf_values_at_t1`)."""
    tree = tree_step(tree_pipeline)
    return table[tree.apply(tree_input(tree_pipeline, X))]


def tree_step(model):
    """The tree of a tree student: a Pipeline's last step, or the model."""
    return model.steps[-1][1] if hasattr(model, "steps") else model


def tree_input(model, X):
    """``X`` as the tree of ``model`` sees it (through a Pipeline's leading steps)."""
    return model[:-1].transform(X) if hasattr(model, "steps") and len(model.steps) > 1 else X
