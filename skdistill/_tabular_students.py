"""Tree, linear and MLP students that take a DataFrame as the teacher took it.

A teacher such as LightGBM reads string and categorical columns and NaN; a
bare scikit-learn tree or linear model does not. These factories put the
encoding in front of the student, in a form the rules and the scorecard read
back to category names (``export_text``, ``skdistill.inspection``), and
``check_student_input`` refuses a student that cannot take X before the
teacher pass, naming them.
"""

import numpy as np
from sklearn.base import is_regressor
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils import get_tags

from ._columns import _ColumnsOfKind
from ._fitting import final_step
from ._mlp_students import MLPStudentClassifier, MLPStudentRegressor
from ._optional import comes_from

_TASKS = ("classification", "regression")


def make_tree_student(task="classification", **tree_params):
    """A Pipeline that encodes a DataFrame's categories and ends in a decision tree.

    String, categorical and bool columns are ordinal-encoded
    (:class:`~sklearn.preprocessing.OrdinalEncoder`), with missing values and
    categories unseen in training encoded as NaN, so that the tree's own
    missing-value handling sends them one way at each split; numeric columns
    pass through as they are, NaN included. The tree sees the numeric columns
    first, in X's order, then the categorical ones (index ``monotonic_cst``
    that way). :func:`~skdistill.export_text`, :func:`skdistill.export.export_sql`
    and :func:`skdistill.inspection.rules` read the codes back to category
    names.

    Parameters
    ----------
    task : {"classification", "regression"}, default="classification"
        Ends in :class:`~sklearn.tree.DecisionTreeClassifier` or
        :class:`~sklearn.tree.DecisionTreeRegressor`.
    **tree_params : dict
        Parameters of the tree (``max_depth``, ``min_samples_leaf``,
        ``monotonic_cst``...).

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Steps ``"encode"`` and ``"tree"``.

    See Also
    --------
    make_linear_student : The same for a linear student.
    check_student_input : What refuses a bare tree on such a DataFrame.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skdistill import make_tree_student
    >>> X = pd.DataFrame({"size": [1.0, np.nan, 3.0, 4.0] * 5,
    ...                   "colour": ["red", "blue", None, "red"] * 5})
    >>> y = np.array([0, 1, 0, 1] * 5)
    >>> student = make_tree_student(max_depth=2, random_state=0).fit(X, y)
    >>> student.predict(pd.DataFrame({"size": [2.0], "colour": ["green"]}))
    array([0])
    """
    _check_task(task)
    tree = DecisionTreeClassifier if task == "classification" else DecisionTreeRegressor
    codes = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                           encoded_missing_value=np.nan)
    encode = ColumnTransformer(
        [("numeric", "passthrough", _ColumnsOfKind(categorical=False)),
         ("categorical", codes, _ColumnsOfKind(categorical=True))],
        verbose_feature_names_out=False,
    )
    return Pipeline([("encode", encode), ("tree", tree(**tree_params))])


def make_linear_student(task="classification", *, max_categories=32, **linear_params):
    """A Pipeline that prepares a DataFrame and ends in a linear model.

    Categorical columns (object, string, category, bool) are one-hot encoded,
    missing values as their own category and rare values pooled
    (``max_categories``); numeric columns get their NaN replaced by the median
    with a missing-value indicator, and are standardised.
    :func:`skdistill.inspection.scorecard` reads the coefficients back per
    category and per unit of each column.

    Parameters
    ----------
    task : {"classification", "regression"}, default="classification"
        Ends in :class:`~sklearn.linear_model.LogisticRegression` or
        :class:`~sklearn.linear_model.Ridge`.
    max_categories : int, default=32
        Most one-hot columns per categorical feature.
    **linear_params : dict
        Parameters of the linear model (``C``, ``alpha``, ``max_iter``...).

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Steps ``"preprocess"`` and ``"linear"``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skdistill import make_linear_student
    >>> X = pd.DataFrame({"size": [1.0, np.nan, 3.0, 4.0] * 5,
    ...                   "colour": ["red", "blue", None, "red"] * 5})
    >>> y = np.array([0, 1, 0, 1] * 5)
    >>> make_linear_student().fit(X, y).predict(X[:2])
    array([0, 1])
    """
    _check_task(task)
    numeric = make_pipeline(SimpleImputer(strategy="median", add_indicator=True),
                            StandardScaler())
    categorical = OneHotEncoder(handle_unknown="infrequent_if_exist",
                                max_categories=max_categories, sparse_output=False)
    preprocess = ColumnTransformer(
        [("numeric", numeric, _ColumnsOfKind(categorical=False)),
         ("categorical", categorical, _ColumnsOfKind(categorical=True))],
        sparse_threshold=0.0,
    )
    linear = LogisticRegression if task == "classification" else Ridge
    return Pipeline([("preprocess", preprocess), ("linear", linear(**linear_params))])


def _check_task(task):
    if task not in _TASKS:
        raise ValueError(f"`task` must be 'classification' or 'regression', got {task!r}.")


