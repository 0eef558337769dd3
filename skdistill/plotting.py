"""Plots in scikit-learn's Display convention (matplotlib is an optional extra).

``XDisplay.from_estimator(...)`` / ``.from_predictions(...)`` compute what to
draw and call ``.plot(ax=...)``; the display keeps the matplotlib artists.
Every display takes ``name=`` (the label of what it draws) and ``**kwargs``,
passed to the matplotlib call that draws its main artist.
"""

import numpy as np

from ._bins import merged_bins
from ._disagreement import grouped_disagreement
from ._optional import import_optional
from ._teacher_outputs import teacher_predict, teacher_proba


def _axes(ax):
    if ax is not None:
        return ax
    plt = import_optional("matplotlib.pyplot")
    return plt.subplots()[1]


class TeacherStudentDisplay:
    """Teacher against student, row by row, with the student's mean per bin and its rows.

    A faithful student puts every point on the diagonal. For a classifier
    the points are the probabilities of one class; for a regressor, the
    predictions. The line is the student's mean in bins of the teacher's
    output — of equal width for probabilities, quantile bins for
    predictions, merged until each holds ``min_rows`` rows, each marked with
    its number of rows — a reliability view with the teacher as reference.

    Parameters
    ----------
    teacher_output : ndarray of shape (n_samples,)
        The teacher's probability of the class shown, or its prediction.
    student_output : ndarray of shape (n_samples,)
        The student's, on the same rows.
    class_label : object, default=None
        The class shown; ``None`` for predictions (regression).
    name : str, default=None
        Label of the binned line; ``None``: "student mean per bin".

    Attributes
    ----------
    line_ : matplotlib Line2D
        The binned means.
    bin_teacher_, bin_student_, bin_counts_ : ndarray of shape (n_bins,)
        Mean teacher and student output and number of rows of each bin.
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
    >>> display = TeacherStudentDisplay.from_estimator(distilled, X, min_rows=50)
    >>> display.teacher_output.shape
    (569,)
    >>> bool(display.bin_counts_.min() >= 50)
    True
    """

    def __init__(self, teacher_output, student_output, *, class_label=None, name=None):
        self.teacher_output = teacher_output
        self.student_output = student_output
        self.class_label = class_label
        self.name = name

    @classmethod
    def from_estimator(cls, distiller, X, *, class_label=None, n_bins=10, strategy="auto",
                       min_rows=20, name=None, ax=None, **kwargs):
        """Plot from a fitted distiller and rows ``X``.

        A classifier shows ``class_label``, by default its last class; a
        regressor its predictions. See :meth:`plot` for the other parameters.
        """
        if not hasattr(distiller, "classes_"):
            display = cls(np.asarray(teacher_predict(distiller, X), dtype=np.float64),
                          np.asarray(distiller.predict(X), dtype=np.float64), name=name)
            return display.plot(ax=ax, n_bins=n_bins, strategy=strategy, min_rows=min_rows,
                                **kwargs)
        label = distiller.classes_[-1] if class_label is None else class_label
        matches = np.flatnonzero(distiller.classes_ == label)
        if not len(matches):
            raise ValueError(f"class_label={label!r} is not one of {distiller.classes_.tolist()}.")
        column = int(matches[0])
        return cls.from_predictions(
            teacher_proba(distiller, X)[:, column], distiller.predict_proba(X)[:, column],
            class_label=label, n_bins=n_bins, strategy=strategy, min_rows=min_rows, name=name,
            ax=ax, **kwargs,
        )

    @classmethod
    def from_predictions(cls, teacher_output, student_output, *, class_label=None, n_bins=10,
                         strategy="auto", min_rows=20, name=None, ax=None, **kwargs):
        """Plot from the two output vectors (probabilities of ``class_label``, or predictions)."""
        display = cls(np.asarray(teacher_output, dtype=np.float64),
                      np.asarray(student_output, dtype=np.float64),
                      class_label=class_label, name=name)
        return display.plot(ax=ax, n_bins=n_bins, strategy=strategy, min_rows=min_rows, **kwargs)

    def plot(self, *, ax=None, n_bins=10, strategy="auto", min_rows=20, name=None, **kwargs):
        """Draw the rows, the diagonal and the binned means with their counts.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; ``None`` makes a new figure.
        n_bins : int, default=10
            Bins of the teacher's output, before merging.
        strategy : {"auto", "quantile", "uniform"}, default="auto"
            Bins with as many rows each, or of equal width; ``"auto"``: equal
            width on [0, 1] for probabilities (where a reliability diagram
            puts them), quantiles for predictions.
        min_rows : int, default=20
            Fewest rows of a bin: smaller bins join their neighbour.
        name : str, default=None
            Label of the binned line (overrides the one given at creation).
        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.plot` for the binned line.

        Returns
        -------
        display : TeacherStudentDisplay
        """
        ax = _axes(ax)
        teacher, student = self.teacher_output, self.student_output
        ax.scatter(teacher, student, s=6, alpha=0.3, color="C0", label="rows")
        low, high = (0.0, 1.0) if self.class_label is not None else (
            min(teacher.min(), student.min()), max(teacher.max(), student.max()))
        ax.plot([low, high], [low, high], "k--", linewidth=1, label="perfect imitation")
        if strategy == "auto":
            strategy = "quantile" if self.class_label is None else "uniform"
        _, codes = merged_bins(teacher, n_bins, min_rows, strategy,
                               value_range=None if self.class_label is None else (0.0, 1.0))
        used = np.unique(codes[codes >= 0])
        self.bin_teacher_ = np.array([teacher[codes == b].mean() for b in used])
        self.bin_student_ = np.array([student[codes == b].mean() for b in used])
        self.bin_counts_ = np.array([(codes == b).sum() for b in used])
        label = name or self.name or "student mean per bin"
        self.line_ = ax.plot(self.bin_teacher_, self.bin_student_,
                             **{"marker": "o", "color": "C1", "label": label, **kwargs})[0]
        for x, y, count in zip(self.bin_teacher_, self.bin_student_, self.bin_counts_):
            ax.annotate(str(count), (x, y), textcoords="offset points", xytext=(4, -11),
                        fontsize=7, color=self.line_.get_color())
        what = "prediction" if self.class_label is None else f"P({self.class_label})"
        ax.set(xlabel=f"teacher {what}", ylabel=f"student {what} (bins: rows in each)")
        if self.class_label is not None:
            ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02))
        ax.legend(loc="upper left")
        self.ax_, self.figure_ = ax, ax.figure
        return self


