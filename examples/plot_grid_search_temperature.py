"""
Tune temperature and alpha like any hyperparameter
==================================================

``temperature`` and ``alpha`` are ordinary parameters of
:class:`~skdistill.DistilledClassifier`, so ``GridSearchCV`` tunes them. Here a
500-tree random forest on the handwritten digits bundled with scikit-learn is
distilled into a depth-8 decision tree, scored both for accuracy and for
fidelity to the teacher with :func:`~skdistill.metrics.fidelity_scorer`.

The forest is fitted once, outside the search: the search shares it by
reference and evaluates it once per training fold, not once per candidate.
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
teacher = RandomForestClassifier(n_estimators=500, random_state=0, n_jobs=-1)
teacher.fit(X_train, y_train)
print(f"teacher accuracy: {teacher.score(X_test, y_test):.3f}")

# %%
# The search
# ----------
search = GridSearchCV(
    DistilledClassifier(teacher, DecisionTreeClassifier(max_depth=8), random_state=0),
    {"temperature": [0.5, 1, 2, 4], "alpha": [0.0, 0.5, 1.0]},
    scoring={"accuracy": "accuracy", "fidelity": fidelity_scorer},
    refit="accuracy",
    cv=3,
).fit(X_train, y_train)
best = search.best_estimator_
print("best:", search.best_params_)
print(f"the best distiller holds the very same teacher: {best.teacher_ is teacher}")
print(f"student test accuracy: {best.score(X_test, y_test):.3f}")

# %%
# Accuracy and fidelity across the grid
# -------------------------------------
# ``alpha=0`` ignores the teacher, so temperature does not matter there. Higher
# ``alpha`` moves the student towards the teacher.
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), sharex=True)
DistillationSweepDisplay.from_cv_results(search.cv_results_, score="accuracy", ax=left)
DistillationSweepDisplay.from_cv_results(search.cv_results_, score="fidelity", ax=right)
left.set_xscale("log")
fig.tight_layout()
