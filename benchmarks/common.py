"""What every benchmark shares: loading a dataset, the split, one scorer, one timer, one thread.

- :func:`load` gives ``(X, y, task)`` for a panel dataset (``benchmarks.datasets``) or one
  bundled with scikit-learn (``diabetes``), ``task`` one of ``"binary"``, ``"multiclass"``,
  ``"regression"``.
- :func:`split` is the benchmarks' train/test split: stratified for classification, with the
  training (and test) rows capped.
- :func:`test_scores` scores a fitted model on rows with stable keys: ``accuracy``, ``auc``,
  ``log_loss`` and ``ece`` for classification, ``r2`` for regression, ``fidelity`` when the
  teacher's predictions are given; :func:`quality` picks the headline score of a task (AUC for
  binary, accuracy for multiclass, R² for regression).
- :func:`best_seconds` is the timer (best of ``repeats`` ``perf_counter`` runs), with
  :func:`batch_seconds` and :func:`row_seconds` for prediction latency and :func:`timed_fit`
  for a fit's seconds and peak traced memory.
- :func:`pin_threads` and :func:`with_n_jobs` keep torch, BLAS/OpenMP and LightGBM on the
  threads asked for: on a shared machine, one thread each is faster than threads spinning
  against other processes.
"""

import time
import tracemalloc

import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes
from sklearn.metrics import accuracy_score, log_loss, r2_score, roc_auc_score
from sklearn.model_selection import train_test_split

from skdistill.metrics import fidelity_score

from .datasets import LOADERS

QUALITY_KEY = {"binary": "auc", "multiclass": "accuracy", "regression": "r2"}


def load(name):
    """``(X DataFrame, y, task)`` of a panel dataset, or of scikit-learn's ``diabetes``."""
    if name == "diabetes":
        X, y = load_diabetes(return_X_y=True, as_frame=True)
        return X, y.to_numpy(), "regression"
    if name not in LOADERS:
        raise ValueError(f"Unknown dataset {name!r}; choose from {['diabetes', *LOADERS]}.")
    return LOADERS[name]()


def is_classification(task):
    return task != "regression"


def split(X, y, task, *, test_size=0.25, max_train_rows=None, max_test_rows=None,
          random_state=0):
    """``X_train, X_test, y_train, y_test``: a shuffled split, stratified for classification.

    The split is made on all rows first; then at most ``max_train_rows`` training and
    ``max_test_rows`` test rows are kept (a stratified subsample of each part), so the test
    rows of a capped run are still rows the training rows never saw.
    """
    stratify = y if is_classification(task) else None
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=stratify)
    X_train, y_train = _at_most(X_train, y_train, max_train_rows, task, random_state)
    X_test, y_test = _at_most(X_test, y_test, max_test_rows, task, random_state)
    return X_train, X_test, y_train, y_test


def _at_most(X, y, n_rows, task, random_state):
    if n_rows is None or len(y) <= n_rows:
        return X, y
    kept, _, y_kept, _ = train_test_split(
        X, y, train_size=n_rows, random_state=random_state,
        stratify=y if is_classification(task) else None)
    return kept, y_kept


def test_scores(model, X, y, task, teacher_prediction=None):
    """Scores of a fitted ``model`` on ``(X, y)``, keyed the same way in every benchmark.

    Classification: ``accuracy`` of ``predict``; ``auc`` (one-vs-rest macro average for more
    than two classes), ``log_loss`` and ``ece`` (:func:`expected_calibration_error`) of
    ``predict_proba`` where the model has it. Regression: ``r2``. With the teacher's
    predictions on the same rows, ``fidelity`` (agreement, or R² to the teacher).
    """
    predicted = model.predict(X)
    row = {}
    if not is_classification(task):
        row["r2"] = r2_score(y, predicted)
    else:
        row["accuracy"] = accuracy_score(y, predicted)
        if hasattr(model, "predict_proba"):
            row.update(probability_scores(y, model.predict_proba(X), model.classes_))
    if teacher_prediction is not None:
        row["fidelity"] = fidelity_score(teacher_prediction, predicted)
    return row


