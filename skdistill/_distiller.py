"""DistilledClassifier and DistilledRegressor: teacher, soft targets, student.

The distillers orchestrate and nothing else: validation, the teacher
(``_fitting``, ``_teacher_outputs``), the transfer set (``_transfer``), the
chain of students (``_chain``) and the student strategies (``_students``).
"""

from numbers import Integral, Real

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
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    _check_y,
    _num_samples,
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from . import _docstrings as docs
from ._adapters import check_teacher_features, check_teacher_kind, is_fitted
from ._chain import fit_chain
from ._ensemble import ensemble_of
from ._fitting import final_step, fitted_teacher, share_if_fitted
from ._persistence import is_detached, put_back, without_teacher
from ._strategy import Lesson
from ._students import CLASSIFICATION_STRATEGIES, REGRESSION_STRATEGIES
from ._teacher_outputs import teacher_logits, teacher_predictions
from ._transactions import atomic_fit
from ._transfer import (
    augmentation_seed,
    check_same_kind,
    draw_augmented_rows,
    is_dataframe,
    matching_rows,
    n_augmented_rows,
    resolve_augmenter,
    stack_rows,
    transfer_sample_weight,
)
from .augment import AUGMENTERS


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


class _BaseDistiller(MetaEstimatorMixin, BaseEstimator):
    """What both distillers share: validation, the teacher, the transfer set, the student."""

    _parameter_constraints = {
        "teacher": "no_validation",
        "student": "no_validation",
        "assistant": "no_validation",
        "n_generations": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, 1, closed="both")],
        "augment": [None, StrOptions(set(AUGMENTERS)), HasMethods(["sample"])],
        "augment_size": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 100, closed="right"),
        ],
        "transfer_weight": [Interval(Real, 0, None, closed="neither")],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
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

    def set_params(self, **params):
        """Set the parameters of this distiller (see :meth:`sklearn.base.BaseEstimator.set_params`).

        A fitted teacher is read-only: ``teacher__*`` parameters are refused
        while the teacher is fitted, since setting them would change the
        user's model under its fitted state. Setting ``teacher`` to the fitted
        teacher on a copy made by :meth:`without_teacher` puts it back.

        Parameters
        ----------
        **params : dict
            Parameters, nested ones as ``<component>__<parameter>``.

        Returns
        -------
        self : estimator
            This distiller.
        """
        teacher = params.get("teacher", self.teacher)
        nested = sorted(name for name in params if name.startswith("teacher__"))
        if nested and _is_prefit(teacher):
            raise ValueError(
                f"Cannot set {nested} on the fitted `teacher` {type(teacher).__name__}: "
                "a fitted teacher is read-only through the distiller (setting its "
                "parameters would not refit it, and would change your model). To tune "
                "the teacher, pass an unfitted one, e.g. teacher=clone(teacher): it is then "
                "fitted in every fit, once per candidate of a search."
            )
        super().set_params(**params)
        if "teacher" in params and is_detached(getattr(self, "teacher_", None)):
            self._put_teacher_back(params["teacher"])
        return self

    def _put_teacher_back(self, teacher):
        if not _is_prefit(teacher) or is_detached(teacher):
            return  # an unfitted teacher is fitted by the next fit
        teacher = ensemble_of(teacher)
        check_teacher_kind(teacher, self._kind, type(self).__name__)
        check_teacher_features(teacher, self.n_features_in_,
                               getattr(self, "feature_names_in_", None))
        put_back(self, teacher)

    def without_teacher(self):
        """A copy of this fitted distiller without its teacher, to save at the size of the student.

        Pickles, deep copies and the copies that process-based parallelism
        makes keep the teacher. This copy holds a small stand-in instead: it
        predicts as the distiller does, and anything that needs the teacher
        (refitting, :func:`~skdistill.metrics.fidelity_scorer`, the displays)
        raises until ``set_params(teacher=fitted_teacher)`` puts it back.

        Returns
        -------
        distiller : estimator
            A fitted copy whose ``teacher`` and ``teacher_`` are stand-ins.
        """
        check_is_fitted(self)
        return without_teacher(self)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        teacher = self.student if self._teaches_itself() else self.teacher
        teacher_tags = self._tags_of(teacher, self._default_teacher)
        student_tags = self._tags_of(self.student, self._default_student)
        tags.input_tags.allow_nan = (
            teacher_tags.input_tags.allow_nan and student_tags.input_tags.allow_nan
        )
        tags.input_tags.sparse = (
            teacher_tags.input_tags.sparse
            and student_tags.input_tags.sparse
            and self.augment is None  # augmenters take dense arrays and DataFrames
        )
        return tags

    @staticmethod
    def _tags_of(model, default):
        try:
            return get_tags(default() if model is None else model)
        except (AttributeError, TypeError):
            # A raw booster, torch module, function or list of teachers: its
            # input is checked by the model itself at fit time.
            return get_tags(default())

    def _validate_X(self, X, reset):
        if is_dataframe(X):
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

    def _teaches_itself(self):
        if not isinstance(self.teacher, str):
            return False
        if self.teacher != "self":
            raise ValueError(
                f"`teacher` must be a model, a list of models, None or 'self' (born-again "
                f"distillation); got the string {self.teacher!r}."
            )
        return True

    def _fit_teacher(self, X, y, sample_weight):
        if self._teaches_itself():
            # Born-again: the student's own architecture, trained on the labels, teaches.
            teacher = clone(self._student())
        else:
            teacher = self._default_teacher() if self.teacher is None else self.teacher
        if isinstance(teacher, (list, tuple)) and not teacher:
            raise ValueError("`teacher` is an empty list: pass a model, a non-empty list of "
                             "models, None (the default teacher) or 'self'.")
        teacher = ensemble_of(teacher)
        check_teacher_kind(teacher, self._kind, type(self).__name__)
        if is_detached(teacher):
            raise teacher.error()
        if is_fitted(teacher):
            check_teacher_features(teacher, self.n_features_in_,
                                   getattr(self, "feature_names_in_", None))
        return fitted_teacher(teacher, X, y, sample_weight, self.random_state)

    def _transfer_rows(self, X, X_unlabeled):
        """Augmented rows, then ``X_unlabeled``: the rows only the teacher labels."""
        parts = []
        if X_unlabeled is not None:
            check_same_kind(X_unlabeled, X)
            if _num_samples(X_unlabeled) == 0:
                raise ValueError("X_unlabeled has no rows: pass None to fit without "
                                 "unlabelled rows, or rows with the columns of X.")
            X_unlabeled = matching_rows(self._validate_X(X_unlabeled, reset=False), X)
        augmenter = resolve_augmenter(self.augment)
        if augmenter is not None:
            source = X if X_unlabeled is None else stack_rows([X, X_unlabeled])
            n_rows = n_augmented_rows(self.augment_size, _num_samples(X))
            seed = augmentation_seed(self.random_state)
            parts.append(draw_augmented_rows(augmenter, source, n_rows, seed, self.verbose))
        if X_unlabeled is not None:
            parts.append(X_unlabeled)
        parts = [part for part in parts if _num_samples(part) > 0]
        return stack_rows(parts) if parts else None

    def _caches_transfer(self):
        # Augmented rows repeat only under an integer random_state; caching
        # other draws would only evict the real rows' entries.
        return self.augment is None or isinstance(self.random_state, Integral)

    def _lesson(self, X, y, teacher, sample_weight, transfer, cache):
        """The Lesson from ``teacher``: real rows with labels, then transfer rows."""
        teacher_output = self._ask(teacher, X, cache)
        extra = {"teacher": teacher, "temperature": getattr(self, "temperature", 1.0)}
        if transfer is None:
            return Lesson(X=X, y=y, teacher_output=teacher_output, alpha=self.alpha,
                          sample_weight=sample_weight, **extra)
        transfer_output = self._ask(teacher, transfer, cache and self._caches_transfer())
        n_samples, n_transfer = _num_samples(X), _num_samples(transfer)
        return Lesson(
            X=stack_rows([X, transfer]),
            y=np.concatenate([y, np.zeros(n_transfer, dtype=y.dtype)]),
            teacher_output=np.concatenate([teacher_output, transfer_output]),
            alpha=self.alpha,
            sample_weight=transfer_sample_weight(
                sample_weight, n_samples, n_transfer, self.transfer_weight
            ),
            labelled=np.arange(n_samples + n_transfer) < n_samples,
            **extra,
        )

    def _student(self):
        return self.student if self.student is not None else self._default_student()

    def _fit_distillation(self, X, y, sample_weight, X_unlabeled, targets):
        """The teacher (fitted on ``y``), the transfer set, then the chain of students.

        ``targets`` are what the students learn: ``y`` as class codes, or as floats.
        """
        self.teacher_ = self._fit_teacher(X, y, sample_weight)
        transfer = self._transfer_rows(X, X_unlabeled)
        fit_chain(self, X, targets, sample_weight, transfer)
        return self

    def _strategy_class(self, name=None):
        return self._strategies[self.strategy if name is None else name]


