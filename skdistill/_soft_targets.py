"""Soft targets: tempered teacher distributions blended with the true labels."""

import numpy as np
from scipy.special import softmax

# Below this a soft probability is treated as zero where a strategy needs
# sparsity; log() of a student's probability is floored the same way.
PROBA_FLOOR = 1e-12


def tempered_softmax(logits, temperature):
    """``softmax(logits / temperature)`` row-wise, stable for T in [1e-3, 1e3].

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill._soft_targets import tempered_softmax
    >>> tempered_softmax(np.array([[0.0, np.log(3.0)]]), 1.0).round(3)
    array([[0.25, 0.75]])
    """
    # scipy subtracts the row maximum first, so 1e6 logits and T=1e-3 stay finite.
    return softmax(np.asarray(logits, dtype=np.float64) / temperature, axis=1)


def one_hot(y_encoded, n_classes):
    """Rows of the identity matrix for integer-coded labels."""
    return np.eye(n_classes)[y_encoded]


def blend(teacher_proba, y_encoded, alpha):
    """``alpha * teacher_proba + (1 - alpha) * one_hot(y)``; ``alpha`` may be per row."""
    if np.all(alpha == 1.0):
        return teacher_proba
    return alpha * teacher_proba + (1.0 - alpha) * one_hot(y_encoded, teacher_proba.shape[1])


def sharpen(proba, temperature):
    """Undo a temperature: ``softmax(temperature * log(proba))`` row-wise.

    A student that learned the distribution at temperature ``T`` predicts
    ``softmax(z / T)``; this returns ``softmax(z)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill._soft_targets import sharpen, tempered_softmax
    >>> logits = np.array([[1.0, 2.0, 4.0]])
    >>> np.allclose(sharpen(tempered_softmax(logits, 4.0), 4.0), tempered_softmax(logits, 1.0))
    True
    """
    proba = np.asarray(proba, dtype=np.float64)
    if temperature == 1.0:
        return proba
    return softmax(temperature * np.log(np.clip(proba, PROBA_FLOOR, 1.0)), axis=1)
