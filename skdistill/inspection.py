"""What a reviewer asks of a distilled student, as tables: its rules, its
scorecard, where it departs from its teacher, and how it compares.

Every function takes a fitted distiller and returns a pandas DataFrame (pandas
is needed here, as for DataFrame input).
"""

import math

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

from ._comparison import ComparisonReport, compare
from ._conditions import rule_sql, rule_text
from ._disagreement import disagreement
from ._fitting import final_step
from ._optional import import_optional
from ._rules import leaf_paths
from ._scorecard import linear_terms
from .export import input_names, margin_scale, student_trees

__all__ = ["ComparisonReport", "compare", "disagreement", "rules", "scorecard"]


def rules(distilled, feature_names=None, *, decimals=3):
    """The leaves of a tree student as a table: rule, prediction, share, SQL.

    One row per leaf, in the order :func:`skdistill.export_text` prints
    them. The rule is written on the columns of X (category names,
    thresholds in the original units, where missing values go; conditions on
    the same column along the path combined into one). ``sql`` is the same
    rule as an SQL condition on the original column names, so that
    ``CASE WHEN <sql of leaf 1> THEN ... END`` reproduces the student
    (:func:`skdistill.export.export_sql` writes it whole).

    Parameters
    ----------
    distilled : DistilledClassifier or DistilledRegressor
        A fitted distiller whose student is a decision tree or a LightGBM
        model, alone or ending a Pipeline (see :func:`skdistill.export_text`
        for the steps it reads through).
    feature_names : list of str, default=None
        Names of the columns of X; ``None`` takes ``feature_names_in_``,
        else ``x0``, ``x1``, ...
    decimals : int, default=3
        Digits after the point of the thresholds in ``rule`` (``sql`` keeps
        them exact).

    Returns
    -------
    rules : pandas.DataFrame
        Columns ``leaf`` (the node id, as ``apply`` returns it), ``rule``,
        ``share`` (of the training rows, weighted), then for a classifier
        one ``P(<label>)`` column per class (at T = 1, as ``predict_proba``
        gives them) and ``prediction``, for a regressor ``value``, and
        ``sql``. For a LightGBM student, one row per leaf of every tree:
        ``tree``, ``class`` (the class whose margin the tree adds to),
        ``leaf``, ``rule``, ``share``, ``margin`` (what the leaf adds, at
        T = 1) and ``sql``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skdistill import DistilledClassifier
    >>> from skdistill.inspection import rules
    >>> X, y = load_iris(return_X_y=True, as_frame=True)
    >>> forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> distilled = DistilledClassifier(
    ...     forest, DecisionTreeClassifier(max_depth=2), alpha=0.5, random_state=0).fit(X, y)
    >>> table = rules(distilled, decimals=2)
    >>> table.columns.tolist()
    ['leaf', 'rule', 'share', 'P(0)', 'P(1)', 'P(2)', 'prediction', 'sql']
    >>> for share, label, rule in zip(table["share"], table["prediction"], table["rule"]):
    ...     print(f"{share:4.0%}  class {label}  {rule}")
      1%  class 0  petal width (cm) <= 0.80 and sepal width (cm) <= 2.60
     33%  class 0  petal width (cm) <= 0.80 and (sepal width (cm) > 2.60 or missing)
     36%  class 1  0.80 < petal width (cm) <= 1.75 or missing
     31%  class 2  petal width (cm) > 1.75
    """
    check_is_fitted(distilled, "student_")
    pd = import_optional("pandas")
    trees = student_trees(distilled, input_names(distilled, feature_names))
    if hasattr(final_step(distilled.student_), "tree_"):
        records = [_leaf_record(distilled, leaf, conditions, decimals)
                   for leaf, conditions in leaf_paths(trees[0][2])]
    else:
        records = [
            {"tree": index, "class": _margin_class(distilled, klass), "leaf": leaf.node,
             "rule": rule_text(conditions, decimals), "share": leaf.share,
             "margin": leaf.output, "sql": rule_sql(conditions)}
            for index, klass, root in trees for leaf, conditions in leaf_paths(root)
        ]
    return pd.DataFrame.from_records(records)


def _leaf_record(distilled, leaf, conditions, decimals):
    record = {"leaf": leaf.node, "rule": rule_text(conditions, decimals), "share": leaf.share}
    if hasattr(distilled, "classes_"):
        record.update({f"P({label})": p for label, p in zip(distilled.classes_, leaf.output)})
        record["prediction"] = distilled.classes_[int(np.argmax(leaf.output))]
    else:
        record["value"] = leaf.output
    record["sql"] = rule_sql(conditions)
    return record


