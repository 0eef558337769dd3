"""Plots of the panel: how faithful a student is for its size."""

import matplotlib

matplotlib.use("Agg")  # files only: the benchmark runs without a screen
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

_MARKERS = {"labels": "o", "distilled": "s", "imodels": "x"}


def fidelity_against_size(frame, dataset):
    """One panel per teacher: fidelity of each student (and mode) against its pickled size."""
    teachers = list(dict.fromkeys(frame["teacher"]))
    figure, axes = plt.subplots(1, len(teachers), figsize=(4.2 * len(teachers), 3.6),
                                sharey=True, squeeze=False)
    for ax, teacher in zip(axes[0], teachers):
        part = frame[(frame["teacher"] == teacher) & (frame["mode"] != "teacher")]
        for mode, rows in part.groupby("mode", sort=False):
            rows = rows.sort_values("pickled_kb")
            ax.plot(rows["pickled_kb"], rows["fidelity"], marker=_MARKERS.get(mode, "^"),
                    linestyle=":", label=mode)
        for _, row in part[part["mode"] == "labels"].iterrows():
            ax.annotate(row["student"], (row["pickled_kb"], row["fidelity"]), fontsize=7,
                        textcoords="offset points", xytext=(3, -9))
        teacher_kb = frame[(frame["teacher"] == teacher) & (frame["mode"] == "teacher")]
        ax.set_xscale("log")
        ax.set_title(f"{dataset}: {teacher} teacher ({_kb(teacher_kb)})", fontsize=9)
        ax.set_xlabel("student pickled size (kB)")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("fidelity to the teacher")
    axes[0][-1].legend(fontsize=7, loc="lower right")
    figure.tight_layout()
    plt.close(figure)
    return figure


def _kb(teacher_rows):
    if teacher_rows.empty:
        return "size unknown"
    return f"{np.round(teacher_rows['pickled_kb'].iloc[0]):,.0f} kB"