def _is_prefit(teacher):
    """A teacher the distiller would use as given (fitted), not fit itself."""
    if teacher is None or isinstance(teacher, str):
        return False
    if isinstance(teacher, (list, tuple)):
        return bool(teacher) and is_fitted(list(teacher))
    return is_fitted(teacher)


class DistilledClassifier(ClassifierMixin, _BaseDistiller):
    __doc__ = f"""A student classifier trained to imitate a teacher's soft predictions.

    The teacher's raw margins are softened by ``temperature``, blended with
    the one-hot labels by ``alpha`` and taught to ``student`` (Hinton, Vinyals
    and Dean, 2015). Predictions are made at T = 1.
{docs.TEACHER_CONTRACT}

    Parameters
    ----------
    teacher : estimator, list of estimators, callable, "self" or None, default=None
        The model to imitate. A *fitted* teacher is used as given: it is never
        refit or copied, and ``clone``/``GridSearchCV`` share it by reference.
        An unfitted teacher is cloned and fitted on ``(X, y)`` in ``fit``;
        ``None`` means ``HistGradientBoostingClassifier()``. Any scikit-learn
        classifier or Pipeline ending in one, :class:`sklearn.frozen.FrozenEstimator`,
        LightGBM (including a raw ``Booster``), XGBoost and CatBoost models, a
        skorch net or torch module, a :class:`~skdistill.TeacherEnsemble` or a
        plain list (averaged in log-probability space). Raw margins are taken
        from ``decision_function`` where it exists, else the log of
        ``predict_proba`` (which must return probabilities: a 1-D output is
        read as the probability of the second of two classes). A function
        ``f(X) -> probabilities``, or a model with ``predict_proba`` and no
        ``classes_``, is read with one column per class of ``y`` in sorted
        order; a function's outputs are never cached. ``"self"``: the
        student's own architecture, trained on the labels (born-again
        distillation, see ``n_generations``).
    student : estimator or None, default=None
        The model to train, cloned in ``fit``. Any classifier whose ``fit``
        takes ``sample_weight``, any regressor (fit on the class
        probabilities), a neural net (:class:`~skdistill.MLPStudentClassifier`
        or a skorch ``NeuralNetClassifier``, trained with the KD loss), or a
        Pipeline ending in one. ``None`` means
        ``DecisionTreeClassifier(max_depth=6)``: 64 leaves stay readable.
    temperature : float, default=1.0
        Softening of the teacher's distribution, ``softmax(logits / T)``. The
        student learns the softened distribution and answers at T = 1: trees
        and forests have their leaves set from the untempered targets, nets
        learn logits, and other students have the temperature undone. Tune it
        like any hyperparameter.
    alpha : float, default=0.5
        Weight of the teacher's soft targets against the true labels (1.0 is
        pure imitation, 0.0 ignores the teacher). 0.5 keeps the labels' signal
        where the teacher is overconfident on its own training rows.
    strategy : {{"auto", "kd_loss", "lightgbm", "weighted_rows", "soft_regression"}}, \
default="auto"
        How the student learns the soft targets. ``"kd_loss"`` trains a
        neural net on ``alpha * T^2 * KL(teacher_T || student_T) + (1 - alpha)
        * CE(y, student)``, with early stopping on held-out rows judged by
        fidelity to the teacher; a skorch student is trained with this loss
        in place of its criterion, and the one passed is left untouched.
        ``"lightgbm"`` grows a LightGBM student on a soft cross-entropy.
        ``"weighted_rows"`` repeats each row once per plausible class with its
        soft probability as sample weight (exact soft cross-entropy for
        logistic regression, soft Gini for trees); ``"soft_regression"`` fits
        a regressor to the probabilities. ``"auto"`` picks the first that fits
        the student.{docs.CHAIN_PARAMETERS}{docs.TRANSFER_PARAMETERS}{docs.RUN_PARAMETERS}

    Attributes
    ----------{docs.FITTED_ATTRIBUTES}
    classes_ : ndarray of shape (n_classes,)
        Class labels, from ``y``.{docs.FEATURE_ATTRIBUTES}

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

    _kind = "classifier"
    _strategies = CLASSIFICATION_STRATEGIES
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
        assistant=None,
        n_generations=1,
        augment=None,
        augment_size=5.0,
        transfer_weight=1.0,
        n_jobs=None,
        verbose=0,
        random_state=None,
    ):
        self.teacher = teacher
        self.student = student
        self.temperature = temperature
        self.alpha = alpha
        self.strategy = strategy
        self.assistant = assistant
        self.n_generations = n_generations
        self.augment = augment
        self.augment_size = augment_size
        self.transfer_weight = transfer_weight
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.random_state = random_state

    @staticmethod
    def _default_teacher():
        return HistGradientBoostingClassifier()

    @staticmethod
    def _default_student():
        return DecisionTreeClassifier(max_depth=6)

    @_fit_context(prefer_skip_nested_validation=False)
    @atomic_fit
    def fit(self, X, y, sample_weight=None, X_unlabeled=None):
        """Fit the teacher if needed, then the student on the soft targets.

        A fit that raises leaves the distiller as it was before the call.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data, passed to teacher and student as given.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights, used by the teacher's fit (when fitted here) and by
            the student's.
        X_unlabeled : {array-like, DataFrame} of shape (n_unlabeled, n_features), default=None
            Rows without labels, of the same kind and columns as X. The
            teacher labels them and they join the transfer set (see
            ``transfer_weight``).

        Returns
        -------
        self : DistilledClassifier
            The fitted distiller.
        """
        X, y, sample_weight = self._validate_fit_data(X, y, sample_weight, y_numeric=False)
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        return self._fit_distillation(X, y, sample_weight, X_unlabeled, targets=codes)

    def _ask(self, teacher, X, cache):
        return teacher_logits(teacher, X, self.classes_, n_jobs=self.n_jobs,
                              verbose=self.verbose, cache=cache)

    @property
    def _strategy(self):
        """The fitted strategy: how to read the student at T = 1."""
        return self._strategy_class(self.strategy_)(len(self.classes_), self.temperature)

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
        return self._strategy.predict_proba(self.student_, self._validate_X(X, reset=False))

    @available_if(_student_has("predict_proba"))
    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities, columns in the order of ``classes_``.
        """
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
        return self._strategy.decision_function(self.student_, self._validate_X(X, reset=False))

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
        codes = self._strategy.predict(self.student_, self._validate_X(X, reset=False))
        return self.classes_[codes]


