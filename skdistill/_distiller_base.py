"""What both distillers share: validation, the teacher contract, the transfer set, the lesson.

A fitted teacher is read-only through a distiller (``set_params`` refuses its
nested parameters), copies carry it, and ``without_teacher`` leaves it out on
purpose; the fit itself is a transaction (``_transactions``).
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_regressor
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    _check_y,
    _num_samples,
    check_consistent_length,
    check_is_fitted,
)

from ._adapters import check_teacher_features, check_teacher_kind, is_fitted
from ._auto import AUTO, AUTO_TABLE, resolve
from ._chain import fit_chain
from ._ensemble import ensemble_of
from ._fitting import final_step, fitted_teacher, share_if_fitted
from ._honest_outputs import out_of_bag_outputs, out_of_fold_outputs
from ._persistence import is_detached, put_back, without_teacher
from ._progress import FitClock, report, rows
from ._strategy import Lesson
from ._teacher_cache import state_digest, teacher_output_cache
from ._teacher_outputs import class_columns, teacher_classes
from ._tabular_students import check_student_input, student_for_input
from ._transfer import (
    augmentation_seed,
    check_same_kind,
    matching_rows,
    n_augmented_rows,
    resolve_augmenter,
    stack_rows,
    transfer_sample_weight,
)
from ._validation import validate_rows
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
        "alpha": [Interval(Real, 0, 1, closed="both"), StrOptions({AUTO})],
        "augment": [None, StrOptions({AUTO, *AUGMENTERS}), HasMethods(["sample"])],
        "augment_size": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 100, closed="right"),
            StrOptions({AUTO}),
        ],
        "transfer_weight": [Interval(Real, 0, None, closed="neither"), StrOptions({AUTO})],
        "cv": ["cv_object", StrOptions({AUTO, "oob"})],
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
        returning = self._returning_teacher(params)  # checked before anything changes
        super().set_params(**params)
        if returning is not None:
            put_back(self, returning)
        return self

    def _returning_teacher(self, params):
        """The fitted teacher ``params`` put back on a detached copy (checked), or None."""
        teacher = params.get("teacher")
        if not is_detached(getattr(self, "teacher_", None)) or not _is_prefit(teacher) \
                or is_detached(teacher):
            return None  # nothing to put back; an unfitted teacher is fitted by the next fit
        teacher = ensemble_of(teacher)
        check_teacher_kind(teacher, self._kind, type(self).__name__)
        check_teacher_features(teacher, self.n_features_in_,
                               getattr(self, "feature_names_in_", None))
        return teacher

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
            # Augmenters take dense arrays and DataFrames; "auto" draws none on sparse X.
            and self.augment in (None, AUTO)
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
        return validate_rows(self, X, reset)

    def _validate_fit_data(self, X, y, sample_weight, y_numeric):
        X = self._validate_X(X, reset=True)
        y = _check_y(y, y_numeric=y_numeric)
        check_consistent_length(X, y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
        return X, y, sample_weight

    def _is_chain(self):
        """Whether more than one model is distilled: an assistant, generations or born-again."""
        return self.assistant is not None or self.n_generations > 1 or self._teaches_itself()

    def _teaches_itself(self):
        if not isinstance(self.teacher, str):
            return False
        if self.teacher != "self":
            raise ValueError(
                f"`teacher` must be a model, a list of models, None or 'self' (born-again "
                f"distillation); got the string {self.teacher!r}."
            )
        return True

    def _fit_teacher(self, X, y, sample_weight, student, clock):
        if self._teaches_itself():
            # Born-again: the student's own architecture, trained on the labels, teaches.
            teacher = clone(student)
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
            return teacher
        with clock.stage("teacher_fit", f"teacher {type(teacher).__name__} fitted on "
                                        f"{rows(_num_samples(X))}"):
            return fitted_teacher(teacher, X, y, sample_weight, self.random_state)

    def _transfer_rows(self, X, X_unlabeled, clock):
        """Augmented rows, then ``X_unlabeled``: the rows only the teacher labels."""
        parts = []
        if X_unlabeled is not None:
            check_same_kind(X_unlabeled, X)
            if _num_samples(X_unlabeled) == 0:
                raise ValueError("X_unlabeled has no rows: pass None to fit without "
                                 "unlabelled rows, or rows with the columns of X.")
            X_unlabeled = matching_rows(self._validate_X(X_unlabeled, reset=False), X)
        augmenter = resolve_augmenter(self.augment_)
        if augmenter is not None:
            source = X if X_unlabeled is None else stack_rows([X, X_unlabeled])
            n_rows = n_augmented_rows(self.augment_size_, _num_samples(X))
            seed = augmentation_seed(self.random_state)
            with clock.stage("transfer_set", f"transfer set: {rows(n_rows)} drawn by "
                                             f"{type(augmenter).__name__}"):
                parts.append(augmenter.sample(source, n_rows, random_state=seed))
        if X_unlabeled is not None:
            parts.append(X_unlabeled)
        parts = [part for part in parts if _num_samples(part) > 0]
        return stack_rows(parts) if parts else None

    def _caches_transfer(self):
        # Augmented rows repeat only under an integer random_state; caching
        # other draws would only evict the real rows' entries.
        return self.augment_ is None or isinstance(self.random_state, Integral)

    def _lesson(self, X, y, teacher, sample_weight, transfer, cache, clock,
                teacher_output=None):
        """The Lesson from ``teacher``: real rows with labels, then transfer rows.

        ``teacher_output`` on the real rows is asked for unless given (the
        out-of-bag or out-of-fold outputs of the first lesson).
        """
        name = type(teacher).__name__
        if teacher_output is None:
            with clock.stage("teacher_outputs", f"{name} outputs on {rows(_num_samples(X))}"):
                teacher_output = self._ask(teacher, X, cache)
        extra = {"teacher": teacher, "temperature": getattr(self, "temperature_", 1.0)}
        if transfer is None:
            return Lesson(X=X, y=y, teacher_output=teacher_output, alpha=self.alpha_,
                          sample_weight=sample_weight, **extra)
        with clock.stage("teacher_outputs", f"{name} outputs on the transfer set, "
                                            f"{rows(_num_samples(transfer))}"):
            transfer_output = self._ask(teacher, transfer, cache and self._caches_transfer())
        n_samples, n_transfer = _num_samples(X), _num_samples(transfer)
        return Lesson(
            X=stack_rows([X, transfer]),
            y=np.concatenate([y, np.zeros(n_transfer, dtype=y.dtype)]),
            teacher_output=np.concatenate([teacher_output, transfer_output]),
            alpha=self.alpha_,
            sample_weight=transfer_sample_weight(
                sample_weight, n_samples, n_transfer, self.transfer_weight_
            ),
            labelled=np.arange(n_samples + n_transfer) < n_samples,
            **extra,
        )

    def _placeholder_outputs(self, X, clock):
        """Outputs the lesson does not read (``alpha_ = 0``): the teacher is not asked."""
        if clock.verbose:
            report("teacher not asked: alpha=0 and no transfer rows, the student learns the "
                   "labels alone")
        n_rows = _num_samples(X)
        if self._kind == "regressor":
            return np.zeros(n_rows)
        # Labels the teacher does not know are refused as when it is asked:
        # the distiller is still compared with it (fidelity, displays).
        class_columns(teacher_classes(self.teacher_, self.classes_), self.classes_)
        return np.zeros((n_rows, len(self.classes_)))

    def _fit_distillation(self, X, y, sample_weight, X_unlabeled, targets):
        """The teacher (fitted on ``y``), the transfer set, then the chain of students.

        ``targets`` are what the students learn: ``y`` as class codes, or as floats.
        """
        # Before the teacher pass: a student that cannot take X is refused now, by name.
        check_student_input(self.assistant, X)
        student = student_for_input(self.student, self._default_student(), X)
        clock = FitClock(self.verbose)
        self.teacher_ = self._fit_teacher(X, y, sample_weight, student, clock)
        self._set_settings(student, X, y)
        honest = self._honest_outputs(X, y, sample_weight, clock)
        transfer = self._transfer_rows(X, X_unlabeled, clock)
        fit_chain(self, student, X, targets, sample_weight, transfer, clock,
                  first_outputs=honest)
        self.fit_times_ = clock.finish()
        return self

    def _set_settings(self, student, X, y):
        """The fitted ``alpha_``, ``augment_``, ..., ``cv_``: explicit values, or the auto table's."""
        fitted_here = not _is_prefit(self.teacher)
        # The table was measured on one teacher and one student: a chain
        # keeps the unmeasured settings, so that a chain asked for is never
        # reduced to a student on the labels.
        table = () if self._is_chain() else AUTO_TABLE
        settings = resolve(self, student, self.teacher_, fitted_here, X, y, table)
        for name, value in vars(settings).items():
            if hasattr(self, name):  # a regressor has no temperature
                setattr(self, f"{name}_", value)

    def _honest_outputs(self, X, y, sample_weight, clock):
        """The teacher's outputs on the training rows from models that did not fit them, or None.

        ``cv_="oob"``: the bagged teacher's own out-of-bag outputs; an int or
        splitter: clones of its configuration refit on the folds (cached for
        a search when they repeat: an int ``random_state``).
        """
        if self.cv_ is None:
            return None
        teacher = self.teacher_
        kind = "out-of-bag" if _is_oob(self.cv_) else "out-of-fold"
        with clock.stage("teacher_outputs", f"{type(teacher).__name__} {kind} outputs on "
                                            f"{rows(_num_samples(X))}"):
            outputs = self._cached_honest_outputs(teacher, X, y, sample_weight)
        if self._kind == "regressor":
            return outputs
        return outputs[:, class_columns(teacher_classes(teacher, self.classes_), self.classes_)]

    def _cached_honest_outputs(self, teacher, X, y, sample_weight):
        if _is_oob(self.cv_):
            return teacher_output_cache.get_or_compute(
                teacher, X, lambda rows: out_of_bag_outputs(teacher, rows)[0], "out_of_bag")

        def compute(rows):
            return out_of_fold_outputs(teacher, rows, y, cv=self.cv_, sample_weight=sample_weight,
                                       random_state=self.random_state, n_jobs=self.n_jobs)

        if not isinstance(self.random_state, Integral) or not _repeatable_folds(self.cv_):
            return compute(X)
        context = state_digest((y, sample_weight, self.cv_, self.random_state))
        return teacher_output_cache.get_or_compute(teacher, X, compute, ("out_of_fold", context))

    @property
    def feature_importances_(self):
        """The student's ``feature_importances_``, one per column of X.

        For :class:`~sklearn.feature_selection.SelectFromModel` and friends.
        Present when the student has them and reads X's columns as they are
        (a bare model, or a Pipeline whose leading steps keep the columns and
        their order); otherwise an ``AttributeError`` says why.
        """
        return self._student_attribute("feature_importances_")

    @property
    def coef_(self):
        """The student's ``coef_``, one column per column of X, at T = 1.

        A linear classifier student learned margins at the training
        temperature; they are scaled back as ``decision_function`` is.
        Present under the same condition as :attr:`feature_importances_`.
        """
        return self._student_attribute("coef_") * self._margin_scale()

    @property
    def intercept_(self):
        """The student's ``intercept_`` at T = 1 (see :attr:`coef_`)."""
        return self._student_attribute("intercept_") * self._margin_scale()

    def _student_attribute(self, name):
        check_is_fitted(self)
        final = final_step(self.student_)
        if not hasattr(final, name):
            raise AttributeError(f"The student {type(final).__name__} has no `{name}`.")
        if not self._student_reads_columns_as_given():
            raise AttributeError(
                f"The student's `{name}` are over the columns its Pipeline makes, not X's: "
                "read them on student_[-1] with student_[:-1].get_feature_names_out().")
        return getattr(final, name)

    def _student_reads_columns_as_given(self):
        steps = getattr(self.student_, "steps", None)
        if not steps or len(steps) == 1:
            return True
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            names = [f"x{i}" for i in range(self.n_features_in_)]
        try:
            out = self.student_[:-1].get_feature_names_out()
        except (AttributeError, ValueError):
            return False
        return list(map(str, out)) == list(map(str, names))

    def _margin_scale(self):
        if not hasattr(self, "classes_"):
            return 1.0
        return self._strategy.temperature_to_undo(self.student_)

    def _strategy_class(self, name=None):
        return self._strategies[self.strategy if name is None else name]


def _is_oob(cv):
    return isinstance(cv, str) and cv == "oob"


def _repeatable_folds(cv):
    """Whether ``cv`` splits the same rows the same way each time (an int, or a seeded splitter)."""
    return isinstance(cv, Integral) or not getattr(cv, "shuffle", False) \
        or getattr(cv, "random_state", None) is not None


def _is_prefit(teacher):
    """A teacher the distiller would use as given (fitted), not fit itself."""
    if teacher is None or isinstance(teacher, str):
        return False
    if isinstance(teacher, (list, tuple)):
        return bool(teacher) and is_fitted(list(teacher))
    return is_fitted(teacher)
