"""Tree students answer at T = 1: node values recomputed from the untempered targets.

A tree grown on tempered targets holds, in each leaf, the average of the
tempered distributions of its rows. Undoing the temperature on that average
(``softmax(T log p)``) is not the average of the untempered distributions:
it over-sharpens, and a leaf whose teacher said 0.02 may answer 1e-6. So
the tree keeps its splits, grown at the training temperature, and every
node's value is set to the weighted mean of its rows' targets at T = 1 —
what the tree would hold had it been grown on those targets with these
splits. Forests get the same, tree by tree, from all the rows.
"""

import numpy as np
from sklearn.ensemble._forest import BaseForest
from sklearn.tree._classes import BaseDecisionTree

from ._fitting import final_step


def has_leaf_values(student):
    """Whether ``student`` (or a Pipeline's last step) answers with node values: trees, forests."""
    return isinstance(final_step(student), (BaseDecisionTree, BaseForest))


def set_node_values(model, X, targets, sample_weight=None):
    """Set every node of ``model``'s trees to the weighted mean of ``targets`` of its rows.

    Parameters
    ----------
    model : fitted tree or forest
        A classifier (``targets`` are class probabilities, one column per class
        code, restricted to the classes each tree knows) or a regressor
        (``targets`` of shape ``(n_samples,)`` or ``(n_samples, n_outputs)``).
    X : array-like of shape (n_samples, n_features)
        The rows the model was fitted on, as the model sees them (before any
        expansion per class).
    targets : ndarray
        The targets at T = 1.
    sample_weight : ndarray of shape (n_samples,), default=None
        Row weights.
    """
    targets = np.asarray(targets, dtype=np.float64)
    targets = targets[:, None] if targets.ndim == 1 else targets
    weight = np.ones(len(targets)) if sample_weight is None else np.asarray(sample_weight, float)
    trees = model.estimators_ if isinstance(model, BaseForest) else [model]
    for tree in trees:
        _set_tree_values(tree, X, targets, weight, getattr(model, "classes_", None))


def _set_tree_values(tree, X, targets, weight, classes):
    structure = tree.tree_
    leaves = tree.apply(X)  # one leaf per row: memory of one integer a row
    mass = np.bincount(leaves, weights=weight, minlength=structure.node_count)
    totals = np.stack([np.bincount(leaves, weights=weight * column,
                                   minlength=structure.node_count)
                       for column in targets.T], axis=1)
    _add_up_the_tree(structure, mass, totals)
    reached = mass > 0  # every node holds training rows; the guard is for weight-0 rows
    value = structure.value  # a view: writing it changes what the tree predicts
    if classes is None:  # a regressor: one value per output
        value[reached, :, 0] = totals[reached] / mass[reached, None]
        return
    proba = totals[:, np.asarray(classes, dtype=np.intp)]
    sums = proba.sum(axis=1)
    reached &= sums > 0
    value[reached, 0, :] = proba[reached] / sums[reached, None]


def _add_up_the_tree(structure, mass, totals):
    """Give every internal node the sums of its children (leaves hold theirs already).

    Level by level from the deepest, so each subtree is summed before its
    parent: as many vectorised steps as the tree is deep.
    """
    left, right = structure.children_left, structure.children_right
    for level in reversed(_levels(left, right)):
        internal = level[left[level] != right[level]]
        mass[internal] = mass[left[internal]] + mass[right[internal]]
        totals[internal] = totals[left[internal]] + totals[right[internal]]


def _levels(left, right):
    """The node ids of each depth, from the root down."""
    levels, frontier = [], np.array([0])
    while len(frontier):
        levels.append(frontier)
        internal = frontier[left[frontier] != right[frontier]]
        frontier = np.concatenate([left[internal], right[internal]])
    return levels
