"""
Tune temperature and alpha like any hyperparameter
==================================================

``temperature`` and ``alpha`` are ordinary parameters of
:class:`~skdistill.DistilledClassifier`, so ``GridSearchCV`` tunes them. Here a
500-tree random forest on the handwritten digits bundled with scikit-learn is
distilled into a depth-8 decision tree, scored both for accuracy and for
fidelity to the teacher with :func:`~skdistill.metrics.fidelity_scorer`.

The forest is fitted once, outside the search, on rows of its own: the search
shares it by reference and evaluates it once per training fold, not once per
candidate. The search's rows are ones the forest never saw. Scored on its own
training rows a forest is right on nearly every row, so fidelity to it would
be accuracy under another name; on unseen rows the two differ, and the
fidelity panel says how closely the student follows the teacher.
"""

# %%
# A teacher, fitted once
# ----------------------
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.tree import DecisionTreeClassifier

from skdistill import DistilledClassifier
from skdistill.metrics import fidelity_scorer
from skdistill.plotting import DistillationSweepDisplay

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
# Half of the training rows teach the forest, the other half are distilled.
X_teacher, X_distil, y_teacher, y_distil = train_test_split(
    X_train, y_train, test_size=0.5, stratify=y_train, random_state=0
)
teacher = RandomForestClassifier(n_estimators=500, random_state=0, n_jobs=1)
teacher.fit(X_teacher, y_teacher)
print(f"teacher accuracy on its own rows: {teacher.score(X_teacher, y_teacher):.3f}, "
      f"on the rows to distil: {teacher.score(X_distil, y_distil):.3f}, "
      f"on the test rows: {teacher.score(X_test, y_test):.3f}")

# %%
# The search
# ----------
search = GridSearchCV(
    # No transfer set: its rows learn from the teacher alone, so alpha alone says how much
    # the teacher counts.
    DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=8), augment=None,
                        random_state=0),
    {"temperature": [0.5, 1, 2, 4], "alpha": [0.0, 0.5, 1.0]},
    scoring={"accuracy": "accuracy", "fidelity": fidelity_scorer},
    refit="accuracy",
    cv=3,
).fit(X_distil, y_distil)
best = search.best_estimator_
print("best:", search.best_params_)
print(f"the best distiller holds the very same teacher: {best.teacher_ is teacher}")
print(f"student test accuracy: {best.score(X_test, y_test):.3f}")

# %%
# Accuracy and fidelity across the grid
# -------------------------------------
# ``alpha=0`` ignores the teacher, so temperature does not matter there. On rows
# it never saw the forest is right about 96 times in 100, so the two panels are
# close but not equal: fidelity counts agreement with the forest, mistakes
# included. Each point is the mean of three folds of about 225 rows, so a point
# or two between cells is within the noise; read the panels for their shape.
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), sharex=True)
DistillationSweepDisplay.from_cv_results(search.cv_results_, score="accuracy", ax=left)
DistillationSweepDisplay.from_cv_results(search.cv_results_, score="fidelity", ax=right)
left.set_xscale("log")
fig.tight_layout()

# %%
# The search tuned the student on the rows the teacher did not train on. With
# one training set only, fit the teacher on part of it as here, or distil with
# ``alpha`` below 1 so the labels correct an over-confident teacher (see the
# :ref:`pitfalls <user_guide_pitfalls>` in the user guide).
