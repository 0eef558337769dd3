"""Reading and shipping a distilled model: its trees as rules, its linear
coefficients, SQL, or an ONNX graph for serving."""

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

from ._booster_rules import booster_trees
from ._fitting import final_step
from ._lightgbm_student import is_lightgbm_model
from ._onnx import to_onnx
from ._conditions import rule_sql, sql_literal
from ._rules import column_meanings, leaf_paths, sklearn_tree
from ._scorecard import linear_terms
from ._soft_targets import PROBA_FLOOR, sharpen
from ._strategy import temperature_to_undo

__all__ = ["export_sql", "export_text", "to_onnx"]


def export_text(distilled, feature_names=None, *, decimals=3):
    """The student of a distiller as plain text a reviewer can read.

    A decision tree student (alone or ending a :class:`~sklearn.pipeline.Pipeline`) is printed as nested
    rules on the columns of X: category names instead of the codes or
    one-hot columns an encoder made (OrdinalEncoder, OneHotEncoder, also
    inside a ColumnTransformer), thresholds in the columns' own units through
    a scaler or imputer, and at every split the side that rows with a missing
    value take (``or missing``: a split that saw no missing value in
    training still sends them one way) and, for categories, the side of a
    category the encoder never saw (``or unseen``). Each leaf shows the share
    of the training rows that reach it (weighted) and, for a classifier, the
    class probabilities at T = 1, as ``predict_proba`` gives them, or, for a
    regressor, the predicted value.

    A LightGBM student is printed tree by tree, each leaf with the margin it
    adds at T = 1 (log-odds of the positive class, a class's score, or the
    prediction), with pandas category names at categorical splits. A linear
    student is printed as its intercept and coefficients at T = 1 on the
    columns of X (per unit of a numeric column, or added where a category
    holds); :func:`skdistill.inspection.scorecard` gives the same as a table
    with points.

    Parameters
    ----------
    distilled : DistilledClassifier or DistilledRegressor
        A fitted distiller whose student is a decision tree, a LightGBM model
        or a linear model (``coef_``), alone or as the last step of a
        Pipeline.
    feature_names : list of str, default=None
        Names of the columns of X (the distiller's input). ``None`` takes
        the distiller's ``feature_names_in_``, else ``x0``, ``x1``, ...
    decimals : int, default=3
        Digits after the point of thresholds, probabilities and coefficients.

    Returns
    -------
    report : str
        The rules or the coefficients, one per line.

    See Also
    --------
    export_sql : The tree as one SQL expression.
    skdistill.inspection.rules : The leaves as a table, with SQL.

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
    |--- petal width (cm) > 0.80 or missing
    |   |--- rows: 66.7% | P(setosa) = 0.00, P(versicolor) = 0.50, P(virginica) = 0.50
    """
    check_is_fitted(distilled, "student_")
    model = final_step(distilled.student_)
    names = input_names(distilled, feature_names)
    if hasattr(model, "coef_") and not hasattr(model, "tree_"):
        return _linear_text(distilled, model, names, decimals)
    trees = student_trees(distilled, names)
    if hasattr(model, "tree_"):
        return _tree_text(trees[0][2], _leaf_text(distilled, decimals), decimals)
    return "\n\n".join(
        f"tree {index}: adds to {_margin_name(distilled, klass)}\n"
        + _tree_text(root, lambda leaf: f"adds {leaf.output:+.{decimals}f}", decimals)
        for index, klass, root in trees
    )