def _margin_class(distilled, klass):
    if not hasattr(distilled, "classes_"):
        return None
    classes = distilled.classes_
    return classes[1] if len(classes) == 2 else classes[klass]


def scorecard(distilled, feature_names=None, *, points_to_double_odds=20.0, base_score=600.0,
              base_odds=1.0):
    """A linear student as a scorecard: one row per term, with its coefficient and points.

    Terms are on the columns of X: a numeric column's coefficient is per
    unit of the column (a scaler before the model is undone, its shift moved
    into the base), a category's is added when the column holds it (one-hot
    and ordinal encoders read back to category names), and an imputed
    column says which value stands in for a missing one. Coefficients are
    on the student's margin at T = 1: the log-odds of the positive class for
    a binary classifier, each class's softmax score for a multiclass one, the
    prediction for a regressor.

    Points follow the usual scorecard scaling, for binary classifiers: the
    score is ``base_score + factor * (log_odds - log(base_odds))`` with
    ``factor = points_to_double_odds / log(2)``, so that ``base_score`` points
    mean odds of ``base_odds`` for the positive class and every
    ``points_to_double_odds`` more points double them. A row's score is the
    base row's points, plus each ``per unit`` row's points times the
    column's value (its ``missing_as`` when missing), plus the points of each
    ``when true`` row whose term holds.

    Parameters
    ----------
    distilled : DistilledClassifier or DistilledRegressor
        A fitted distiller whose student is a linear model (``coef_``),
        alone or ending a Pipeline of ColumnTransformer, OneHotEncoder,
        OrdinalEncoder, SimpleImputer and scalers (as
        :func:`skdistill.make_linear_student` builds).
    feature_names : list of str, default=None
        Names of the columns of X; ``None`` takes ``feature_names_in_``,
        else ``x0``, ``x1``, ...
    points_to_double_odds : float, default=20.0
        Points that double the odds of the positive class.
    base_score : float, default=600.0
        Score at odds ``base_odds``.
    base_odds : float, default=1.0
        Odds (positive to negative) that ``base_score`` stands for.

    Returns
    -------
    scorecard : pandas.DataFrame
        Columns ``feature`` (a column of X, or ``"(base)"``), ``term``,
        ``kind`` (``"base"``, ``"per unit"`` or ``"when true"``),
        ``coefficient``, ``missing_as`` (the value a missing entry counts
        as, where an imputer sets one), and for a binary classifier
        ``points``; for a multiclass one, ``class`` first.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdistill import DistilledClassifier
    >>> from skdistill.inspection import scorecard
    >>> X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    >>> X = X[["mean radius", "mean texture"]]
    >>> forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> student = make_pipeline(StandardScaler(), LogisticRegression())
    >>> distilled = DistilledClassifier(forest, student, alpha=0.5, random_state=0).fit(X, y)
    >>> scorecard(distilled)[["feature", "kind", "coefficient", "points"]].round(2)
            feature      kind  coefficient   points
    0        (base)      base        17.65  1109.20
    1   mean radius  per unit        -0.94   -27.00
    2  mean texture  per unit        -0.20    -5.64
    """
    check_is_fitted(distilled, "student_")
    pd = import_optional("pandas")
    for name, value in (("points_to_double_odds", points_to_double_odds),
                        ("base_odds", base_odds)):
        if not value > 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}.")
    model = final_step(distilled.student_)
    if not hasattr(model, "coef_"):
        raise ValueError(
            f"scorecard reads a linear student (coef_); the student is a "
            f"{type(model).__name__}. Distil into LogisticRegression or Ridge (for example "
            "make_linear_student), or read a tree student with rules."
        )
    names = input_names(distilled, feature_names)
    intercepts, rows = linear_terms(distilled.student_, names, margin_scale(distilled, model))
    classes = getattr(distilled, "classes_", None)
    # Points scale log-odds: a binary classifier's margin.
    points = classes is not None and is_classifier(model) and len(rows) == 1
    factor = points_to_double_odds / math.log(2.0)
    records = []
    for r, (intercept, terms) in enumerate(zip(intercepts, rows)):
        label = {} if len(rows) == 1 else {"class": classes[r]}
        base = {**label, "feature": "(base)", "term": "intercept", "kind": "base",
                "coefficient": intercept, "missing_as": None}
        if points:
            base["points"] = base_score + factor * (intercept - math.log(base_odds))
        records.append(base)
        for term in terms:
            record = {**label, "feature": term.column, "term": term.text,
                      "kind": "per unit" if term.per_unit else "when true",
                      "coefficient": term.coefficient, "missing_as": term.missing_as}
            if points:
                record["points"] = factor * term.coefficient
            records.append(record)
    return pd.DataFrame.from_records(records)
