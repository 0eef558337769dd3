"""Plots in scikit-learn's Display convention (matplotlib is an optional extra).

``XDisplay.from_estimator(...)`` / ``.from_predictions(...)`` compute what to
draw and call ``.plot(ax=...)``; the display keeps the matplotlib artists.
"""

import numpy as np

from ._optional import import_optional
from ._teacher_outputs import teacher_proba


def _axes(ax):
    if ax is not None:
        return ax
    plt = import_optional("matplotlib.pyplot")
    return plt.subplots()[1]


class TeacherStudentDisplay:
    """Teacher against student probabilities for one class, row by row.

    A faithful student puts every point on the diagonal. The line shows the
    student's mean probability in bins of the teacher's, a reliability view
    with the teacher as reference.

    Parameters
    ----------
    teacher_proba : ndarray of shape (n_samples,)
        The teacher's probability of the class shown.
    student_proba : ndarray of shape (n_samples,)
        The student's probability of the same class.
    class_label : object
        The class shown, for the axis labels.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the plot.
    figure_ : matplotlib Figure
        Figure containing the plot.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skdistill import DistilledClassifier
    >>> from skdistill.plotting import TeacherStudentDisplay
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> teacher = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> distilled = DistilledClassifier(teacher, random_state=0).fit(X, y)
    >>> display = TeacherStudentDisplay.from_estimator(distilled, X)
    >>> display.teacher_proba.shape
    (569,)
    """

    def __init__(self, teacher_proba, student_proba, class_label):
        self.teacher_proba = teacher_proba
        self.student_proba = student_proba
        self.class_label = class_label

    @classmethod
    def from_estimator(cls, distiller, X, *, class_label=None, ax=None, n_bins=10):
        """Plot from a fitted :class:`~skdistill.DistilledClassifier` and rows ``X``.

        ``class_label`` defaults to the positive (last) class.
        """
        teacher_proba_ = teacher_proba(distiller, X)
        student_proba = distiller.predict_proba(X)
        label = distiller.classes_[-1] if class_label is None else class_label
        index = int(np.flatnonzero(distiller.classes_ == label)[0])
        return cls.from_predictions(
            teacher_proba_[:, index], student_proba[:, index], class_label=label, ax=ax,
            n_bins=n_bins,
        )

    @classmethod
    def from_predictions(cls, teacher_proba, student_proba, *, class_label=1, ax=None, n_bins=10):
        """Plot from the two probability vectors."""
        display = cls(np.asarray(teacher_proba), np.asarray(student_proba), class_label)
        return display.plot(ax=ax, n_bins=n_bins)

    def plot(self, *, ax=None, n_bins=10):
        """Draw the scatter, the diagonal and the binned means on ``ax``."""
        ax = _axes(ax)
        ax.scatter(self.teacher_proba, self.student_proba, s=6, alpha=0.3, label="rows")
        ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="perfect imitation")
        edges = np.linspace(0, 1, n_bins + 1)
        bins = np.clip(np.digitize(self.teacher_proba, edges[1:-1]), 0, n_bins - 1)
        used = np.unique(bins)
        ax.plot(
            [self.teacher_proba[bins == b].mean() for b in used],
            [self.student_proba[bins == b].mean() for b in used],
            "o-", color="C1", label="student mean per bin",
        )
        ax.set(xlabel=f"teacher P({self.class_label})", ylabel=f"student P({self.class_label})",
               xlim=(-0.02, 1.02), ylim=(-0.02, 1.02))
        ax.legend(loc="upper left")
        self.ax_, self.figure_ = ax, ax.figure
        return self


class DistillationSweepDisplay:
    """A score against one hyperparameter, one line per value of another.

    Made for ``GridSearchCV`` over ``temperature`` and ``alpha``.

    Parameters
    ----------
    x_values : ndarray
        Values of the parameter on the x axis.
    scores : dict of {object: ndarray}
        One score curve (same length as ``x_values``) per value of the other parameter.
    x_param, line_param, score_name : str
        Names for the axes and legend.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the plot.
    figure_ : matplotlib Figure
        Figure containing the plot.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skdistill import DistilledClassifier
    >>> from skdistill.plotting import DistillationSweepDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> teacher = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    >>> search = GridSearchCV(
    ...     DistilledClassifier(teacher), {"temperature": [1, 2], "alpha": [0.5, 1.0]}
    ... ).fit(X, y)
    >>> display = DistillationSweepDisplay.from_cv_results(search.cv_results_)
    >>> sorted(display.scores)
    [0.5, 1.0]
    """

    def __init__(self, x_values, scores, x_param, line_param, score_name):
        self.x_values = x_values
        self.scores = scores
        self.x_param = x_param
        self.line_param = line_param
        self.score_name = score_name

    @classmethod
    def from_cv_results(
        cls, cv_results, *, x_param="temperature", line_param="alpha", score="score", ax=None
    ):
        """Plot ``mean_test_<score>`` from ``GridSearchCV.cv_results_``."""
        column = f"mean_test_{score}"
        if column not in cv_results:
            raise ValueError(
                f"cv_results has no {column!r}; pass score= one of "
                f"{sorted(k[10:] for k in cv_results if k.startswith('mean_test_'))}."
            )
        x_all = np.asarray(cv_results[f"param_{x_param}"], dtype=float)
        lines_all = np.asarray(cv_results[f"param_{line_param}"], dtype=object)
        x_values = np.unique(x_all)
        scores = {}
        for value in sorted(set(lines_all.tolist())):
            mask = lines_all == value
            order = np.argsort(x_all[mask])
            scores[value] = np.asarray(cv_results[column])[mask][order]
        return cls(x_values, scores, x_param, line_param, score).plot(ax=ax)

    def plot(self, *, ax=None):
        """Draw one line per value of ``line_param`` on ``ax``."""
        ax = _axes(ax)
        for value, curve in self.scores.items():
            ax.plot(self.x_values[: len(curve)], curve, "o-", label=f"{self.line_param}={value}")
        ax.set(xlabel=self.x_param, ylabel=f"mean test {self.score_name}")
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self