def check_student_input(student, X):
    """Raise when ``student`` cannot take the string or categorical columns of ``X``.

    A bare scikit-learn tree or linear model needs numbers: fitted on a
    DataFrame with string or categorical columns it fails inside its own
    ``fit``, after the teacher pass. The distillers call this check first.
    A Pipeline (its first steps encode), an estimator that declares
    categorical input (HistGradientBoosting) and LightGBM take pandas
    categoricals; nothing but a Pipeline takes raw strings (object columns).

    Parameters
    ----------
    student : estimator or None
        The student (or assistant); ``None`` passes.
    X : array-like or DataFrame
        The rows it will be fitted on.

    Raises
    ------
    ValueError
        Naming the columns and the fix: :func:`make_tree_student` or
        :func:`make_linear_student`, or encode X first.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skdistill import check_student_input, make_tree_student
    >>> X = pd.DataFrame({"plan": ["basic", "premium"], "age": [30, 40]})
    >>> check_student_input(make_tree_student(max_depth=3), X)
    >>> check_student_input(DecisionTreeClassifier(max_depth=3), X)
    Traceback (most recent call last):
    ...
    ValueError: The student DecisionTreeClassifier cannot take the string or categorical ...
    """
    refused, takes_categories = _refused_columns(student, X)
    if not refused:
        return
    if takes_categories:
        needs = "numbers and pandas categoricals, not strings"
        fix = "Convert them to pandas categoricals (X.astype({column: 'category'})), or use"
    else:
        needs, fix = "numbers", "Use"
    raise ValueError(
        f"The student {type(final_step(student)).__name__} cannot take the string or "
        "categorical columns "
        f"{refused[:10]} of X (it takes {needs}; its fit would fail after the teacher pass). "
        f"{fix} make_tree_student(...) or make_linear_student(...) as the student: they "
        "encode these columns so that export_text and skdistill.inspection read the category "
        "names back. Or encode X before the distiller."
    )


def _refused_columns(student, X):
    """The columns of ``X`` the student cannot take, and whether it takes categoricals."""
    if student is None or not hasattr(X, "dtypes") or len(getattr(student, "steps", ())) > 1:
        return [], True  # a Pipeline's first steps encode
    model = final_step(student)
    categorical = {str(name): dtype for name, dtype in X.dtypes.items()
                   if str(dtype) == "category"}
    strings = [str(name) for name, dtype in X.dtypes.items() if str(name) not in categorical
               and (dtype.kind in "OSU" or str(dtype) in ("str", "string"))]
    # Categoricals of numbers convert to their values; of strings, they fail.
    categories = [name for name, dtype in categorical.items()
                  if dtype.categories.dtype.kind not in "biuf"]
    takes_categories = _takes_categoricals(model)
    refused = set(strings if takes_categories else strings + categories)
    return [str(name) for name in X.columns if str(name) in refused], takes_categories


def _takes_categoricals(model):
    """LightGBM and HistGradientBoosting read pandas categoricals as categories."""
    if comes_from(model, "lightgbm"):
        return True
    if isinstance(model, (HistGradientBoostingClassifier, HistGradientBoostingRegressor)):
        return model.categorical_features == "from_dtype"
    try:
        return bool(get_tags(model).input_tags.categorical)
    except (AttributeError, TypeError, ValueError):
        return True  # not a scikit-learn estimator: let it try


def student_for_input(student, default, X):
    """The student to fit on ``X``: ``student`` once checked, or a default that takes X.

    With ``student=None`` and a DataFrame holding string or categorical
    columns, the default tree ``default`` becomes :func:`make_tree_student`
    with the same parameters, so it takes them and its rules read back.
    """
    if student is not None:
        check_student_input(student, X)
        return student
    if _refused_columns(default, X)[0]:
        task = "regression" if is_regressor(default) else "classification"
        return make_tree_student(task, **default.get_params())
    return default


def make_mlp_student(task="classification", *, max_categories=32, **mlp_params):
    """A Pipeline that prepares a DataFrame as it comes and ends in an MLP student.

    Categorical columns (object, string, category, bool) are one-hot encoded
    with missing values as their own category and rare values pooled
    (``max_categories``); numeric columns get their NaN replaced by the
    median, a missing-value indicator, and are standardised.

    Parameters
    ----------
    task : {"classification", "regression"}, default="classification"
        Ends in :class:`MLPStudentClassifier` or :class:`MLPStudentRegressor`.
    max_categories : int, default=32
        Most one-hot columns per categorical feature.
    **mlp_params : dict
        Parameters of the MLP student.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Steps ``"preprocess"`` and ``"mlp"``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skdistill import make_mlp_student
    >>> X = pd.DataFrame({"size": [1.0, np.nan, 3.0, 4.0] * 5,
    ...                   "colour": ["red", "blue", None, "red"] * 5})
    >>> y = np.array([0, 1, 0, 1] * 5)
    >>> student = make_mlp_student(max_epochs=3, random_state=0).fit(X, y)
    >>> student.predict(X[:2]).shape
    (2,)
    """
    if task not in ("classification", "regression"):
        raise ValueError(
            f"`task` must be 'classification' or 'regression', got {task!r}."
        )
    numeric = make_pipeline(SimpleImputer(strategy="median", add_indicator=True),
                            StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="missing"),
        OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=max_categories,
                      sparse_output=False),
    )
    preprocess = ColumnTransformer(
        [("numeric", numeric, _ColumnsOfKind(categorical=False)),
         ("categorical", categorical, _ColumnsOfKind(categorical=True))],
        sparse_threshold=0.0,
    )
    mlp = MLPStudentClassifier if task == "classification" else MLPStudentRegressor
    return Pipeline([("preprocess", preprocess), ("mlp", mlp(**mlp_params))])
