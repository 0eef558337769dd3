"""The benchmark panel: teachers x students x datasets, labels vs distilled.

For every (dataset, teacher, student) it fits the student on the labels alone
and distilled from the teacher (same hyperparameters otherwise), and records
quality, fidelity, size and speed, with ratios to the teacher measured in the
same run.
"""

import pickle
from dataclasses import dataclass

from sklearn.base import clone
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.ensemble import (
    RandomForestClassifier,
    RandomForestRegressor,
    VotingClassifier,
    VotingRegressor,
)
from sklearn.frozen import FrozenEstimator
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skdistill import DistilledClassifier, DistilledRegressor

from .common import batch_seconds, quality, row_seconds, split, test_scores, timed_fit, pre_auto


@dataclass
class Scale:
    """How big a run is: teacher sizes, rows, timing repeats."""

    lgbm_trees: int
    rf_trees: int
    max_train_rows: int
    repeats: int


SCALES = {
    "smoke": Scale(lgbm_trees=20, rf_trees=10, max_train_rows=600, repeats=1),
    "quick": Scale(lgbm_trees=300, rf_trees=200, max_train_rows=20_000, repeats=3),
    # Training rows capped so the nine datasets x three teachers x six students
    # (each on labels, distilled, distilled with MUNGE) fit in hours on 2 cores.
    "full": Scale(lgbm_trees=1000, rf_trees=500, max_train_rows=20_000, repeats=5),
}


def encoder():
    """One-hot for categoricals, imputation for NaN: what trees and linear models need."""
    return make_column_transformer(
        (
            make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
            make_column_selector(dtype_include="number"),
        ),
        (
            make_pipeline(
                SimpleImputer(strategy="most_frequent"),
                OneHotEncoder(handle_unknown="ignore", min_frequency=20),
            ),
            make_column_selector(dtype_exclude="number"),
        ),
    )


def _lightgbm(task, **params):
    import lightgbm

    cls = lightgbm.LGBMRegressor if task == "regression" else lightgbm.LGBMClassifier
    return cls(verbose=-1, **params)


def teachers(task, scale):
    """(name, unfitted teacher) pairs: LightGBM and a random forest."""
    lgbm = _lightgbm(task, n_estimators=scale.lgbm_trees, num_leaves=63, learning_rate=0.05)
    if task == "regression":
        forest = make_pipeline(encoder(), RandomForestRegressor(
            scale.rf_trees, min_samples_leaf=2, max_features=0.5, n_jobs=-1))
    else:
        forest = make_pipeline(encoder(), RandomForestClassifier(
            scale.rf_trees, min_samples_leaf=2, n_jobs=-1))
    return [("lgbm", lgbm), ("forest", forest)]


def soft_vote(task, fitted):
    """The soft vote of fitted teachers, built without refitting them."""
    members = [(name, FrozenEstimator(model)) for name, model in fitted]
    if task == "regression":
        return VotingRegressor(members)
    return VotingClassifier(members, voting="soft")


def students(task):
    """(name, unfitted student, size) triples; size counts leaves, trees or weights."""
    if task == "regression":
        return [
            ("tree3", make_pipeline(encoder(), DecisionTreeRegressor(max_depth=3))),
            ("tree4", make_pipeline(encoder(), DecisionTreeRegressor(max_depth=4))),
            ("tree6", make_pipeline(encoder(), DecisionTreeRegressor(max_depth=6))),
            ("linear", make_pipeline(encoder(), Ridge())),
            ("lgbm50x15", _small_booster(task)),
        ] + _mlp(task)
    return [
        ("tree3", make_pipeline(encoder(), DecisionTreeClassifier(max_depth=3))),
        ("tree4", make_pipeline(encoder(), DecisionTreeClassifier(max_depth=4))),
        ("tree6", make_pipeline(encoder(), DecisionTreeClassifier(max_depth=6))),
        ("logistic", make_pipeline(encoder(), LogisticRegression(max_iter=2000))),
        ("lgbm50x15", _small_booster(task)),
    ] + _mlp(task)


def _small_booster(task):
    # A 50-tree budget underfits at LightGBM's default learning rate of 0.1;
    # 0.2 lets 50 trees of 15 leaves get close to a 1,000-tree teacher. Measured
    # on concrete and digits: R² .900 -> .920, accuracy .971 -> .976, on labels
    # and distilled alike.
    return _lightgbm(task, n_estimators=50, num_leaves=15, learning_rate=0.2)


