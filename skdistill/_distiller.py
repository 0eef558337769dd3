"""DistilledClassifier and DistilledRegressor: teacher, soft targets, student.

The distillers orchestrate and nothing else: validation and the teacher
contract (``_distiller_base``), the teacher's outputs (``_teacher_outputs``),
the transfer set (``_transfer``), the chain of students (``_chain``) and the
student strategies (``_students``).
"""

from dataclasses import replace
from numbers import Real

import numpy as np
from scipy.special import softmax
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from . import _docstrings as docs
from ._distiller_base import _BaseDistiller, _student_has
from ._row_adaptive import confidence_weights, row_temperatures
from ._students import CLASSIFICATION_STRATEGIES, REGRESSION_STRATEGIES
from ._teacher_outputs import teacher_logits, teacher_predictions
from ._transactions import atomic_fit


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
        refit or copied, and :func:`~sklearn.base.clone` and
        :class:`~sklearn.model_selection.GridSearchCV` share it by reference.
        An unfitted teacher is cloned and fitted on ``(X, y)`` in ``fit``;
        ``None`` means :class:`~sklearn.ensemble.HistGradientBoostingClassifier`.
        Any scikit-learn classifier or :class:`~sklearn.pipeline.Pipeline` ending
        in one, :class:`sklearn.frozen.FrozenEstimator`, LightGBM (including a raw
        :class:`lightgbm.Booster`), XGBoost and CatBoost models, a
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
        or a skorch :class:`~skorch.classifier.NeuralNetClassifier`, trained with
        the KD loss), or a Pipeline ending in one. ``None`` means
        :class:`~sklearn.tree.DecisionTreeClassifier` with ``max_depth=6``: 64
        leaves stay readable; on a
        DataFrame with string or categorical columns, the same tree behind an
        encoder (:func:`~skdistill.make_tree_student`). A student that cannot
        take such columns is refused before the teacher pass.
    temperature : float or "auto", default="auto"
        Softening of the teacher's distribution, ``softmax(logits / T)``. The
        student learns the softened distribution and answers at T = 1: trees
        and forests have their leaves set from the untempered targets, nets
        learn logits, and other students have the temperature undone. Tune it
        like any hyperparameter. ``"auto"``: see :ref:`user_guide_auto`.
    alpha : float or "auto", default="auto"
        Weight of the teacher's soft targets against the true labels (1.0 is
        pure imitation, 0.0 ignores the teacher). ``"auto"`` resolves by the
        student's family (:ref:`user_guide_auto`).
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
        the student.{docs.CV_PARAMETER}
    adaptive_temperature : bool, default=False
        A temperature per row, rising with the teacher's entropy from
        ``max(1, T / 2)`` (a sure teacher) to ``2 T`` (an unsure one), as
        TabTune's ``TabDistiller`` does: row ``i`` is learned at ``T_i``, the
        student still answers at T = 1.
    confidence_weighting : bool, default=False
        Each row's weight multiplied by a bell of the teacher's entropy
        (``4 h (1 - h) + 0.5``, mean 1), largest where the teacher is
        moderately sure, as TabTune's ``TabDistiller`` does.{docs.CHAIN_PARAMETERS}{docs.TRANSFER_PARAMETERS}{docs.RUN_PARAMETERS}

    Attributes
    ----------{docs.FITTED_ATTRIBUTES}
    temperature_ : float
        The temperature used: ``temperature``, or what ``"auto"`` resolved to.{docs.SETTINGS_ATTRIBUTES}
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
        "temperature": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "strategy": [StrOptions({"auto", *CLASSIFICATION_STRATEGIES})],
        "adaptive_temperature": ["boolean"],
        "confidence_weighting": ["boolean"],
    }

    def __init__(
        self,
        teacher=None,
        student=None,
        *,
        temperature="auto",
        alpha="auto",
        strategy="auto",
        cv="auto",
        adaptive_temperature=False,
        confidence_weighting=False,
        assistant=None,
        n_generations=1,
        augment="auto",
        augment_size="auto",
        transfer_weight="auto",
        n_jobs=None,
        verbose=0,
        random_state=None,
    ):
        self.teacher = teacher
        self.student = student
        self.temperature = temperature
        self.alpha = alpha
        self.strategy = strategy
        self.cv = cv
        self.adaptive_temperature = adaptive_temperature
        self.confidence_weighting = confidence_weighting
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
        classes, codes = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            # Said here, not by whichever model meets it first (with alpha=0
            # that is the student, whose message would not name y).
            raise ValueError(
                f"y holds one class ({classes[0]!r}): a classifier needs at least two "
                "classes to learn from."
            )
        self.classes_ = classes
        return self._fit_distillation(X, y, sample_weight, X_unlabeled, targets=codes)

    def _ask(self, teacher, X, cache):
        return teacher_logits(teacher, X, self.classes_, n_jobs=self.n_jobs,
                              verbose=self.verbose, cache=cache)

    @property
    def _strategy(self):
        """The fitted strategy: how to read the student at T = 1."""
        return self._strategy_class(self.strategy_)(len(self.classes_), self.temperature_)

    def _lesson(self, *args, **kwargs):
        return self._per_row(super()._lesson(*args, **kwargs))

    def _per_row(self, lesson):
        """TabTune's options: a temperature and a weight per row, from the teacher's entropy."""
        if not (self.adaptive_temperature or self.confidence_weighting):
            return lesson
        proba = softmax(lesson.teacher_output, axis=1)
        changes = {}
        if self.adaptive_temperature:
            # softmax(z * T / T_i / T) = softmax(z / T_i): every student learns row i at T_i.
            scale = self.temperature_ / row_temperatures(proba, self.temperature_)
            changes["teacher_output"] = lesson.teacher_output * scale[:, None]
        if self.confidence_weighting:
            weight = 1.0 if lesson.sample_weight is None else lesson.sample_weight
            changes["sample_weight"] = weight * confidence_weights(proba)
        return replace(lesson, **changes)

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
        ``None`` means :class:`~sklearn.ensemble.HistGradientBoostingRegressor`.
        Any scikit-learn regressor or :class:`~sklearn.pipeline.Pipeline` ending
        in one, LightGBM (including a raw :class:`lightgbm.Booster`), XGBoost and
        CatBoost models, a skorch net or torch
        module, a function ``f(X) -> predictions`` (never cached), a
        :class:`~skdistill.TeacherEnsemble` or a list (averaged). ``"self"``:
        the student's own architecture, trained on the labels (born-again
        distillation, see ``n_generations``).
    student : estimator or None, default=None
        The regressor to train, cloned in ``fit``: any regressor, a neural
        net (:class:`~skdistill.MLPStudentRegressor` or a skorch
        :class:`~skorch.regressor.NeuralNetRegressor`) or a Pipeline ending in
        one; ``None`` means :class:`~sklearn.tree.DecisionTreeRegressor` with
        ``max_depth=6``, behind an encoder
        (:func:`~skdistill.make_tree_student`) on a DataFrame with string or
        categorical columns.
    alpha : float or "auto", default="auto"
        Weight of the teacher's predictions against y (1.0 is pure imitation,
        0.0 ignores the teacher). ``"auto"`` resolves by the student's family
        (:ref:`user_guide_auto`).
    strategy : {{"auto", "kd_loss", "lightgbm", "blended_regression"}}, default="auto"
        How the student learns; ``"auto"`` picks the first that fits.
        ``"kd_loss"`` trains a neural net on ``alpha * (f - teacher)^2 +
        (1 - alpha) * (f - y)^2`` (the squared error to the blended target),
        with early stopping on held-out rows judged by the error to the
        teacher; ``"lightgbm"`` and ``"blended_regression"`` fit a LightGBM
        model or any regressor to the blend.{docs.CV_PARAMETER}{docs.CHAIN_PARAMETERS}\
{docs.TRANSFER_PARAMETERS}{docs.RUN_PARAMETERS}

    Attributes
    ----------{docs.FITTED_ATTRIBUTES}{docs.SETTINGS_ATTRIBUTES}{docs.FEATURE_ATTRIBUTES}

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
        alpha="auto",
        strategy="auto",
        cv="auto",
        assistant=None,
        n_generations=1,
        augment="auto",
        augment_size="auto",
        transfer_weight="auto",
        n_jobs=None,
        verbose=0,
        random_state=None,
    ):
        self.teacher = teacher
        self.student = student
        self.alpha = alpha
        self.strategy = strategy
        self.cv = cv
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