class DisagreementDisplay:
    """Where a student departs from its teacher: agreement per leaf or per bin of a column.

    One bar per group of rows — the leaves of a tree student, or the bins of
    one column of X (quantile bins merged until each holds ``min_rows`` rows,
    categories with the rare ones pooled, a bin for missing values) — its
    length the student's fidelity to the teacher (classification) or its
    mean absolute error to the teacher (regression), its number of rows
    written beside it. The numbers are those of
    :func:`skdistill.inspection.disagreement`.

    Parameters
    ----------
    table : pandas.DataFrame
        The groups in their natural order (leaves in the tree's order, bins
        from low to high), as :func:`~skdistill.inspection.disagreement`
        computes them.
    name : str, default=None
        Title of the plot.

    Attributes
    ----------
    bars_ : matplotlib BarContainer
        The bars.
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
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skdistill import DistilledClassifier
    >>> from skdistill.plotting import DisagreementDisplay
    >>> X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    >>> teacher = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> distilled = DistilledClassifier(
    ...     teacher, DecisionTreeClassifier(max_depth=2), random_state=0).fit(X, y)
    >>> display = DisagreementDisplay.from_estimator(distilled, X, by="mean radius")
    >>> int(display.table["rows"].sum())
    569
    """

    def __init__(self, table, *, name=None):
        self.table = table
        self.name = name

    @classmethod
    def from_estimator(cls, distilled, X, *, by="auto", n_bins=10, min_rows=30, name=None,
                       ax=None, **kwargs):
        """Plot from a fitted distiller and rows ``X`` (held out, preferably).

        ``by``: ``"leaf"`` (``"auto"`` for a tree student) or the name of one
        column of X; ``n_bins`` and ``min_rows`` as in
        :func:`~skdistill.inspection.disagreement`. ``**kwargs`` go to
        :meth:`matplotlib.axes.Axes.barh`.
        """
        if by == "feature":
            raise ValueError("DisagreementDisplay draws one column at a time: pass by=<column "
                             "name>, or by='leaf' for a tree student.")
        table = grouped_disagreement(distilled, X, by=by, n_bins=n_bins, min_rows=min_rows)
        return cls(table, name=name).plot(ax=ax, **kwargs)

    def plot(self, *, ax=None, name=None, **kwargs):
        """Draw one bar per group, with its number of rows.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; ``None`` makes a new figure.
        name : str, default=None
            Title (overrides the one given at creation).
        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.barh`.

        Returns
        -------
        display : DisagreementDisplay
        """
        ax = _axes(ax)
        table = self.table
        classifier = "fidelity" in table
        metric = table["fidelity"] if classifier else table["mae_to_teacher"]
        if "leaf" in table:
            labels, what = [f"leaf {leaf}" for leaf in table["leaf"]], "leaf"
        else:
            labels, what = list(table["bin"]), str(table["feature"].iloc[0])
        positions = np.arange(len(table))
        self.bars_ = ax.barh(positions, metric, **{"color": "C0", **kwargs})
        for position, value, rows in zip(positions, metric, table["rows"]):
            ax.text(value, position, f" {rows} rows", va="center", fontsize=8)
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        if classifier:
            ax.set(xlim=(0.0, 1.2), xlabel="fidelity: share of rows where the student "
                                           "predicts the teacher's label")
        else:
            ax.set(xlim=(0.0, 1.25 * float(metric.max()) or 1.0),
                   xlabel="mean |student - teacher|")
        ax.set(ylabel=what, title=name or self.name or f"Student against teacher, by {what}")
        self.ax_, self.figure_ = ax, ax.figure
        return self