def export_sql(distilled, feature_names=None, *, class_label=None):
    """A tree student as one SQL expression over the columns of X.

    The expression is a ``CASE WHEN ... END`` with one branch per leaf (for
    a LightGBM student, one per tree, summed), on the original column names
    (quoted identifiers), with categories as string literals (quotes
    doubled) and missing values as ``IS NULL``, routed the way the student
    routes them (see :func:`export_text`). Run it as
    ``SELECT <expression> FROM <table>`` on a table with X's columns.

    Parameters
    ----------
    distilled : DistilledClassifier or DistilledRegressor
        A fitted distiller whose student is a decision tree or a LightGBM
        model, alone or ending a Pipeline of the steps :func:`export_text`
        reads.
    feature_names : list of str, default=None
        Names of the columns of X; ``None`` takes ``feature_names_in_``,
        else ``x0``, ``x1``, ...
    class_label : object, default=None
        For a classifier, ``None`` gives the predicted label and a label its
        probability at T = 1. Ignored for a regressor (the prediction). A
        multiclass LightGBM student needs a label.

    Returns
    -------
    expression : str
        Standard SQL (a LightGBM student's probabilities use ``EXP``).

    Examples
    --------
    >>> import sqlite3
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skdistill import DistilledClassifier
    >>> from skdistill.export import export_sql
    >>> X, y = load_iris(return_X_y=True, as_frame=True)
    >>> forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> distilled = DistilledClassifier(
    ...     forest, DecisionTreeClassifier(max_depth=2), random_state=0).fit(X, y)
    >>> connection = sqlite3.connect(":memory:")
    >>> _ = X.to_sql("iris", connection, index=False)
    >>> query = f"SELECT {export_sql(distilled)} FROM iris"
    >>> predicted = [label for (label,) in connection.execute(query)]
    >>> bool((predicted == distilled.predict(X)).all())
    True
    """
    check_is_fitted(distilled, "student_")
    model = final_step(distilled.student_)
    trees = student_trees(distilled, input_names(distilled, feature_names))
    classifier = hasattr(distilled, "classes_")
    if not hasattr(model, "tree_"):
        return _booster_sql(distilled, trees, classifier, class_label)
    root = trees[0][2]
    if not classifier:
        return _case(root, lambda leaf: leaf.output)
    if class_label is None:
        return _case(root, lambda leaf: distilled.classes_[np.argmax(leaf.output)])
    column = _class_column(distilled, class_label)
    return _case(root, lambda leaf: leaf.output[column])


def input_names(distilled, feature_names=None):
    """Names of the columns of X the distiller was fitted on."""
    n_features = distilled.n_features_in_
    if feature_names is not None:
        names = [str(name) for name in feature_names]
        if len(names) != n_features:
            raise ValueError(
                f"feature_names has {len(names)} names but the distiller was fitted on "
                f"{n_features} columns; pass one name per column of X."
            )
        return names
    names = getattr(distilled, "feature_names_in_", None)
    if names is not None:
        return [str(name) for name in names]
    return [f"x{i}" for i in range(n_features)]


def student_trees(distilled, names):
    """``(tree_index, class_index, root)`` per tree of a tree or LightGBM student.

    Splits are in X's terms (``_rules``). Leaves carry ``output`` (a decision
    tree's class probabilities at T = 1 or value; a booster leaf's margin at
    T = 1) and ``share`` (of the training rows, weighted).
    """
    student = distilled.student_
    model = final_step(student)
    meanings = column_meanings(student, names)
    if is_lightgbm_model(model, "classifier") or is_lightgbm_model(model, "regressor"):
        return booster_trees(model, meanings, margin_scale(distilled, model))
    if not hasattr(model, "tree_"):
        raise ValueError(
            f"Rules are read from a decision tree or a LightGBM student; the student is a "
            f"{type(model).__name__}. Distil into a DecisionTreeClassifier/Regressor (for "
            "example make_tree_student) to get rules; a linear student reads as a scorecard."
        )
    tree = model.tree_
    root = sklearn_tree(tree, meanings)
    for leaf, _ in leaf_paths(root):
        leaf.output = _leaf_output(distilled, model, leaf.node)
        leaf.share = float(tree.weighted_n_node_samples[leaf.node]
                           / tree.weighted_n_node_samples[0])
    return [(0, 0, root)]


def margin_scale(distilled, model):
    """The factor that turns the student's margins (coefficients, leaves) into T = 1 margins."""
    if hasattr(distilled, "classes_") and is_classifier(model):
        # A student that learned margins at the training temperature has, at
        # T = 1, margins (hence every coefficient) that much larger.
        return float(temperature_to_undo(distilled))
    return 1.0


def _leaf_output(distilled, model, node):
    values = model.tree_.value[node]
    if not hasattr(distilled, "classes_"):
        return float(values[0, 0])
    return _class_probabilities(distilled, model, values)


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
    return sharpen(proba[None, :], temperature_to_undo(distilled))[0]


