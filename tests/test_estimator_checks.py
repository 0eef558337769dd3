"""scikit-learn's own estimator checks, our peer test suite."""

import pytest
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.ensemble import (
    GradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils import estimator_checks
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdistill import (
    DistilledClassifier,
    DistilledRegressor,
    MLPStudentClassifier,
    MLPStudentRegressor,
    Specialist,
    TeacherEnsemble,
    TorchTeacher,
)
from skdistill._auto import AUTO_TABLE, Settings, student_family, table_entry

ESTIMATORS = [
    DistilledClassifier(random_state=0),
    DistilledClassifier(
        RandomForestClassifier(n_estimators=10), DecisionTreeClassifier(), random_state=0
    ),
    DistilledClassifier(
        GradientBoostingClassifier(n_estimators=20),
        LogisticRegression(max_iter=1000),
        temperature=2.0,
        random_state=0,
    ),
    DistilledClassifier(
        RandomForestClassifier(n_estimators=10),
        DecisionTreeRegressor(max_depth=6),
        alpha=1.0,
        random_state=0,
    ),
    DistilledClassifier(
        RandomForestClassifier(n_estimators=10),
        DecisionTreeClassifier(max_depth=4),
        augment="munge",
        augment_size=2.0,
        random_state=0,
    ),
    DistilledClassifier(
        RandomForestClassifier(n_estimators=10),
        LGBMClassifier(n_estimators=10, num_leaves=7, min_child_samples=2, verbose=-1),
        random_state=0,
    ),
    DistilledClassifier(
        RandomForestClassifier(n_estimators=10),
        DecisionTreeClassifier(max_depth=3),
        assistant=DecisionTreeClassifier(max_depth=6),
        random_state=0,
    ),
    DistilledClassifier("self", DecisionTreeClassifier(max_depth=4), n_generations=2,
                        random_state=0),
    DistilledRegressor(random_state=0),
    DistilledRegressor("self", DecisionTreeRegressor(max_depth=4), n_generations=2,
                       assistant=DecisionTreeRegressor(max_depth=8), random_state=0),
    DistilledRegressor(
        RandomForestRegressor(n_estimators=10),
        DecisionTreeRegressor(max_depth=4),
        augment="munge",
        augment_size=2.0,
        random_state=0,
    ),
    DistilledRegressor(
        RandomForestRegressor(n_estimators=10),
        LGBMRegressor(n_estimators=10, num_leaves=7, min_child_samples=2, verbose=-1),
        random_state=0,
    ),
    DistilledRegressor(
        RandomForestRegressor(n_estimators=10), DecisionTreeRegressor(), random_state=0
    ),
    MLPStudentClassifier(max_epochs=20, random_state=0),
    # 20 epochs reach R² 0.45-0.58 on the checks' data depending on the seed; 50 reach 0.77-0.84.
    MLPStudentRegressor(max_epochs=50, random_state=0),
    DistilledClassifier(
        GradientBoostingClassifier(n_estimators=10),
        MLPStudentClassifier(max_epochs=20),
        temperature=2.0,
        random_state=0,
    ),
    DistilledRegressor(
        RandomForestRegressor(n_estimators=10), MLPStudentRegressor(max_epochs=20), random_state=0
    ),
    # Feature and relation losses: the student reads an MLP teacher's hidden layer.
    DistilledClassifier(
        MLPStudentClassifier(max_epochs=10),
        MLPStudentClassifier(max_epochs=10, hint_weight=1.0, rkd_distance_weight=1.0,
                             rkd_angle_weight=1.0),
        random_state=0,
    ),
    DistilledRegressor(
        MLPStudentRegressor(max_epochs=30, lr=1e-2),
        MLPStudentRegressor(max_epochs=20, lr=1e-2, hint_weight=1.0, rkd_angle_weight=1.0),
        random_state=0,
    ),
]

# Teachers for which scikit-learn itself declares that weighting a row is not
# the same as repeating it (bootstrap draws, histogram binning of a subsample).
# The distiller passes sample_weight to its teacher, so it inherits that.
_WEIGHT_IS_NOT_REPETITION = (
    "the teacher ({}) treats sample_weight differently from repeated rows; "
    "scikit-learn declares the same expected failure for it"
)


_AUGMENTED_ROWS_IGNORE_WEIGHTS = (
    "augmented rows are drawn from every row of X whatever its weight, so a row of "
    "weight zero still shapes the transfer set"
)

# Mini-batch gradient descent: repeating a row adds gradient steps and
# changes every batch after it; weighting it does not. The two agree in
# expectation, not to 1e-7.
_MINIBATCH_WEIGHTS = (
    "a neural net trained by mini-batch gradient descent: weighting a row and "
    "repeating it give the same objective but different batches and step counts"
)


# The teacher wrappers that fit and predict run through every check too.
WRAPPERS = [
    TeacherEnsemble([DecisionTreeClassifier(max_depth=3), LogisticRegression()], random_state=0),
    TeacherEnsemble([DecisionTreeClassifier(max_depth=3), LogisticRegression()],
                    weights="learn", cv=2, random_state=0),
    TeacherEnsemble([DecisionTreeRegressor(max_depth=3), Ridge()], random_state=0),
]


def _is_neural(model):
    return isinstance(model, (MLPStudentClassifier, MLPStudentRegressor))


def _auto_settings(estimator):
    """What the auto table gives this estimator's student (on dense X, a teacher fitted here)."""
    student = estimator.student if estimator.student is not None else \
        estimator._default_student()
    task = "classification" if isinstance(estimator, DistilledClassifier) else "regression"
    family, depth = student_family(student)
    # Every situation of the table agrees on alpha and the transfer set.
    return table_entry(task, family, depth, "in_fit", AUTO_TABLE)


def _resolved(estimator, name):
    value = getattr(estimator, name)
    if value != "auto":
        return value
    return getattr(Settings() if estimator._is_chain() else _auto_settings(estimator), name)


def expected_failures(estimator):
    if isinstance(estimator, TeacherEnsemble):
        return {}
    if _is_neural(estimator) or _is_neural(getattr(estimator, "student", None)):
        return {"check_sample_weight_equivalence_on_dense_data": _MINIBATCH_WEIGHTS}
    augments = _resolved(estimator, "augment") is not None
    # With alpha 0 and no transfer set the teacher is not asked: its weighting cannot matter.
    asks_teacher = augments or _resolved(estimator, "alpha") != 0
    failures = _teacher_weight_failures(estimator) if asks_teacher else {}
    if augments:
        # Augmenters take dense X only: the sparse check still meets the teacher.
        failures["check_sample_weight_equivalence_on_dense_data"] = _AUGMENTED_ROWS_IGNORE_WEIGHTS
    return failures


def _teacher_weight_failures(estimator):
    teacher = estimator.teacher
    if teacher is None:
        teacher = estimator._default_teacher()
    if type(teacher).__name__ not in {
        "RandomForestClassifier",
        "RandomForestRegressor",
        "HistGradientBoostingClassifier",
        "HistGradientBoostingRegressor",
    }:
        return {}
    reason = _WEIGHT_IS_NOT_REPETITION.format(type(teacher).__name__)
    return {
        "check_sample_weight_equivalence_on_dense_data": reason,
        "check_sample_weight_equivalence_on_sparse_data": reason,
    }


@parametrize_with_checks(ESTIMATORS + WRAPPERS, expected_failed_checks=expected_failures)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


# A Specialist has no predict of its own (it answers inside an ensemble) and a
# TorchTeacher has no fit (its module comes trained): they run the checks of
# the estimator API that need neither.
API_CHECKS = [
    "check_no_attributes_set_in_init", "check_get_params_invariance", "check_set_params",
    "check_estimator_repr", "check_estimator_cloneable", "check_param_validation",
    "check_do_not_raise_errors_in_init_or_set_params", "check_estimator_tags_renamed",
    "check_parameters_default_constructible",
]


def _torch_teacher():
    torch = pytest.importorskip("torch")
    return TorchTeacher(torch.nn.Linear(3, 2), classes=["a", "b"])


@pytest.mark.parametrize("check", API_CHECKS)
@pytest.mark.parametrize("make", [
    lambda: Specialist(DecisionTreeClassifier(max_depth=3), classes=[0], random_state=0),
    _torch_teacher,
], ids=["Specialist", "TorchTeacher"])
def test_teacher_wrappers_follow_the_estimator_api(make, check):
    estimator = make()
    getattr(estimator_checks, check)(type(estimator).__name__, estimator)