class DistilledRegressor(RegressorMixin, _BaseDistiller):
    __doc__ = f"""A student regressor trained on a blend of a teacher's predictions and y.

    The student learns ``alpha * teacher.predict(X) + (1 - alpha) * y``.
{docs.TEACHER_CONTRACT}

    Parameters
    ----------
    teacher : estimator, list of estimators, callable, "self" or None, default=None
        The model to imitate. A *fitted* teacher is used as given, never
        refit or copied; an unfitted one is cloned and fitted on ``(X, y)``;
        ``None`` means ``HistGradientBoostingRegressor()``. Any scikit-learn
        regressor or Pipeline ending in one, LightGBM (including a raw
        ``Booster``), XGBoost and CatBoost models, a skorch net or torch
        module, a function ``f(X) -> predictions`` (never cached), a
        :class:`~skdistill.TeacherEnsemble` or a list (averaged). ``"self"``:
        the student's own architecture, trained on the labels (born-again
        distillation, see ``n_generations``).
    student : estimator or None, default=None
        The regressor to train, cloned in ``fit``: any regressor, a neural
        net (:class:`~skdistill.MLPStudentRegressor` or a skorch
        ``NeuralNetRegressor``) or a Pipeline ending in one; ``None`` means
        ``DecisionTreeRegressor(max_depth=6)``.
    alpha : float, default=0.5
        Weight of the teacher's predictions against y. The teacher's
        predictions are smoother than y, which helps small students; 0.5
        keeps the labels' signal where the teacher fits its own training rows
        too closely.
    strategy : {{"auto", "kd_loss", "lightgbm", "blended_regression"}}, default="auto"
        How the student learns; ``"auto"`` picks the first that fits.
        ``"kd_loss"`` trains a neural net on ``alpha * (f - teacher)^2 +
        (1 - alpha) * (f - y)^2`` (the squared error to the blended target),
        with early stopping on held-out rows judged by the error to the
        teacher; ``"lightgbm"`` and ``"blended_regression"`` fit a LightGBM
        model or any regressor to the blend.{docs.CHAIN_PARAMETERS}\
{docs.TRANSFER_PARAMETERS}{docs.RUN_PARAMETERS}

    Attributes
    ----------{docs.FITTED_ATTRIBUTES}{docs.FEATURE_ATTRIBUTES}

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

    _kind = "regressor"
    _strategies = REGRESSION_STRATEGIES
    _parameter_constraints = {
        **_BaseDistiller._parameter_constraints,
        "strategy": [StrOptions({"auto", *REGRESSION_STRATEGIES})],
    }

    def __init__(
        self,
        teacher=None,
        student=None,
        *,
        alpha=0.5,
        strategy="auto",
        assistant=None,
        n_generations=1,
        augment=None,
        augment_size=5.0,
        transfer_weight=1.0,
        n_jobs=None,
        verbose=0,
        random_state=None,
    ):
        self.teacher = teacher
        self.student = student
        self.alpha = alpha
        self.strategy = strategy
        self.assistant = assistant
        self.n_generations = n_generations
        self.augment = augment
        self.augment_size = augment_size
        self.transfer_weight = transfer_weight
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.random_state = random_state

    @staticmethod
    def _default_teacher():
        return HistGradientBoostingRegressor()

    @staticmethod
    def _default_student():
        return DecisionTreeRegressor(max_depth=6)

    @_fit_context(prefer_skip_nested_validation=False)
    @atomic_fit
    def fit(self, X, y, sample_weight=None, X_unlabeled=None):
        """Fit the teacher if needed, then the student on the blended targets.

        A fit that raises leaves the distiller as it was before the call.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data, passed to teacher and student as given.
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights for the teacher's fit (when fitted here) and the student's.
        X_unlabeled : {array-like, DataFrame} of shape (n_unlabeled, n_features), default=None
            Rows without labels, of the same kind and columns as X. The
            teacher labels them and they join the transfer set (see
            ``transfer_weight``).

        Returns
        -------
        self : DistilledRegressor
            The fitted distiller.
        """
        X, y, sample_weight = self._validate_fit_data(X, y, sample_weight, y_numeric=True)
        return self._fit_distillation(X, y, sample_weight, X_unlabeled,
                                      targets=np.asarray(y, dtype=np.float64))

    def _ask(self, teacher, X, cache):
        return teacher_predictions(teacher, X, n_jobs=self.n_jobs, verbose=self.verbose,
                                   cache=cache)

    @property
    def _strategy(self):
        return self._strategy_class(self.strategy_)()

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
        return self._strategy.predict(self.student_, self._validate_X(X, reset=False))
