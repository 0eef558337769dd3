"""Reading and shipping a distilled model: its tree as rules, its linear
coefficients, or an ONNX graph for serving."""

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

from ._fitting import final_step
from ._onnx import to_onnx
from ._soft_targets import PROBA_FLOOR, sharpen

__all__ = ["export_text", "to_onnx"]


def export_text(distilled, feature_names=None, *, decimals=3):
    """The student of a distiller as plain text a reviewer can read.

    A decision tree student (alone or ending a :class:`~sklearn.pipeline.Pipeline`)
    is printed as nested rules; each leaf shows the share of the training rows
    that reach it and, for a classifier, the class probabilities at T = 1 (the
    temperature the student was trained at is undone, as in ``predict_proba``),
    or, for a regressor, the predicted value. A linear student is printed as its
    intercept and coefficients, on the log-odds scale at T = 1 for a
    classifier (one row for a binary problem, one per class otherwise).

    Parameters
    ----------
    distilled : DistilledClassifier or DistilledRegressor
        A fitted distiller whose student is a decision tree or a linear model
        (``coef_``), alone or as the last step of a Pipeline.
    feature_names : list of str, default=None
        Names of the columns the student sees. ``None`` takes them from the
        Pipeline's :meth:`~sklearn.pipeline.Pipeline.get_feature_names_out` or
        the distiller's ``feature_names_in_``, else ``x0``, ``x1``, ...
    decimals : int, default=3
        Digits after the point of thresholds, probabilities and coefficients.

    Returns
    -------
    report : str
        The rules or the coefficients, one per line.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skdistill import DistilledClassifier, export_text
    >>> iris = load_iris()
    >>> X, y = iris.data, iris.target_names[iris.target]
    >>> forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> distilled = DistilledClassifier(
    ...     forest, DecisionTreeClassifier(max_depth=1), random_state=0
    ... ).fit(X, y)
    >>> print(export_text(distilled, iris.feature_names, decimals=2))
    |--- petal width (cm) <= 0.80
    |   |--- rows: 33.3% | P(setosa) = 1.00, P(versicolor) = 0.00, P(virginica) = 0.00
    |--- petal width (cm) >  0.80
    |   |--- rows: 66.7% | P(setosa) = 0.00, P(versicolor) = 0.50, P(virginica) = 0.50
    """
    check_is_fitted(distilled, "student_")
    model = final_step(distilled.student_)
    names = _feature_names(distilled, feature_names)
    if hasattr(model, "tree_"):
        return _tree_text(distilled, model, names, decimals)
    if hasattr(model, "coef_"):
        return _linear_text(distilled, model, names, decimals)
    raise ValueError(
        f"export_text reads a decision tree or a linear student; the student is a "
        f"{type(model).__name__}. Distil into DecisionTreeClassifier/Regressor or a "
        "linear model to get a readable model."
    )


def _feature_names(distilled, feature_names):
    if feature_names is not None:
        return [str(name) for name in feature_names]
    student = distilled.student_
    if getattr(student, "steps", None) and len(student.steps) > 1:
        try:
            return [str(name) for name in student[:-1].get_feature_names_out()]
        except (AttributeError, ValueError):
            pass
    n_features = final_step(student).n_features_in_
    names = getattr(distilled, "feature_names_in_", None)
    if names is not None and len(names) == n_features:
        return [str(name) for name in names]
    return [f"x{i}" for i in range(n_features)]


def _leaf_text(distilled, model, node, decimals):
    """What a leaf predicts: class probabilities at T = 1, or a value."""
    values = model.tree_.value[node]
    if not hasattr(distilled, "classes_"):
        return f"value = {values[0, 0]:.{decimals}f}"
    proba = _class_probabilities(distilled, model, values)
    return ", ".join(
        f"P({label}) = {p:.{decimals}f}" for label, p in zip(distilled.classes_, proba)
    )


def _class_probabilities(distilled, model, values):
    """A leaf's class probabilities over ``classes_``, at T = 1."""
    n_classes = len(distilled.classes_)
    if is_classifier(model):
        proba = np.zeros(n_classes)
        proba[np.asarray(model.classes_, dtype=np.intp)] = values[0] / values[0].sum()
    elif n_classes == 2:
        positive = float(np.clip(values[0, 0], 0.0, 1.0))
        proba = np.array([1.0 - positive, positive])
    else:
        proba = np.clip(values[:, 0], PROBA_FLOOR, None)
        proba = proba / proba.sum()
    return sharpen(proba[None, :], distilled.temperature)[0]


def _tree_text(distilled, model, names, decimals):
    tree = model.tree_
    rows = tree.weighted_n_node_samples
    lines = []

    def visit(node, depth):
        indent = "|   " * depth
        if tree.children_left[node] == tree.children_right[node]:
            share = 100.0 * rows[node] / rows[0]
            lines.append(
                f"{indent}|--- rows: {share:.1f}% | {_leaf_text(distilled, model, node, decimals)}"
            )
            return
        name, threshold = names[tree.feature[node]], tree.threshold[node]
        lines.append(f"{indent}|--- {name} <= {threshold:.{decimals}f}")
        visit(tree.children_left[node], depth + 1)
        lines.append(f"{indent}|--- {name} >  {threshold:.{decimals}f}")
        visit(tree.children_right[node], depth + 1)

    visit(0, 0)
    return "\n".join(lines)


def _linear_text(distilled, model, names, decimals):
    coef = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
    intercept = np.atleast_1d(np.asarray(model.intercept_, dtype=np.float64))
    if hasattr(distilled, "classes_"):
        if is_classifier(model):
            # The student learned margins at the training temperature; at
            # T = 1 the margins, hence every coefficient, are T times larger.
            coef, intercept = distilled.temperature * coef, distilled.temperature * intercept
        labels = _linear_row_labels(distilled, model, len(coef))
    else:
        labels = ["prediction"]
    width = max(len(name) for name in ["intercept", *names])
    lines = []
    for label, row, bias in zip(labels, coef, intercept):
        lines.append(label)
        lines.append(f"    {'intercept':<{width}}  {bias:+.{decimals}f}")
        lines.extend(
            f"    {name:<{width}}  {weight:+.{decimals}f}" for name, weight in zip(names, row)
        )
    return "\n".join(lines)


def _linear_row_labels(distilled, model, n_rows):
    classes = distilled.classes_
    if not is_classifier(model):
        return [
            f"probability of {label} at T = {distilled.temperature:g}"
            for label in classes[-n_rows:]
        ]
    codes = np.asarray(model.classes_, dtype=np.intp)
    if n_rows == 1:
        return [f"log-odds of {classes[codes[1]]} (against {classes[codes[0]]})"]
    return [f"score of {classes[code]} (softmax over classes)" for code in codes]
