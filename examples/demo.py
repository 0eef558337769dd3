"""Distil a random forest into a small tree and a small neural net, and compare.

Run with ``python examples/demo.py``. Uses the handwritten digits bundled with
scikit-learn (1,797 images of 8x8 pixels, ten classes), so it needs no network.

For each student it prints the test accuracy, the fidelity (agreement with the
teacher's predictions), the pickled size and the time to predict the test set,
for the same student trained on the labels alone and distilled from the
teacher, with a MUNGE transfer set (rows the teacher labels so the student sees
it answer where the training data are thin).
"""

import pickle
import time

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from skdistill import DistilledClassifier, make_mlp_student


def prediction_seconds(model, X, repeats=5):
    """Median wall time of ``model.predict(X)``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict(X)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def describe(name, model, X_test, y_test, teacher_pred):
    pred = model.predict(X_test)
    # What ships: a distiller saved without its teacher, or the label-fit model.
    shipped = model.without_teacher() if hasattr(model, "without_teacher") else model
    return (
        f"{name:<34}{np.mean(pred == y_test):>9.3f}{np.mean(pred == teacher_pred):>10.3f}"
        f"{len(pickle.dumps(shipped)) / 1024:>11.0f}"
        f"{prediction_seconds(model, X_test) * 1e3:>10.2f}"
    )


def students():
    """(name, student) pairs: each is fit on labels and distilled."""
    return [
        ("decision tree, depth 8", DecisionTreeClassifier(max_depth=8, random_state=0)),
        ("MLP, 2 x 64", make_mlp_student(
            hidden_layer_sizes=(64, 64), max_epochs=40, random_state=0)),
    ]


def main():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    teacher = RandomForestClassifier(n_estimators=500, random_state=0, n_jobs=-1)
    teacher.fit(X_train, y_train)
    teacher_pred = teacher.predict(X_test)

    print(f"{'model':<34}{'accuracy':>9}{'fidelity':>10}{'size (KB)':>11}{'time (ms)':>10}")
    print(describe("teacher: random forest, 500 trees", teacher, X_test, y_test, teacher_pred))
    for name, student in students():
        on_labels = clone(student).fit(X_train, y_train)
        distilled = DistilledClassifier(
            teacher, student, augment="munge", augment_size=2.0, random_state=0
        ).fit(X_train, y_train)
        print(describe(f"{name}, on labels", on_labels, X_test, y_test, teacher_pred))
        # The distiller keeps a reference to the teacher; what ships is the student.
        print(describe(f"{name}, distilled", distilled.student_, X_test, y_test, teacher_pred))


if __name__ == "__main__":
    main()
