"""Where a distilled student departs from its teacher: agreement per leaf or per bin.

The rows are grouped — by the leaf of a tree student, or by bins of a column
(quantile bins of a numeric column, its categories, a bin for missing values)
— and each group says how often student and teacher agree (classification)
or how far apart they are (regression). Teacher outputs come from
``_teacher_outputs``, the one way to ask a teacher.
"""

import numpy as np
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_is_fitted

from ._bins import bin_labels, check_bin_sizes, merged_bins
from ._columns import _is_categorical_dtype
from ._conditions import rule_text
from ._fitting import final_step
from ._optional import import_optional
from ._rules import leaf_paths
from ._teacher_outputs import teacher_predict, teacher_proba
from .export import input_names, student_trees


def disagreement(distilled, X, *, by="auto", n_bins=10, min_rows=30, decimals=3):
    """Where the student and its teacher disagree, worst first.

    For a decision tree student, ``by="leaf"`` gives one row per leaf reached
    by ``X``, with its rule; for any student, ``by="feature"`` gives one row
    per bin of every column of X — quantile bins of a numeric column,
    merged until each holds ``min_rows`` rows, its categories (the rarer
    ones pooled into ``other``) and a ``missing`` bin — and ``by=<column>``
    the bins of that column alone.

    Parameters
    ----------
    distilled : DistilledClassifier or DistilledRegressor
        A fitted distiller (its teacher attached).
    X : array-like or DataFrame of shape (n_samples, n_features)
        Rows to compare on; held-out rows say more than the training rows.
    by : "auto", "leaf", "feature" or str, default="auto"
        ``"auto"``: ``"leaf"`` for a decision tree student, else
        ``"feature"``; or the name of one column of X.
    n_bins : int, default=10
        Quantile bins per numeric column, before merging.
    min_rows : int, default=30
        Fewest rows of a bin: smaller numeric bins are merged with their
        neighbour, rarer categories pooled into ``other``.
    decimals : int, default=3
        Digits of the thresholds in rules, significant digits of bin edges.

    Returns
    -------
    table : pandas.DataFrame
        One row per group, sorted worst first, with ``rows`` and ``share``
        (of X's rows) and, for a classifier, ``fidelity`` (share of rows
        where the student predicts the teacher's label) and
        ``mean_proba_gap`` (mean over rows of half the L1 distance between
        the two class distributions at T = 1: ``|p_teacher - p_student|``
        for a binary problem), sorted by fidelity then gap; for a regressor,
        ``mae_to_teacher``, ``mean_difference`` (student minus teacher) and,
        for bins, ``r2_to_teacher`` (within a leaf a tree predicts one value,
        so its R² there would only measure the teacher's spread), sorted by
        the error. Leaves come with ``leaf`` and ``rule``, bins with
        ``feature`` and ``bin``.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skdistill import DistilledClassifier
    >>> from skdistill.inspection import disagreement
    >>> X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> forest = RandomForestClassifier(n_estimators=50, random_state=0).fit(X_train, y_train)
    >>> distilled = DistilledClassifier(
    ...     forest, DecisionTreeClassifier(max_depth=2), random_state=0).fit(X_train, y_train)
    >>> table = disagreement(distilled, X_test)
    >>> table.columns.tolist()
    ['leaf', 'rule', 'rows', 'share', 'fidelity', 'mean_proba_gap']
    >>> int(table["rows"].sum())
    143
    """
    groups = grouped_disagreement(distilled, X, by=by, n_bins=n_bins, min_rows=min_rows,
                                  decimals=decimals)
    if "fidelity" in groups:
        order = groups.sort_values(["fidelity", "mean_proba_gap"], ascending=[True, False],
                                   kind="stable")
    else:
        order = groups.sort_values("mae_to_teacher", ascending=False, kind="stable")
    return order.reset_index(drop=True)