def _tree_text(root, leaf_text, decimals):
    lines = []

    def visit(node, depth):
        indent = "|   " * depth
        if node.is_leaf:
            lines.append(f"{indent}|--- rows: {100.0 * node.share:.1f}% | {leaf_text(node)}")
            return
        for condition, child in ((node.left_condition, node.left),
                                 (node.right_condition, node.right)):
            lines.append(f"{indent}|--- {condition.text(decimals)}")
            visit(child, depth + 1)

    visit(root, 0)
    return "\n".join(lines)


def _leaf_text(distilled, decimals):
    """What a decision tree's leaf predicts: class probabilities at T = 1, or a value."""
    if not hasattr(distilled, "classes_"):
        return lambda leaf: f"value = {leaf.output:.{decimals}f}"
    return lambda leaf: ", ".join(
        f"P({label}) = {p:.{decimals}f}" for label, p in zip(distilled.classes_, leaf.output)
    )


def _margin_name(distilled, klass):
    if not hasattr(distilled, "classes_"):
        return "the prediction"
    classes = distilled.classes_.tolist()
    if len(classes) == 2:
        return f"the log-odds of {classes[1]!r} at T = 1"
    return f"the score of {classes[klass]!r} at T = 1 (softmax over classes)"


def _class_column(distilled, class_label):
    matches = np.flatnonzero(distilled.classes_ == class_label)
    if not len(matches):
        raise ValueError(
            f"class_label={class_label!r} is not a class of the distiller; pass one of "
            f"{distilled.classes_.tolist()}."
        )
    return int(matches[0])


def _case(root, value_of):
    """``CASE WHEN <path> THEN <value> ... END``, one branch per leaf."""
    branches = [f"WHEN {rule_sql(conditions)} THEN {sql_literal(value_of(leaf))}"
                for leaf, conditions in leaf_paths(root)]
    return "CASE " + " ".join(branches) + " END"


def _booster_sql(distilled, trees, classifier, class_label):
    def margin(klass):
        cases = [_case(root, lambda leaf: leaf.output) for _, k, root in trees if k == klass]
        return "(" + " + ".join(cases) + ")"

    if not classifier:
        return margin(0)
    classes = distilled.classes_
    if len(classes) == 2:
        if class_label is None:
            return (f"CASE WHEN {margin(0)} > 0 THEN {sql_literal(classes[1])} "
                    f"ELSE {sql_literal(classes[0])} END")
        probability = f"1.0 / (1.0 + EXP(-{margin(0)}))"
        if _class_column(distilled, class_label) == 0:
            return f"1.0 - {probability}"
        return probability
    if class_label is None:
        raise ValueError(
            "A multiclass LightGBM student predicts the class of the largest margin, one SQL "
            "expression per class: pass class_label= to get that class's probability."
        )
    column = _class_column(distilled, class_label)
    exps = [f"EXP({margin(k)})" for k in range(len(classes))]
    return f"{exps[column]} / ({' + '.join(exps)})"


def _linear_text(distilled, model, names, decimals):
    intercepts, rows = linear_terms(distilled.student_, names, margin_scale(distilled, model))
    if hasattr(distilled, "classes_"):
        labels = _linear_row_labels(distilled, model, len(rows))
    else:
        labels = ["prediction"]
    width = max(len(text) for text in ["intercept", *(term.text for term in rows[0])])
    lines = []
    for label, bias, terms in zip(labels, intercepts, rows):
        lines.append(label)
        lines.append(f"    {'intercept':<{width}}  {bias:+.{decimals}f}")
        for term in terms:
            line = f"    {term.text:<{width}}  {term.coefficient:+.{decimals}f}"
            if term.missing_as is not None:
                line += f" per unit, missing counts as {term.missing_as:.{decimals}f}"
            lines.append(line)
    return "\n".join(lines)


def _linear_row_labels(distilled, model, n_rows):
    classes = distilled.classes_
    if not is_classifier(model):
        return [
            f"probability of {label} at T = {distilled.temperature_:g}"
            for label in classes[-n_rows:]
        ]
    codes = np.asarray(model.classes_, dtype=np.intp)
    if n_rows == 1:
        return [f"log-odds of {classes[codes[1]]} (against {classes[codes[0]]})"]
    return [f"score of {classes[code]} (softmax over classes)" for code in codes]