def _mlp(task):
    try:
        from skdistill import make_mlp_student
    except ImportError:  # the neural extra is not installed
        return []
    return [("mlp", make_mlp_student(task="regression" if task == "regression" else "classification"))]


def _fit_measured(model, X, y):
    return timed_fit(model, X, y, trace_memory=True)


def _deployed(model):
    """What would ship: a distiller's student (the teacher stays behind)."""
    for student in ("student_", "student"):  # ours; imodels' keeps its fitted student here
        if hasattr(model, student):
            return getattr(model, student)
    return model


def measure(task, model, X_test, y_test, teacher_pred, scale):
    """Quality, fidelity, size and speed of a fitted model."""
    scores = test_scores(model, X_test, y_test, task, teacher_pred)
    return {
        "quality": quality(scores, task),
        "fidelity": scores["fidelity"],
        "pickled_kb": len(pickle.dumps(_deployed(model))) / 1024,
        "batch_seconds": batch_seconds(model, X_test, 10_000, scale.repeats),
        "row_seconds": row_seconds(model, X_test, max(5, scale.repeats)),
    }


def _fitted_teachers(task, scale, X_train, y_train, teacher_names):
    """(name, fitted teacher, fit seconds, fit peak bytes) for each teacher asked for.

    The vote is built from the fitted LightGBM and forest (fit time: theirs added).
    """
    fitted = []
    for name, teacher in teachers(task, scale):
        seconds, peak = _fit_measured(teacher, X_train, y_train)
        fitted.append((name, teacher, seconds, peak))
    vote = soft_vote(task, [(name, model) for name, model, _, _ in fitted])
    _, vote_peak = _fit_measured(vote, X_train, y_train)
    fitted.append(("vote", vote, sum(seconds for _, _, seconds, _ in fitted),
                   max(vote_peak, *(peak for _, _, _, peak in fitted))))
    return [entry for entry in fitted if not teacher_names or entry[0] in teacher_names]


def _modes(task, teacher, student, augment):
    """(mode, unfitted model): on labels, distilled, distilled with a transfer set, peers."""
    distiller = pre_auto(DistilledRegressor if task == "regression" else DistilledClassifier)
    modes = [("labels", clone(student)),
             ("distilled", distiller(teacher, student, random_state=0))]
    if augment:
        modes.append((f"distilled+{augment}",
                      distiller(teacher, student, augment=augment, random_state=0)))
    if task == "regression" and _imodels_distiller() is not None:
        # The one other sklearn-style distiller; it refits its teacher, which
        # FrozenEstimator turns into a no-op so both use the same fitted teacher.
        modes.append(("imodels", _imodels_distiller()(FrozenEstimator(teacher), clone(student))))
    return modes


def _imodels_distiller():
    try:
        from imodels import DistilledRegressor as ImodelsDistilledRegressor
    except ImportError:  # the peer is optional: pip install imodels six
        return None
    return ImodelsDistilledRegressor


def run_dataset(name, X, y, task, scale, teacher_names=None, student_names=None, augment=None):
    """All rows of the panel for one dataset."""
    X_train, X_test, y_train, y_test = split(
        X, y, task, max_train_rows=scale.max_train_rows,
        max_test_rows=scale.max_train_rows // 3)
    rows = []
    for teacher_name, teacher, teacher_seconds, teacher_peak in _fitted_teachers(
        task, scale, X_train, y_train, teacher_names
    ):
        teacher_pred = teacher.predict(X_test)
        teacher_row = measure(task, teacher, X_test, y_test, teacher_pred, scale)
        rows.append({"dataset": name, "teacher": teacher_name, "student": "(teacher)",
                     "mode": "teacher", "fit_seconds": teacher_seconds,
                     "peak_mb": teacher_peak / 2**20, **teacher_row})
        for student_name, student in students(task):
            if student_names and student_name not in student_names:
                continue
            for mode, model in _modes(task, teacher, student, augment):
                fit_seconds, peak = _fit_measured(model, X_train, y_train)
                result = measure(task, model, X_test, y_test, teacher_pred, scale)
                rows.append({
                    "dataset": name, "teacher": teacher_name, "student": student_name,
                    "mode": mode, "fit_seconds": fit_seconds, "peak_mb": peak / 2**20,
                    **result,
                    "size_ratio": teacher_row["pickled_kb"] / result["pickled_kb"],
                    "batch_speedup": teacher_row["batch_seconds"] / result["batch_seconds"],
                })
        print(f"  {name} / {teacher_name} done", flush=True)
    return rows