class DistillationSweepDisplay:
    """A cross-validated score against one hyperparameter, one line per value of another.

    Made for ``GridSearchCV`` over ``temperature`` and ``alpha``; a grid over
    one parameter draws one line. A band of one standard deviation across
    folds (``std_test_<score>``) surrounds each line.

    Parameters
    ----------
    x_values : ndarray
        Values of the parameter on the x axis.
    scores : dict of {object: ndarray}
        One score curve (same length as ``x_values``) per value of the other
        parameter (a single key ``None`` for a one-parameter grid).
    x_param, line_param, score_name : str
        Names for the axes and legend (``line_param`` None for one line).
    stds : dict of {object: ndarray}, default=None
        The standard deviation across folds of each curve.
    name : str, default=None
        Prefix of the legend labels.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One per curve.
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

    def __init__(self, x_values, scores, x_param, line_param, score_name, *, stds=None,
                 name=None):
        self.x_values = x_values
        self.scores = scores
        self.x_param = x_param
        self.line_param = line_param
        self.score_name = score_name
        self.stds = stds
        self.name = name

    @classmethod
    def from_cv_results(cls, cv_results, *, x_param="temperature", line_param="alpha",
                        score="score", name=None, ax=None, **kwargs):
        """Plot ``mean_test_<score>`` (and its ``std_test_<score>``) from ``cv_results_``.

        ``line_param=None``, or a parameter the grid did not search, draws one
        line. ``**kwargs`` go to :meth:`matplotlib.axes.Axes.plot`.
        """
        column = f"mean_test_{score}"
        if column not in cv_results:
            raise ValueError(
                f"cv_results has no {column!r}; pass score= one of "
                f"{sorted(k[10:] for k in cv_results if k.startswith('mean_test_'))}."
            )
        if f"param_{x_param}" not in cv_results:
            raise ValueError(
                f"cv_results has no param_{x_param}: pass x_param= one of "
                f"{sorted(k[6:] for k in cv_results if k.startswith('param_'))}."
            )
        x_all = np.asarray(cv_results[f"param_{x_param}"], dtype=float)
        if line_param is not None and f"param_{line_param}" not in cv_results:
            line_param = None
        lines_all = (np.full(len(x_all), None, dtype=object) if line_param is None
                     else np.asarray(cv_results[f"param_{line_param}"], dtype=object))
        std_column = np.asarray(cv_results.get(f"std_test_{score}", np.zeros(len(x_all))))
        scores, stds = {}, {}
        for value in sorted(set(lines_all.tolist()), key=lambda v: (v is None, v)):
            mask = lines_all == value
            order = np.argsort(x_all[mask])
            scores[value] = np.asarray(cv_results[column])[mask][order]
            stds[value] = std_column[mask][order]
        display = cls(np.unique(x_all), scores, x_param, line_param, score, stds=stds,
                      name=name)
        return display.plot(ax=ax, **kwargs)

    def plot(self, *, ax=None, name=None, **kwargs):
        """Draw one line per curve, with its band of one standard deviation.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; ``None`` makes a new figure.
        name : str, default=None
            Prefix of the legend labels (overrides the one given at creation).
        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.plot` for every line.

        Returns
        -------
        display : DistillationSweepDisplay
        """
        ax = _axes(ax)
        prefix = name or self.name
        self.lines_ = []
        for value, curve in self.scores.items():
            x = self.x_values[: len(curve)]
            label = (f"{self.line_param}={value}" if self.line_param is not None
                     else f"mean test {self.score_name}")
            label = f"{prefix}, {label}" if prefix else label
            line = ax.plot(x, curve, **{"marker": "o", "label": label, **kwargs})[0]
            if self.stds is not None:
                ax.fill_between(x, curve - self.stds[value], curve + self.stds[value],
                                color=line.get_color(), alpha=0.2, linewidth=0)
            self.lines_.append(line)
        ax.set(xlabel=self.x_param,
               ylabel=f"mean test {self.score_name} (band: one std across folds)")
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self
