"""Chains of distillation on real data: teacher assistants and born-again generations.

Two questions, each on a 75/25 split of several panel datasets:

- *Teacher assistant*: a 1,000-tree x 63-leaf LightGBM teacher into a depth-3
  tree, directly and through an assistant (a depth-6 or depth-10 tree, or a
  50 x 15 LightGBM model) distilled from the teacher first.
- *Born-again*: ``teacher="self"`` with three generations for a depth-6 tree,
  a 50 x 15 LightGBM model and (on the two smallest datasets) the default
  MLP: generation 0 is the student on the labels, each next one distilled
  from the previous (all read off one fit: ``teacher_`` and ``stages_``).

- *Learned weights*: a LightGBM (300 trees), a random forest (300 trees) and a
  logistic / ridge regression as one teacher, equal weights against weights
  learned on 20% of the training rows held out from the members' fit
  (``TeacherEnsemble(weights="learn")``), each distilled into a depth-6 tree.

- *Specialists* (multiclass datasets): a 300-tree random forest as the
  generalist, with and without a specialist (another forest) on the (at most)
  four classes the generalist recalls worst in 3-fold cross-validation on the
  training rows (Hinton et al. 2015), each distilled into a depth-6 tree.

Test quality (AUC, accuracy or R²) and fidelity to the 1,000-tree teacher (for
born-again models, which never saw it, a reference for how close they come to
a strong model) are written to ``benchmarks/results/family.csv``.

Run from the repository root: ``python -m benchmarks.bench_family [datasets...]``.
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from skdistill import DistilledClassifier, DistilledRegressor, make_mlp_student
from skdistill.metrics import fidelity_score

from .__main__ import load
from .panel import _lightgbm, _quality, _small_booster, encoder

RESULTS = Path(__file__).parent / "results" / "family.csv"
DATASETS = ["concrete", "hpc", "mlc_churn", "computers", "digits"]
MLP_DATASETS = {"concrete", "hpc"}


def _tree(task, depth):
    from sklearn.pipeline import make_pipeline
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    tree = DecisionTreeRegressor if task == "regression" else DecisionTreeClassifier
    return make_pipeline(encoder(), tree(max_depth=depth, random_state=0))


def assistants(task):
    return {"none": None, "tree6": _tree(task, 6), "tree10": _tree(task, 10),
            "lgbm50x15": _small_booster(task)}


def born_again_students(task, dataset):
    students = {"tree6": _tree(task, 6), "lgbm50x15": _small_booster(task)}
    if dataset in MLP_DATASETS:
        kind = "regression" if task == "regression" else "classification"
        students["mlp"] = make_mlp_student(kind, random_state=0)
    return students


def ensemble_members(task):
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline

    regression = task == "regression"
    forest = (RandomForestRegressor if regression else RandomForestClassifier)(
        n_estimators=300, min_samples_leaf=2, n_jobs=-1, random_state=0)
    linear = Ridge() if regression else LogisticRegression(max_iter=2000)
    return [_lightgbm(task, n_estimators=300, learning_rate=0.05, random_state=0),
            make_pipeline(encoder(), forest), make_pipeline(encoder(), linear)]


def weights_rows(name, task, X_train, X_test, y_train, y_test):
    from skdistill import TeacherEnsemble

    distiller = DistilledRegressor if task == "regression" else DistilledClassifier
    rows = []
    for weights in (None, "learn"):
        ensemble = TeacherEnsemble(ensemble_members(task), weights=weights)
        ensemble.fit(X_train, y_train, random_state=0)
        learned = getattr(ensemble, "weights_", None)
        student = distiller(ensemble, _tree(task, 6), random_state=0).fit(X_train, y_train)
        for role, model in (("ensemble", ensemble), ("tree6", student)):
            rows.append({"dataset": name, "study": "weights", "student": role,
                         "variant": "equal" if weights is None else
                         "learned " + "/".join(f"{w:.2f}" for w in learned),
                         "quality": _quality(task, model, X_test, y_test)})
    return rows


def specialist_rows(name, X_train, X_test, y_train, y_test):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import recall_score
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline

    from skdistill import Specialist, TeacherEnsemble

    def forest():
        return make_pipeline(encoder(), RandomForestClassifier(
            n_estimators=300, min_samples_leaf=2, n_jobs=-1, random_state=0))

    generalist = forest().fit(X_train, y_train)
    recall = recall_score(y_train, cross_val_predict(forest(), X_train, y_train, cv=3),
                          average=None, labels=generalist.classes_)
    # At most four classes, and never all of them: the dustbin must hold something.
    worst = generalist.classes_[np.argsort(recall)[:min(4, len(recall) - 1)]]
    rows = []
    for variant, members in (("generalist", [generalist]),
                             ("+ specialist " + "/".join(map(str, worst)),
                              [generalist, Specialist(forest(), classes=worst)])):
        ensemble = TeacherEnsemble(members).fit(X_train, y_train, random_state=0)
        student = DistilledClassifier(ensemble, _tree("multiclass", 6), random_state=0)
        student.fit(X_train, y_train)
        for role, model in (("ensemble", ensemble), ("tree6", student)):
            rows.append({"dataset": name, "study": "specialists", "student": role,
                         "variant": variant, "quality": _quality("multiclass", model, X_test,
                                                                 y_test)})
    return rows


def run_dataset(name):
    X, y, task = load(name)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=None if task == "regression" else y)
    distiller = DistilledRegressor if task == "regression" else DistilledClassifier
    teacher = _lightgbm(task, n_estimators=1000, num_leaves=63, learning_rate=0.05,
                        random_state=0).fit(X_train, y_train)
    teacher_test = teacher.predict(X_test)
    rows = [{"dataset": name, "study": "teacher", "student": "lgbm1000x63", "variant": "-",
             "quality": _quality(task, teacher, X_test, y_test), "fidelity": 1.0}]
    for assistant_name, assistant in assistants(task).items():
        model = distiller(teacher, _tree(task, 3), assistant=assistant, random_state=0)
        model.fit(X_train, y_train)
        rows.append({"dataset": name, "study": "assistant", "student": "tree3",
                     "variant": assistant_name, "quality": _quality(task, model, X_test, y_test),
                     "fidelity": fidelity_score(teacher_test, model.predict(X_test))})
    print(f"  {name}: assistants done", flush=True)
    for student_name, student in born_again_students(task, name).items():
        model = distiller("self", student, n_generations=3, random_state=0).fit(X_train, y_train)
        generations = [model.teacher_, *model.stages_, model]
        for number, generation in enumerate(generations):
            rows.append({"dataset": name, "study": "born-again", "student": student_name,
                         "variant": f"generation {number}",
                         "quality": _quality(task, generation, X_test, y_test),
                         "fidelity": fidelity_score(teacher_test, generation.predict(X_test))})
    print(f"  {name}: born-again done", flush=True)
    rows += weights_rows(name, task, X_train, X_test, y_train, y_test)
    print(f"  {name}: weights done", flush=True)
    if task == "multiclass":
        rows += specialist_rows(name, X_train, X_test, y_train, y_test)
    return rows


def main(names):
    rows = []
    for name in names or DATASETS:
        rows += run_dataset(name)
        pd.DataFrame(rows).to_csv(RESULTS, index=False)
    frame = pd.DataFrame(rows)
    print(frame.round(4).to_markdown(index=False))
    return frame


if __name__ == "__main__":
    main(sys.argv[1:])
