"""Weights of a teacher ensemble learned on held-out rows.

Classifiers are pooled in log-probability space, ``softmax(sum_m w_m log p_m)``,
so the weights that maximise the pooled ensemble's log-likelihood of the
labels are found by minimising its log-loss over the simplex; regressors are
averaged, and the weights minimise the squared error. The simplex is
parametrised by a softmax, ``w = softmax(theta)``, so the search is
unconstrained (scipy's L-BFGS with the exact gradient).
"""

import numpy as np
from scipy.optimize import minimize
from scipy.special import log_softmax, softmax


def _through_softmax(theta, loss_and_weight_gradient):
    """``loss(w)`` and its gradient in ``theta`` for ``w = softmax(theta)``."""
    weights = softmax(theta)
    loss, gradient = loss_and_weight_gradient(weights)
    # Jacobian of the softmax: diag(w) - w w^T.
    return loss, weights * (gradient - weights @ gradient)


def _pooled_log_loss(log_probas, y, sample_weight):
    """Log-loss of ``softmax(sum_m w_m log_probas[m])`` and its gradient in ``w``."""
    rows = np.arange(len(y))

    def loss_and_gradient(weights):
        pooled = log_softmax(np.tensordot(weights, log_probas, axes=1), axis=1)
        proba = np.exp(pooled)
        loss = -np.average(pooled[rows, y], weights=sample_weight)
        # d(-log q_y)/dw_m = sum_k q_k log p_mk - log p_my
        per_row = np.einsum("nk,mnk->mn", proba, log_probas) - log_probas[:, rows, y]
        return loss, np.average(per_row, axis=1, weights=sample_weight)

    return loss_and_gradient


def _squared_error(predictions, y, sample_weight):
    def loss_and_gradient(weights):
        residual = weights @ predictions - y
        loss = np.average(residual**2, weights=sample_weight)
        gradient = 2 * np.average(residual * predictions, axis=1, weights=sample_weight)
        return loss, gradient

    return loss_and_gradient


def learn_weights(outputs, y, sample_weight=None, kind="classifier"):
    """Simplex weights of the members that fit ``y`` best when pooled.

    Parameters
    ----------
    outputs : ndarray of shape (n_members, n_samples, n_classes) or (n_members, n_samples)
        Each member's log-probabilities (classifier, columns in a common class
        order) or predictions (regressor).
    y : ndarray of shape (n_samples,)
        Class codes (column indices) or targets.
    sample_weight : ndarray of shape (n_samples,), default=None
        Row weights of the loss.
    kind : {"classifier", "regressor"}
        Log-loss of the log-space pool, or squared error of the average.

    Returns
    -------
    weights : ndarray of shape (n_members,)
        Non-negative, summing to 1.
    """
    make_loss = _pooled_log_loss if kind == "classifier" else _squared_error
    objective = make_loss(np.asarray(outputs, dtype=np.float64), y, sample_weight)
    theta = np.zeros(len(outputs))  # start from equal weights
    result = minimize(_through_softmax, theta, args=(objective,), jac=True, method="L-BFGS-B")
    return softmax(result.x)
