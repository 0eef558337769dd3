"""DistilledClassifier and DistilledRegressor: teacher, soft targets, student."""

from numbers import Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    RegressorMixin,
    _fit_context,
    clone,
    is_regressor,
)
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils import get_tags
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    _check_y,
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from ._fitting import final_step
from ._seeding import seed_unset_random_states
from ._students import CLASSIFICATION_STRATEGIES, REGRESSION_STRATEGIES, Lesson, choose_strategy
from ._teacher_cache import teacher_output_cache
from ._teachers import (
    as_teacher,
    check_teacher_features,
    check_teacher_kind,
    fitted_teacher,
    is_fitted,
    share_if_fitted,
)

def _student_has(method):
    """``available_if`` check: the student (fitted, given or default) offers ``method``."""

    def check(self):
        student = getattr(self, "student_", self.student)
        if student is None:
            student = self._default_student()
        if is_regressor(final_step(student)):
            return method == "predict_proba"
        getattr(student, method)
        return True

    return check


def _is_dataframe(X):
    return hasattr(X, "columns") and hasattr(X, "iloc")


class _BaseDistiller(MetaEstimatorMixin, BaseEstimator):
    """What both distillers share: validation, the teacher, the student."""

    _parameter_constraints = {
        "teacher": "no_validation",
        "student": "no_validation",
        "alpha": [Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
    }

    def __sklearn_clone__(self):
        # A fitted teacher is shared, not re-fitted: clone() of a plain fitted
        # estimator returns an unfitted copy, which would silently discard it.
        params = {
            name: share_if_fitted(value) if name == "teacher" else clone(value, safe=False)
            for name, value in self.get_params(deep=False).items()
        }
        return type(self)(**params)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        teacher_tags = self._tags_of(self.teacher, self._default_teacher)
        student_tags = self._tags_of(self.student, self._default_student)
        tags.input_tags.allow_nan = (
            teacher_tags.input_tags.allow_nan and student_tags.input_tags.allow_nan
        )
        tags.input_tags.sparse = teacher_tags.input_tags.sparse and student_tags.input_tags.sparse
        return tags

    @staticmethod
    def _tags_of(model, default):
        try:
            return get_tags(default() if model is None else model)
        except (AttributeError, TypeError):
            # A raw booster, torch module or list of teachers: its input is
            # checked by the model itself at fit time.
            return get_tags(default())

    def _validate_X(self, X, reset, y=None):
        if _is_dataframe(X):
            # DataFrames reach teacher and student as given, categoricals intact.
            validate_data(self, X, reset=reset, skip_check_array=True)
            return X
        tags = self.__sklearn_tags__()
        return validate_data(
            self,
            X,
            reset=reset,
            dtype=None,
            accept_sparse=["csr", "csc"] if tags.input_tags.sparse else False,
            ensure_all_finite="allow-nan" if tags.input_tags.allow_nan else True,
        )

    def _validate_fit_data(self, X, y, sample_weight, y_numeric):
        X = self._validate_X(X, reset=True)
        y = _check_y(y, y_numeric=y_numeric)
        check_consistent_length(X, y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
        return X, y, sample_weight

    def _fit_teacher(self, X, y, sample_weight, kind):
        teacher = self._default_teacher() if self.teacher is None else self.teacher
        check_teacher_kind(teacher, kind, type(self).__name__)
        if is_fitted(teacher):
            feature_names = getattr(self, "feature_names_in_", None)
            check_teacher_features(teacher, self.n_features_in_, feature_names)
        return fitted_teacher(teacher, X, y, sample_weight, self.random_state)

    def _teacher_output(self, adapter, X, method):
        output = teacher_output_cache.get_or_compute(adapter.estimator, X, getattr(adapter, method))
        if not np.all(np.isfinite(output)):
            raise ValueError(
                f"The `teacher` {type(adapter.estimator).__name__} returned non-finite "
                "outputs (NaN or inf) on X. Check X for values the teacher cannot "
                "handle, or the teacher itself."
            )
        return output

    def _fit_student(self, lesson, strategies):
        student = self.student if self.student is not None else self._default_student()
        strategy = choose_strategy(student, strategies, self.strategy)
        student = seed_unset_random_states(clone(student), self.random_state)
        self.student_ = strategy.fit(student, lesson)
        self.strategy_ = strategy.name


class DistilledClassifier(ClassifierMixin, _BaseDistiller):
    """A student classifier trained to imitate a teacher's soft predictions.

    The teacher's raw margins are softened by ``temperature``, blended with
    the one-hot labels by ``alpha`` and taught to ``student`` (Hinton, Vinyals
    and Dean, 2015). Predictions are made at T = 1.

    Parameters
    ----------
    teacher : estimator, list of estimators or None, default=None
        The model to imitate. A *fitted* teacher is used as given: it is never
        refit or copied, and ``clone``/``GridSearchCV`` share it by reference.
        An unfitted teacher is cloned and fitted on ``(X, y)`` in ``fit``;
        ``None`` means ``HistGradientBoostingClassifier()``. Any scikit-learn
        classifier or Pipeline ending in one, :class:`sklearn.frozen.FrozenEstimator`,
        LightGBM (including a raw ``Booster``), XGBoost and CatBoost models, a
        :class:`~skdistill.TeacherEnsemble` or a plain list (averaged in
        log-probability space). Raw margins are taken from
        ``decision_function`` where it exists, else the log of ``predict_proba``.
    student : estimator or None, default=None
        The model to train, cloned in ``fit``. Any classifier whose ``fit``
        takes ``sample_weight``, any regressor (fit on the class
        probabilities), or a Pipeline ending in one. ``None`` means
        ``DecisionTreeClassifier(max_depth=6)``: 64 leaves stay readable, and
        distilled trees gain the most over label-fit ones from depth 6 on,
        where trees fit on labels start to overfit.
    temperature : float, default=1.0
        Softening of the teacher's distribution, ``softmax(logits / T)``. The
        default 1.0 copies the teacher's probabilities as they are: students
        that learn a distribution directly (trees, forests, linear models)
        gained nothing from T > 1 in our measurements, and the softening is
        undone at prediction. Tune it like any hyperparameter.
    alpha : float, default=0.5
        Weight of the teacher's soft targets against the true labels (1.0 is
        pure imitation, 0.0 ignores the teacher). The default 0.5 balances
        fidelity and accuracy, and keeps the labels' signal where the teacher
        is overconfident on its own training rows.
    strategy : {"auto", "weighted_rows", "soft_regression"}, default="auto"
        How the student learns the soft targets. ``"weighted_rows"`` repeats
        each row once per plausible class with its soft probability as sample
        weight (exact soft cross-entropy for logistic regression, soft Gini
        for trees); ``"soft_regression"`` fits a regressor to the
        probabilities. ``"auto"`` picks the first that fits the student.
    random_state : int, RandomState instance or None, default=None
        Seeds every ``random_state`` left at None in the teacher (when fitted
        here) and the student, so the same value gives the same model.

    Attributes
    ----------
    teacher_ : object
        The teacher that gave the targets: the one passed if it was fitted,
        else the clone fitted in ``fit``.
    student_ : estimator
        The fitted student.
    strategy_ : str
        The strategy that trained the student.
    classes_ : ndarray of shape (n_classes,)
        Class labels, from ``y``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    DistilledRegressor : The same for regression.
    TeacherEnsemble : Several teachers acting as one.

    References
    ----------
    G. Hinton, O. Vinyals and J. Dean, "Distilling the Knowledge in a Neural
    Network", 2015.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skdistill import DistilledClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> forest = RandomForestClassifier(n_estimators=50, random_state=0).fit(X, y)
    >>> distilled = DistilledClassifier(
    ...     forest, DecisionTreeClassifier(max_depth=3), random_state=0
    ... ).fit(X, y)
    >>> distilled.teacher_ is forest
    True
    >>> distilled.predict_proba(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints = {
        **_BaseDistiller._parameter_constraints,
        "temperature": [Interval(Real, 0, None, closed="neither")],
        "strategy": [StrOptions({"auto", *CLASSIFICATION_STRATEGIES})],
    }

    def __init__(
        self,
        teacher=None,
        student=None,
        *,
        temperature=1.0,
        alpha=0.5,
        strategy="auto",
        random_state=None,
    ):
        self.teacher = teacher
        self.student = student
        self.temperature = temperature
        self.alpha = alpha
        self.strategy = strategy
        self.random_state = random_state

    @staticmethod
    def _default_teacher():
        return HistGradientBoostingClassifier()

    @staticmethod
    def _default_student():
        return DecisionTreeClassifier(max_depth=6)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit the teacher if needed, then the student on the soft targets.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data, passed to teacher and student as given.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights, used by the teacher's fit (when fitted here) and by
            the student's.

        Returns
        -------
        self : DistilledClassifier
            The fitted distiller.
        """
        X, y, sample_weight = self._validate_fit_data(X, y, sample_weight, y_numeric=False)
        check_classification_targets(y)
        self.classes_, y_encoded = np.unique(y, return_inverse=True)
        self.teacher_ = self._fit_teacher(X, y, sample_weight, "classifier")
        adapter = as_teacher(self.teacher_, "classifier")
        logits = self._teacher_output(adapter, X, "logits")
        lesson = Lesson(
            X=X,
            y=y_encoded,
            teacher_output=self._in_class_order(logits, adapter.classes_),
            alpha=self.alpha,
            temperature=self.temperature,
            sample_weight=sample_weight,
        )
        self._fit_student(lesson, CLASSIFICATION_STRATEGIES)
        return self

    def _in_class_order(self, logits, teacher_classes):
        """The teacher's logits with columns in the order of ``classes_``."""
        columns = self._teacher_columns(teacher_classes)
        if np.array_equal(columns, np.arange(logits.shape[1])):
            return logits  # no copy: with many classes it is as large as X
        return logits[:, columns]

    def _teacher_columns(self, teacher_classes):
        """Column of each of ``classes_`` in the teacher's outputs, matched by value."""
        position = {label: i for i, label in enumerate(teacher_classes.tolist())}
        unknown = [label for label in self.classes_.tolist() if label not in position]
        if unknown:
            raise ValueError(
                f"y holds labels the `teacher` does not know: {unknown[:5]}. The "
                f"teacher's classes are {teacher_classes.tolist()[:10]}. Use a teacher "
                "fitted on these labels, or relabel y to match it."
            )
        return np.array([position[label] for label in self.classes_.tolist()])

    @property
    def _strategy(self):
        return CLASSIFICATION_STRATEGIES[self.strategy_]

    @available_if(_student_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities at T = 1.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        return self._strategy.predict_proba(
            self.student_, X, len(self.classes_), self.temperature
        )

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`."""
        return np.log(self.predict_proba(X))

    @available_if(_student_has("decision_function"))
    def decision_function(self, X):
        """The student's margins, rescaled to T = 1.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Margins; one column for binary problems, as in scikit-learn.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        return self._strategy.decision_function(
            self.student_, X, len(self.classes_), self.temperature
        )

    def predict(self, X):
        """Most probable class.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        codes = self._strategy.predict(self.student_, X, len(self.classes_))
        return self.classes_[codes]


class DistilledRegressor(RegressorMixin, _BaseDistiller):
    """A student regressor trained on a blend of a teacher's predictions and y.

    The student learns ``alpha * teacher.predict(X) + (1 - alpha) * y``.

    Parameters
    ----------
    teacher : estimator, list of estimators or None, default=None
        The model to imitate. A *fitted* teacher is used as given, never
        refit or copied; an unfitted one is cloned and fitted on ``(X, y)``;
        ``None`` means ``HistGradientBoostingRegressor()``. Any scikit-learn
        regressor or Pipeline ending in one, LightGBM (including a raw
        ``Booster``), XGBoost and CatBoost models, a
        :class:`~skdistill.TeacherEnsemble` or a list (averaged).
    student : estimator or None, default=None
        The regressor to train, cloned in ``fit``; ``None`` means
        ``DecisionTreeRegressor(max_depth=6)``.
    alpha : float, default=0.5
        Weight of the teacher's predictions against y. The teacher's
        predictions are smoother than y, which helps small students; 0.5
        keeps the labels' signal where the teacher fits its own training rows
        too closely.
    strategy : {"auto", "blended_regression"}, default="auto"
        How the student learns; ``"auto"`` picks the first that fits.
    random_state : int, RandomState instance or None, default=None
        Seeds every ``random_state`` left at None in the teacher (when fitted
        here) and the student.

    Attributes
    ----------
    teacher_ : object
        The teacher that gave the targets.
    student_ : estimator
        The fitted student.
    strategy_ : str
        The strategy that trained the student.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    DistilledClassifier : The same for classification.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.ensemble import RandomForestRegressor
    >>> from skdistill import DistilledRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> forest = RandomForestRegressor(n_estimators=50, random_state=0).fit(X, y)
    >>> distilled = DistilledRegressor(forest, random_state=0).fit(X, y)
    >>> distilled.predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints = {
        **_BaseDistiller._parameter_constraints,
        "strategy": [StrOptions({"auto", *REGRESSION_STRATEGIES})],
    }

    def __init__(
        self, teacher=None, student=None, *, alpha=0.5, strategy="auto", random_state=None
    ):
        self.teacher = teacher
        self.student = student
        self.alpha = alpha
        self.strategy = strategy
        self.random_state = random_state

    @staticmethod
    def _default_teacher():
        return HistGradientBoostingRegressor()

    @staticmethod
    def _default_student():
        return DecisionTreeRegressor(max_depth=6)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit the teacher if needed, then the student on the blended targets.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data, passed to teacher and student as given.
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights for the teacher's fit (when fitted here) and the student's.

        Returns
        -------
        self : DistilledRegressor
            The fitted distiller.
        """
        X, y, sample_weight = self._validate_fit_data(X, y, sample_weight, y_numeric=True)
        self.teacher_ = self._fit_teacher(X, y, sample_weight, "regressor")
        adapter = as_teacher(self.teacher_, "regressor")
        predictions = self._teacher_output(adapter, X, "predictions")
        lesson = Lesson(
            X=X,
            y=np.asarray(y, dtype=np.float64),
            teacher_output=predictions,
            alpha=self.alpha,
            sample_weight=sample_weight,
        )
        self._fit_student(lesson, REGRESSION_STRATEGIES)
        return self

    def predict(self, X):
        """The student's predictions.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted values.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        return self.student_.predict(X)
