"""A prototype of active sampling for tree students: transfer rows drawn where the tree errs most.

After Bastani, Kim and Bastani (2017, "Interpreting blackbox models via model
extraction"), who grow a tree on teacher-labelled rows drawn inside each
node's region: here, in one round, a tree distilled without a transfer set
shows which of its leaves copy the teacher worst on the training rows, and
the transfer set of a given size is drawn mostly inside those leaves.

1. Infidelity of each leaf: the mean, over the training rows it holds, of the
   total-variation distance between the teacher's and the student's class
   probabilities at T = 1 (regression: the squared error to the teacher's
   prediction).
2. A pool of candidate rows (MUNGE, several times the budget) is routed
   through the tree; no teacher call is needed for that.
3. The budget is split over the leaves: three quarters in proportion to each
   leaf's share of the infidelity (rows x mean infidelity), a quarter in
   proportion to its share of the pool (as plain augmentation would), each
   leaf capped at the candidates it holds; the rest is drawn uniformly.

The benchmark compares the tree distilled with these rows against the same
tree with a plain MUNGE transfer set of the same size. This is a prototype for
the measurement, not a library feature.
"""

import time

import numpy as np
from sklearn.utils import check_random_state

from skdistill import Munge

from .option_emulation import tree_input, tree_step

ACTIVE_SHARE = 0.75


def leaf_infidelity(tree_pipeline, X, teacher_output, student_output, task):
    """Per node of the tree: mean infidelity of the rows in it, and their count."""
    tree = tree_step(tree_pipeline)
    leaves = tree.apply(tree_input(tree_pipeline, X))
    if task == "regression":
        per_row = (np.asarray(teacher_output) - np.asarray(student_output)) ** 2
    else:
        per_row = 0.5 * np.abs(np.asarray(teacher_output) - np.asarray(student_output)).sum(axis=1)
    n_nodes = tree.tree_.node_count
    counts = np.bincount(leaves, minlength=n_nodes)
    total = np.bincount(leaves, per_row, minlength=n_nodes)
    return np.divide(total, counts, out=np.zeros(n_nodes), where=counts > 0), counts


def active_transfer_rows(tree_pipeline, X_train, infidelity, counts, n_rows, random_state):
    """``n_rows`` MUNGE rows drawn mostly inside the least faithful leaves, and the seconds."""
    start = time.perf_counter()
    rng = check_random_state(random_state)
    # Four times the budget to choose from, at most 40 times the training rows.
    n_pool = max(2 * n_rows, min(4 * n_rows, 40 * len(X_train)))
    pool = Munge().sample(X_train, n_pool, random_state=rng.randint(2**31 - 1))
    pool_leaves = tree_step(tree_pipeline).apply(tree_input(tree_pipeline, pool))
    chosen = _allocate(pool_leaves, infidelity * counts, n_rows, rng)
    rows = pool.iloc[np.sort(chosen)].reset_index(drop=True)
    return rows, time.perf_counter() - start


def _allocate(pool_leaves, priority, n_rows, rng):
    """Pool positions: per leaf, a share of ``n_rows`` from its priority and its pool share."""
    available = np.bincount(pool_leaves, minlength=len(priority))
    priority = np.where(available > 0, priority, 0.0)
    share = (1 - ACTIVE_SHARE) * available / available.sum()
    if priority.sum() > 0:
        share = share + ACTIVE_SHARE * priority / priority.sum()
    wanted = np.minimum(np.floor(share * n_rows).astype(int), available)
    chosen = [rng.choice(np.flatnonzero(pool_leaves == leaf), count, replace=False)
              for leaf, count in enumerate(wanted) if count]
    chosen = np.concatenate(chosen) if chosen else np.array([], dtype=int)
    rest = np.setdiff1d(np.arange(len(pool_leaves)), chosen)
    extra = rng.choice(rest, min(n_rows - len(chosen), len(rest)), replace=False)
    return np.concatenate([chosen, extra])