def probability_scores(y, proba, classes):
    """``auc``, ``log_loss`` and ``ece`` of class probabilities (columns in ``classes``)."""
    proba = np.asarray(proba, dtype=np.float64)
    if proba.shape[1] == 2:
        auc = roc_auc_score(y, proba[:, 1])
    else:
        auc = roc_auc_score(y, proba, multi_class="ovr", labels=classes)
    return {"auc": auc, "log_loss": log_loss(y, proba, labels=classes),
            "ece": expected_calibration_error(y, proba, classes)}


def expected_calibration_error(y, proba, classes, n_bins=15):
    """Top-label expected calibration error (Guo et al. 2017), equal-width bins.

    The rows are binned by the probability of their most probable class; the error is the
    row-weighted mean, over bins, of |accuracy - mean confidence|.
    """
    proba = np.asarray(proba, dtype=np.float64)
    confidence = proba.max(axis=1)
    correct = np.asarray(classes)[proba.argmax(axis=1)] == np.asarray(y)
    bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    counts = np.bincount(bins, minlength=n_bins)
    gap = np.abs(np.bincount(bins, correct, n_bins) - np.bincount(bins, confidence, n_bins))
    return float(gap.sum() / counts.sum())


def quality(scores, task):
    """The headline score of a task from :func:`test_scores`' dict."""
    return scores[QUALITY_KEY[task]]


def best_seconds(function, repeats=3):
    """The fastest of ``repeats`` runs of ``function()``, in seconds.

    The minimum, not the mean: other processes on a shared machine only ever add time.
    """
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def batch_seconds(model, X, n_rows=10_000, repeats=3):
    """Seconds to predict a batch of ``n_rows`` rows of ``X`` (repeated when fewer).

    With a small test set, per-call overhead would otherwise dominate the timing.
    """
    repeats_of_X = -(-n_rows // len(X))
    batch = X if repeats_of_X == 1 else _stacked(X, repeats_of_X)
    batch = batch.iloc[:n_rows] if hasattr(batch, "iloc") else batch[:n_rows]
    return best_seconds(lambda: model.predict(batch), repeats)


def _stacked(X, times):
    if hasattr(X, "iloc"):
        return pd.concat([X] * times, ignore_index=True)
    return np.concatenate([X] * times)


def row_seconds(model, X, repeats=5):
    """Seconds to predict one row, the first of ``X``."""
    row = X.iloc[:1] if hasattr(X, "iloc") else X[:1]
    return best_seconds(lambda: model.predict(row), repeats)


def timed_fit(model, X, y, trace_memory=False, **fit_params):
    """``(seconds, peak_bytes)`` of ``model.fit(X, y, **fit_params)``.

    ``peak_bytes`` is tracemalloc's peak of Python allocations during the fit when
    ``trace_memory`` is set (tracing slows the fit down), else None.
    """
    if trace_memory:
        tracemalloc.start()
    start = time.perf_counter()
    model.fit(X, y, **fit_params)
    seconds = time.perf_counter() - start
    peak = None
    if trace_memory:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, peak


def pin_threads(n_threads=1):
    """Run torch and the BLAS/OpenMP pools on ``n_threads`` threads; returns ``n_threads``.

    LightGBM and scikit-learn's forests take their threads from their own ``n_jobs``: pass
    the value returned, or use :func:`with_n_jobs`.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(n_threads)
    try:
        import torch
    except ImportError:  # the torch extra is not installed: nothing to pin
        return n_threads
    torch.set_num_threads(n_threads)
    return n_threads


def with_n_jobs(model, n_jobs=1):
    """``model`` with every ``n_jobs`` parameter (nested ones included) set to ``n_jobs``."""
    names = [name for name in model.get_params(deep=True)
             if name == "n_jobs" or name.endswith("__n_jobs")]
    return model.set_params(**dict.fromkeys(names, n_jobs)) if names else model


def pre_auto(distiller_class):
    """``distiller_class`` with the settings it had before the ``"auto"`` defaults.

    What the benchmarks written before them measured: their committed
    figures are reproduced with these (``bench_defaults`` measures the auto
    defaults against them). Explicit parameters still win.
    """
    from skdistill import DistilledClassifier

    defaults = {"alpha": 0.5, "augment": None, "augment_size": 5.0, "transfer_weight": 1.0,
                "cv": None}
    if issubclass(distiller_class, DistilledClassifier):
        defaults["temperature"] = 1.0

    def make(*args, **params):
        return distiller_class(*args, **{**defaults, **params})

    return make
