"""Per-row soft-target options: a temperature and a weight per row, from the teacher's entropy.

Both follow TabTune's ``TabDistiller`` (Lexsi Labs; ``adaptive_temperature``
and ``confidence_weighting``, on by default there, in
``tabtune/distillation/losses.py``). Each row's teacher distribution ``p``
gets a normalised entropy

.. math:: h = -\\sum_k p_k \\log p_k \\,/\\, \\log K \\in [0, 1]

(0 for a certain teacher, 1 for a uniform one), and from it

- a temperature that rises linearly with ``h`` from ``max(1, T / 2)`` to
  ``2 T`` around a base temperature ``T`` (:func:`row_temperatures`);
- a weight shaped like a bell over ``h``, ``4 h (1 - h) + 0.5``, largest
  where the teacher is moderately sure and rescaled to mean 1
  (:func:`confidence_weights`).

The functions are pure numpy: they take the teacher's probabilities at
T = 1 (out-of-fold or out-of-bag ones where available, as TabTune does) and
return one value per row.
"""

from numbers import Real

import numpy as np

from ._soft_targets import PROBA_FLOOR

# Rows of probabilities may miss 1 by rounding; anything further is an error.
_SUM_TOLERANCE = 1e-6


def normalized_entropy(teacher_proba):
    """Entropy of each row's distribution over its maximum, ``log(n_classes)``.

    Parameters
    ----------
    teacher_proba : array-like of shape (n_samples, n_classes)
        Class probabilities, each row summing to 1, at least two classes.

    Returns
    -------
    entropy : ndarray of shape (n_samples,)
        In [0, 1]: 0 when one class has all the probability, 1 when it is
        spread evenly.

    Examples
    --------
    >>> from skdistill._row_adaptive import normalized_entropy
    >>> normalized_entropy([[1.0, 0.0], [0.5, 0.5], [0.9, 0.1]]).round(3)
    array([0.   , 1.   , 0.469])
    """
    proba = _checked_proba(teacher_proba)
    # p log p -> 0 as p -> 0: the floor only keeps log finite.
    plogp = proba * np.log(np.clip(proba, PROBA_FLOOR, 1.0))
    entropy = np.clip(-plogp.sum(axis=1) / np.log(proba.shape[1]), 0.0, 1.0)
    return entropy + 0.0  # a certain row's -0.0 becomes 0.0


def row_temperatures(teacher_proba, temperature=2.0):
    """A temperature per row, rising with the teacher's entropy around ``temperature``.

    ``T_i = T_min + (T_max - T_min) * h_i`` with ``T_min = max(1, T / 2)``,
    ``T_max = 2 T`` and ``h_i`` the row's :func:`normalized_entropy`: a
    teacher sure of a row is tempered least, one torn between classes most.

    Parameters
    ----------
    teacher_proba : array-like of shape (n_samples, n_classes)
        The teacher's class probabilities at T = 1.
    temperature : float, default=2.0
        The base temperature ``T`` (> 0).

    Returns
    -------
    temperatures : ndarray of shape (n_samples,)
        Between ``max(1, T / 2)`` and ``2 T``.

    Examples
    --------
    >>> from skdistill._row_adaptive import row_temperatures
    >>> row_temperatures([[1.0, 0.0], [0.5, 0.5]], temperature=2.0)
    array([1., 4.])
    """
    if not isinstance(temperature, Real) or not temperature > 0:
        raise ValueError(f"`temperature` must be a number > 0; got {temperature!r}.")
    lowest, highest = max(1.0, temperature / 2.0), 2.0 * temperature
    return lowest + (highest - lowest) * normalized_entropy(teacher_proba)


def confidence_weights(teacher_proba):
    """A weight per row, largest where the teacher is moderately sure; mean 1.

    ``w_i = 4 h_i (1 - h_i) + 0.5`` with ``h_i`` the row's
    :func:`normalized_entropy`, then divided by the mean: rows the teacher
    finds trivial (``h = 0``) or hopeless (``h = 1``) weigh a third of the
    most informative ones (``h = 0.5``).

    Parameters
    ----------
    teacher_proba : array-like of shape (n_samples, n_classes)
        The teacher's class probabilities at T = 1.

    Returns
    -------
    weights : ndarray of shape (n_samples,)
        Positive, with mean 1: multiply them into ``sample_weight``.

    Examples
    --------
    >>> from skdistill._row_adaptive import confidence_weights
    >>> confidence_weights([[1.0, 0.0], [0.89, 0.11], [0.5, 0.5]]).round(2)
    array([0.6, 1.8, 0.6])
    """
    entropy = normalized_entropy(teacher_proba)
    weights = 4.0 * entropy * (1.0 - entropy) + 0.5
    return weights / weights.mean()


def _checked_proba(teacher_proba):
    proba = np.asarray(teacher_proba, dtype=np.float64)
    if proba.ndim != 2 or proba.shape[1] < 2 or proba.shape[0] == 0:
        raise ValueError(
            "`teacher_proba` must be a 2-D array of class probabilities with at least one "
            f"row and two classes; got shape {proba.shape}."
        )
    if not np.all(np.isfinite(proba)) or np.any(proba < 0):
        raise ValueError("`teacher_proba` must hold finite, non-negative probabilities.")
    if np.any(np.abs(proba.sum(axis=1) - 1.0) > _SUM_TOLERANCE):
        raise ValueError(
            "Each row of `teacher_proba` must sum to 1: pass probabilities, e.g. "
            "scipy.special.softmax(logits, axis=1), not logits."
        )
    return proba