def grouped_disagreement(distilled, X, *, by="auto", n_bins=10, min_rows=30, decimals=3):
    """:func:`disagreement`'s table with the groups in their natural order (for plots)."""
    check_is_fitted(distilled, "student_")
    check_bin_sizes(n_bins, min_rows)
    pd = import_optional("pandas")
    is_tree = hasattr(final_step(distilled.student_), "tree_")
    if by == "auto":
        by = "leaf" if is_tree else "feature"
    outputs = _Outputs(distilled, X)
    if by == "leaf":
        if not is_tree:
            raise ValueError(
                f"by='leaf' needs a decision tree student; the student is a "
                f"{type(final_step(distilled.student_)).__name__}. Use by='feature' or the "
                "name of a column of X."
            )
        return pd.DataFrame.from_records(_leaf_records(distilled, X, outputs, decimals))
    columns = _columns(distilled, X)
    if by == "feature":
        chosen = list(columns)
    elif str(by) in columns:
        chosen = [str(by)]
    else:
        raise ValueError(
            f"by={by!r} is neither 'auto', 'leaf', 'feature' nor a column of X; the columns "
            f"are {list(columns)[:10]}."
        )
    records = []
    for name in chosen:
        for label, rows in _bins_of(columns[name], n_bins, min_rows, decimals):
            records.append({"feature": name, "bin": label, **outputs.summary(rows)})
    return pd.DataFrame.from_records(records)


class _Outputs:
    """Teacher and student outputs on the rows, and their summary over a group."""

    def __init__(self, distilled, X):
        self.n_rows = len(X)
        self.classifier = hasattr(distilled, "classes_")
        if self.classifier:
            self.agree = teacher_predict(distilled, X) == distilled.predict(X)
            gap = np.abs(teacher_proba(distilled, X) - distilled.predict_proba(X))
            self.gap = 0.5 * gap.sum(axis=1)
        else:
            self.teacher = np.asarray(teacher_predict(distilled, X), dtype=np.float64)
            self.student = np.asarray(distilled.predict(X), dtype=np.float64)

    def summary(self, rows, r2=True):
        count = int(rows.sum())
        record = {"rows": count, "share": count / self.n_rows}
        if self.classifier:
            record["fidelity"] = float(self.agree[rows].mean())
            record["mean_proba_gap"] = float(self.gap[rows].mean())
            return record
        teacher, student = self.teacher[rows], self.student[rows]
        record["mae_to_teacher"] = float(np.abs(student - teacher).mean())
        record["mean_difference"] = float((student - teacher).mean())
        if r2:
            spread = count > 1 and np.ptp(teacher) > 0
            record["r2_to_teacher"] = float(r2_score(teacher, student)) if spread else np.nan
        return record


def _leaf_records(distilled, X, outputs, decimals):
    root = student_trees(distilled, input_names(distilled))[0][2]
    student = distilled.student_
    rows = student[:-1].transform(X) if len(getattr(student, "steps", ())) > 1 else X
    leaves = final_step(student).apply(rows)
    records = []
    for leaf, conditions in leaf_paths(root):
        reached = leaves == leaf.node
        if reached.any():
            records.append({"leaf": leaf.node, "rule": rule_text(conditions, decimals),
                            **outputs.summary(reached, r2=False)})
    return records


def _columns(distilled, X):
    """X's columns by name, as Series-like 1-D arrays (object for categoricals)."""
    names = input_names(distilled)
    if hasattr(X, "columns"):
        return {str(name): X[name] for name in X.columns}
    X = np.asarray(X)
    return {name: X[:, i] for i, name in enumerate(names)}


def _bins_of(column, n_bins, min_rows, decimals):
    """``(label, boolean mask)`` of each bin of one column, in their natural order."""
    dtype = getattr(column, "dtype", np.asarray(column).dtype)
    if _is_categorical_dtype(dtype):
        return _category_bins(np.asarray(column, dtype=object), min_rows)
    edges, codes = merged_bins(np.asarray(column, dtype=np.float64), n_bins, min_rows)
    bins = [(label, codes == b) for b, label in enumerate(bin_labels(edges, decimals))]
    if (codes == -1).any():
        bins.append(("missing", codes == -1))
    return bins


def _category_bins(values, min_rows):
    missing = np.array([v is None or (isinstance(v, float) and np.isnan(v)) for v in values])
    names, counts = np.unique(values[~missing].astype(str), return_counts=True)
    text = np.where(missing, "", values.astype(str))
    bins = [(name, text == name) for name, count in zip(names, counts) if count >= min_rows]
    rare = names[counts < min_rows]
    if len(rare):
        bins.append((f"other ({len(rare)} categories)", np.isin(text, rare) & ~missing))
    if missing.any():
        bins.append(("missing", missing))
    return bins
