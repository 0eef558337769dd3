"""Chains of distillation on real data: teacher assistants and born-again generations.

Two questions, each on a 75/25 split of several panel datasets:

- *Teacher assistant*: a 1,000-tree x 63-leaf LightGBM teacher into a depth-3
  tree, directly and through an assistant (a depth-6 or depth-10 tree, or a
  50 x 15 LightGBM model) distilled from the teacher first.
- *Born-again*: ``teacher="self"`` with three generations for a depth-6 tree,
  a 50 x 15 LightGBM model and (on the two smallest datasets) the default
  MLP: generation 0 is the student on the labels, each next one distilled
  from the previous (all read off one fit: ``teacher_`` and ``stages_``).

Test quality (AUC, accuracy or R²) and fidelity to the 1,000-tree teacher (for
born-again models, which never saw it, a reference for how close they come to
a strong model) are written to ``benchmarks/results/family.csv``.

Run from the repository root: ``python -m benchmarks.bench_family [datasets...]``.
"""

import sys
from pathlib import Path

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
