"""DistilledClassifier and DistilledRegressor: teacher, soft targets, student."""

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
from sklearn.utils import check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _num_samples,
    _check_sample_weight,
    _check_y,
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from ._fitting import final_step
from ._persistence import without_teacher
from ._seeding import _MAX_SEED, derived_seed, seed_unset_random_states
from ._students import CLASSIFICATION_STRATEGIES, REGRESSION_STRATEGIES, Lesson, choose_strategy
from ._teacher_outputs import teacher_logits, teacher_predictions
from ._teachers import (
    check_teacher_features,
    check_teacher_kind,
    fitted_teacher,
    is_fitted,
    share_if_fitted,
)
from ._transfer import (
    augmentation_seed,
    check_same_kind,
    draw_augmented_rows,
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


def _is_dataframe(X):
    return hasattr(X, "columns") and hasattr(X, "iloc")



class _BaseDistiller(MetaEstimatorMixin, BaseEstimator):
    """What both distillers share: validation, the teacher, the student."""

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

    def __getstate__(self):
        # A fitted distiller predicts with its student alone: saved files
        # leave the teacher out and stay the size of the student.
        return without_teacher(super().__getstate__(), self.__sklearn_tags__().input_tags)

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
            # A raw booster, torch module or list of teachers: its input is
            # checked by the model itself at fit time.
            return get_tags(default())

    def _validate_X(self, X, reset):
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

    def _teaches_itself(self):
        if not isinstance(self.teacher, str):
            return False
        if self.teacher != "self":
            raise ValueError(
                f"`teacher` must be a model, a list of models, None or 'self' (born-again "
                f"distillation); got the string {self.teacher!r}."
            )
        return True

    def _fit_teacher(self, X, y, sample_weight, kind):
        if self._teaches_itself():
            # Born-again: the student's own architecture, trained on the labels, teaches.
            teacher = clone(self._student())
        else:
            teacher = self._default_teacher() if self.teacher is None else self.teacher
        check_teacher_kind(teacher, kind, type(self).__name__)
        if is_fitted(teacher):
            feature_names = getattr(self, "feature_names_in_", None)
            check_teacher_features(teacher, self.n_features_in_, feature_names)
        return fitted_teacher(teacher, X, y, sample_weight, self.random_state)

    def _transfer_rows(self, X, X_unlabeled):
        """Augmented rows, then ``X_unlabeled``: the rows only the teacher labels."""
        parts = []
        if X_unlabeled is not None:
            check_same_kind(X_unlabeled, X)
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

    def _lesson(self, X, y, teacher_output, sample_weight, transfer, transfer_output, **extra):
        """The Lesson: real rows with labels, then transfer rows with teacher targets only."""
        if transfer is None:
            return Lesson(X=X, y=y, teacher_output=teacher_output, alpha=self.alpha,
                          sample_weight=sample_weight, **extra)
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

    def _chain(self):
        """The models distilled in turn: the assistant, then the student per generation."""
        assistant = [] if self.assistant is None else [self.assistant]
        return assistant + [self._student()] * self.n_generations

    def _fit_chain(self, X, y, sample_weight, transfer, strategies):
        """Distil ``teacher_`` into each model of the chain, each teaching the next.

        Only the first lesson's teacher outputs are cached: the later teachers
        are the stages just fitted, new in every fit.
        """
        chain = self._chain()
        teacher, self.stages_ = self.teacher_, []
        for position, student in enumerate(chain):
            if position:
                teacher = self._stage(chain[position - 1])
                self.stages_.append(teacher)
            lesson = self._lesson_from(teacher, X, y, sample_weight, transfer, cache=not position)
            # Born-again: the teacher took the first seed, the generations follow.
            seed_index = position + 1 if self._teaches_itself() else position
            self._fit_student(lesson, strategies, student, self._chain_seed(seed_index))

    def _stage(self, student):
        """This distiller as fitted so far, ``student`` its student: the next teacher."""
        params = {**self.get_params(deep=False), "student": student, "assistant": None,
                  "n_generations": 1}
        stage = type(self)(**params)
        fitted = {name: value for name, value in vars(self).items()
                  if name.endswith("_") and not name.startswith("_") and name != "stages_"}
        stage.__dict__.update(fitted)
        return stage

    def _chain_seed(self, position):
        """``random_state`` for the first model fitted, a seed drawn from it for the others.

        Born-again generations share an architecture: with one seed, every
        generation would start from its teacher's initial weights and batch order.
        """
        if position == 0 or self.random_state is None:
            return self.random_state
        seeds = check_random_state(self.random_state).randint(_MAX_SEED, size=position + 1)
        return int(seeds[position])

    def _fit_student(self, lesson, strategies, student, random_state):
        strategy = choose_strategy(student, strategies, self.strategy)
        student = seed_unset_random_states(clone(student), random_state)
        lesson.random_state = derived_seed(random_state)
        self.student_ = strategy.fit(student, lesson)
        self.strategy_ = strategy.name


class DistilledClassifier(ClassifierMixin, _BaseDistiller):
    """A student classifier trained to imitate a teacher's soft predictions.

    The teacher's raw margins are softened by ``temperature``, blended with
    the one-hot labels by ``alpha`` and taught to ``student`` (Hinton, Vinyals
    and Dean, 2015). Predictions are made at T = 1.

    Parameters
    ----------
    teacher : estimator, list of estimators, "self" or None, default=None
        The model to imitate. A *fitted* teacher is used as given: it is never
        refit or copied, and :func:`~sklearn.base.clone` and
        :class:`~sklearn.model_selection.GridSearchCV` share it by reference.
        An unfitted teacher is cloned and fitted on ``(X, y)`` in ``fit``;
        ``None`` means :class:`~sklearn.ensemble.HistGradientBoostingClassifier`.
        Any scikit-learn classifier or :class:`~sklearn.pipeline.Pipeline` ending
        in one, :class:`sklearn.frozen.FrozenEstimator`, LightGBM (including a raw
        :class:`lightgbm.Booster`), XGBoost and CatBoost models, a
        :class:`~skdistill.TeacherEnsemble` or a plain list (averaged in
        log-probability space). Raw margins are taken from
        ``decision_function`` where it exists, else the log of ``predict_proba``.
        ``"self"``: the student's own architecture, trained on the labels
        (born-again distillation, see ``n_generations``).
    student : estimator or None, default=None
        The model to train, cloned in ``fit``. Any classifier whose ``fit``
        takes ``sample_weight``, any regressor (fit on the class
        probabilities), a neural net (:class:`~skdistill.MLPStudentClassifier`
        or a skorch :class:`~skorch.classifier.NeuralNetClassifier`, trained with
        the KD loss), or a Pipeline ending in one. ``None`` means
        :class:`~sklearn.tree.DecisionTreeClassifier` with ``max_depth=6``: 64
        leaves stay readable, and distilled trees gain the most over label-fit
        ones from depth 6 on, where trees fit on labels start to overfit.
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
    strategy : {"auto", "kd_loss", "weighted_rows", "soft_regression"}, default="auto"
        How the student learns the soft targets. ``"kd_loss"`` trains a
        neural net on ``alpha * T^2 * KL(teacher_T || student_T) + (1 - alpha)
        * CE(y, student)``, with early stopping on held-out rows judged by
        fidelity to the teacher; a skorch student is trained with this loss
        in place of its criterion, and the one passed is left untouched.
        ``"weighted_rows"`` repeats
        each row once per plausible class with its soft probability as sample
        weight (exact soft cross-entropy for logistic regression, soft Gini
        for trees); ``"soft_regression"`` fits a regressor to the
        probabilities. ``"auto"`` picks the first that fits the student.
    assistant : estimator or None, default=None
        A teacher assistant (Mirzadeh et al. 2020): a model between teacher
        and student in size, distilled from the teacher first; the student
        is then distilled from it, on the same rows and with the same
        settings. Meant for a large gap (a 1,000-tree ensemble into a
        depth-3 tree); its size is a hyperparameter like any other
        (``assistant__max_depth`` in a grid). ``None`` distils directly.
    n_generations : int, default=1
        Rounds of distillation into the student's architecture, each
        round's student teaching a fresh copy in the next (born-again
        networks, Furlanello et al. 2018). With ``teacher="self"`` the first
        teacher is the student itself trained on the labels. Each generation
        draws its own seed from ``random_state`` for the student's unset
        random states; a ``random_state`` set on the student is kept, so its
        generations then start from the same initial state.
    augment : {None, "munge", "resample", "gaussian"} or object, default=None
        How to draw a transfer set: extra rows, like the training rows, that
        the teacher labels so the student sees it answer where the training
        data are thin. ``"munge"`` is :class:`~skdistill.augment.Munge`,
        ``"resample"`` :class:`~skdistill.augment.ColumnResample`,
        ``"gaussian"`` :class:`~skdistill.augment.GaussianNoise`, each with
        its defaults; any object with ``sample(X, n_rows, random_state)``
        (cloned in ``fit``) works too. ``None`` trains on the real rows (and
        ``X_unlabeled``) only. Augmented rows are drawn from ``X`` and
        ``X_unlabeled`` together; dense arrays and DataFrames only. The
        default is ``None`` because the gain depends on the student and the
        teacher then labels ``augment_size`` times more rows: over seven real
        datasets, ``"munge"`` at 5x raised depth-6 trees' fidelity to a
        LightGBM teacher by 0.65 points and their test score by 1.35 on
        average (worst case -0.2), but did not help depth-4 trees and cost
        50x15 LightGBM students about 0.2 points of fidelity; for MLP
        students over eight datasets, ``"resample"`` at 5x raised the test
        score by 0.97 points (worst case -0.3), ``"munge"`` by 0.59 (worst
        -1.1). Try ``"munge"`` for tree students of depth 6 or more and
        ``"resample"`` for MLPs.
    augment_size : int or float, default=5.0
        How many rows to draw: a float is a multiple of the number of rows of
        ``X`` (at most 100), an int a number of rows. Capped at 2,000,000
        rows, with a warning, to bound memory. Ignored when ``augment=None``.
        5x gained as much as 10x in our measurements, and more than 1x.
    transfer_weight : float, default=1.0
        Total sample weight of the augmented and unlabelled rows, relative to
        the total weight of the real rows (so with 1.0 they count as much as
        the training data together, whatever their number). These rows learn
        from the teacher alone; ``alpha`` applies to the real rows. 1.0 keeps
        the labels' signal whatever the transfer set's size, and beat giving
        each augmented row the weight of a real one (5.0 at 5x) for every
        student we measured.
    n_jobs : int or None, default=None
        Parallel teacher calls (joblib, threads preferred) on chunks of
        50,000 rows. ``None`` means 1 unless in a ``joblib.parallel_config``
        context; -1 uses every core.
    verbose : int, default=0
        Print the time taken to draw augmented rows and the progress of
        teacher inference on large sets.
    random_state : int, RandomState instance or None, default=None
        Seeds every ``random_state`` left at None in the teacher (when fitted
        here) and the student, and torch for neural students (inside
        :func:`torch.random.fork_rng`), so the same value gives the same model.

    Attributes
    ----------
    teacher_ : object
        The teacher that gave the targets: the one passed if it was fitted,
        else the clone fitted in ``fit``.
    student_ : estimator
        The fitted student.
    strategy_ : str
        The strategy that trained the student.
    stages_ : list of fitted distillers
        The models before the student in the chain, in order: the
        assistant, then each earlier generation, each a fitted distiller
        whose ``student_`` it is (it predicts like one). Empty with no
        assistant and one generation.
    classes_ : ndarray of shape (n_classes,)
        Class labels, from ``y``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
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
    def fit(self, X, y, sample_weight=None, X_unlabeled=None):
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
        self.classes_, y_encoded = np.unique(y, return_inverse=True)
        self.teacher_ = self._fit_teacher(X, y, sample_weight, "classifier")
        transfer = self._transfer_rows(X, X_unlabeled)
        self._fit_chain(X, y_encoded, sample_weight, transfer, CLASSIFICATION_STRATEGIES)
        return self

    def _lesson_from(self, teacher, X, y, sample_weight, transfer, cache):
        def ask(rows, cache):
            return teacher_logits(teacher, rows, self.classes_, n_jobs=self.n_jobs,
                                  verbose=self.verbose, cache=cache)

        logits = ask(X, cache)
        transfer_logits = None
        if transfer is not None:
            transfer_logits = ask(transfer, cache and self._caches_transfer())
        return self._lesson(X, y, logits, sample_weight, transfer, transfer_logits,
                            temperature=self.temperature, teacher=teacher)

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
    teacher : estimator, list of estimators, "self" or None, default=None
        The model to imitate. A *fitted* teacher is used as given, never
        refit or copied; an unfitted one is cloned and fitted on ``(X, y)``;
        ``None`` means :class:`~sklearn.ensemble.HistGradientBoostingRegressor`.
        Any scikit-learn regressor or :class:`~sklearn.pipeline.Pipeline` ending
        in one, LightGBM (including a raw :class:`lightgbm.Booster`), XGBoost and
        CatBoost models, a :class:`~skdistill.TeacherEnsemble` or a list
        (averaged). ``"self"``: the student's own architecture, trained on the
        labels (born-again distillation, see ``n_generations``).
    student : estimator or None, default=None
        The regressor to train, cloned in ``fit``: any regressor, a neural
        net (:class:`~skdistill.MLPStudentRegressor` or a skorch
        :class:`~skorch.regressor.NeuralNetRegressor`) or a Pipeline ending in
        one; ``None`` means :class:`~sklearn.tree.DecisionTreeRegressor` with
        ``max_depth=6``.
    alpha : float, default=0.5
        Weight of the teacher's predictions against y. The teacher's
        predictions are smoother than y, which helps small students; 0.5
        keeps the labels' signal where the teacher fits its own training rows
        too closely.
    strategy : {"auto", "kd_loss", "blended_regression"}, default="auto"
        How the student learns; ``"auto"`` picks the first that fits.
        ``"kd_loss"`` trains a neural net on ``alpha * (f - teacher)^2 +
        (1 - alpha) * (f - y)^2`` (the squared error to the blended target),
        with early stopping on held-out rows judged by the error to the
        teacher; ``"blended_regression"`` fits any regressor to the blend.
    assistant : estimator or None, default=None
        A teacher assistant (Mirzadeh et al. 2020): a model between teacher
        and student in size, distilled from the teacher first; the student
        is then distilled from it, on the same rows and with the same
        settings. Meant for a large gap (a 1,000-tree ensemble into a
        depth-3 tree); its size is a hyperparameter like any other
        (``assistant__max_depth`` in a grid). ``None`` distils directly.
    n_generations : int, default=1
        Rounds of distillation into the student's architecture, each
        round's student teaching a fresh copy in the next (born-again
        networks, Furlanello et al. 2018). With ``teacher="self"`` the first
        teacher is the student itself trained on the labels. Each generation
        draws its own seed from ``random_state`` for the student's unset
        random states; a ``random_state`` set on the student is kept, so its
        generations then start from the same initial state.
    augment : {None, "munge", "resample", "gaussian"} or object, default=None
        How to draw a transfer set: extra rows, like the training rows, that
        the teacher labels so the student sees it answer where the training
        data are thin. ``"munge"`` is :class:`~skdistill.augment.Munge`,
        ``"resample"`` :class:`~skdistill.augment.ColumnResample`,
        ``"gaussian"`` :class:`~skdistill.augment.GaussianNoise`, each with
        its defaults; any object with ``sample(X, n_rows, random_state)``
        (cloned in ``fit``) works too. ``None`` trains on the real rows (and
        ``X_unlabeled``) only. Augmented rows are drawn from ``X`` and
        ``X_unlabeled`` together; dense arrays and DataFrames only. The
        default is ``None`` because the gain depends on the student and the
        teacher then labels ``augment_size`` times more rows: over seven real
        datasets, ``"munge"`` at 5x raised depth-6 trees' fidelity to a
        LightGBM teacher by 0.65 points and their test score by 1.35 on
        average (worst case -0.2), but did not help depth-4 trees and cost
        50x15 LightGBM students about 0.2 points of fidelity; for MLP
        students over eight datasets, ``"resample"`` at 5x raised the test
        score by 0.97 points (worst case -0.3), ``"munge"`` by 0.59 (worst
        -1.1). Try ``"munge"`` for tree students of depth 6 or more and
        ``"resample"`` for MLPs.
    augment_size : int or float, default=5.0
        How many rows to draw: a float is a multiple of the number of rows of
        ``X`` (at most 100), an int a number of rows. Capped at 2,000,000
        rows, with a warning, to bound memory. Ignored when ``augment=None``.
        5x gained as much as 10x in our measurements, and more than 1x.
    transfer_weight : float, default=1.0
        Total sample weight of the augmented and unlabelled rows, relative to
        the total weight of the real rows (so with 1.0 they count as much as
        the training data together, whatever their number). These rows learn
        from the teacher alone; ``alpha`` applies to the real rows. 1.0 keeps
        the labels' signal whatever the transfer set's size, and beat giving
        each augmented row the weight of a real one (5.0 at 5x) for every
        student we measured.
    n_jobs : int or None, default=None
        Parallel teacher calls (joblib, threads preferred) on chunks of
        50,000 rows. ``None`` means 1 unless in a ``joblib.parallel_config``
        context; -1 uses every core.
    verbose : int, default=0
        Print the time taken to draw augmented rows and the progress of
        teacher inference on large sets.
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
    stages_ : list of fitted distillers
        The models before the student in the chain, in order: the
        assistant, then each earlier generation, each a fitted distiller
        whose ``student_`` it is (it predicts like one). Empty with no
        assistant and one generation.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
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
    def fit(self, X, y, sample_weight=None, X_unlabeled=None):
        """Fit the teacher if needed, then the student on the blended targets.

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
        self.teacher_ = self._fit_teacher(X, y, sample_weight, "regressor")
        transfer = self._transfer_rows(X, X_unlabeled)
        y = np.asarray(y, dtype=np.float64)
        self._fit_chain(X, y, sample_weight, transfer, REGRESSION_STRATEGIES)
        return self

    def _lesson_from(self, teacher, X, y, sample_weight, transfer, cache):
        def ask(rows, cache):
            return teacher_predictions(teacher, rows, n_jobs=self.n_jobs, verbose=self.verbose,
                                       cache=cache)

        predictions = ask(X, cache)
        transfer_predictions = None
        if transfer is not None:
            transfer_predictions = ask(transfer, cache and self._caches_transfer())
        return self._lesson(X, y, predictions, sample_weight, transfer, transfer_predictions,
                            teacher=teacher)

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
        return REGRESSION_STRATEGIES[self.strategy_].predict(self.student_, X)
