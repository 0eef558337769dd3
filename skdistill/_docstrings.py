"""The parameter and attribute texts both distillers share, written once.

Each distiller's docstring is an f-string that places these pieces among its
own; the rules live here, the measured figures in the user guide.
"""

CHAIN_PARAMETERS = """
    assistant : estimator or None, default=None
        A teacher assistant (Mirzadeh et al. 2020): a model between teacher
        and student in size, distilled from the teacher first; the student
        is then distilled from it, on the same rows and with the same
        settings. Meant for a large gap (a 1,000-tree ensemble into a
        depth-3 tree); its size is a hyperparameter like any other
        (``assistant__max_depth`` in a grid). ``None`` distils directly.
    n_generations : int, default=1
        Rounds of distillation into the student's architecture, each
        round's student teaching a fresh copy in the next (born-again
        networks, Furlanello et al. 2018). With ``teacher="self"`` the first
        teacher is the student itself trained on the labels. Each generation
        draws its own seed from ``random_state`` for the student's unset
        random states; a ``random_state`` set on the student is kept, so its
        generations then start from the same initial state."""

CV_PARAMETER = """
    cv : "auto", None, "oob", int, cross-validation generator or iterable, default="auto"
        Which teacher outputs the training rows learn from. A teacher scores
        the rows it was fitted on almost as their labels say; ``None`` takes
        those in-sample outputs as they are. ``"oob"`` takes a bagged
        teacher's out-of-bag outputs (a forest with ``bootstrap=True``, a
        bagging model: each row scored by the members that did not see it;
        free, and meant for the rows the teacher was fitted on, in the same
        order). An int or splitter (as in
        :func:`sklearn.model_selection.check_cv`) takes out-of-fold outputs:
        clones of the teacher's configuration refit on the folds, each
        scoring the fold it did not see (the teacher itself is never touched;
        each fold costs about a teacher fit, reported in ``fit_times_``, and is
        computed once for a search when ``random_state`` is an int). Transfer
        rows always get the teacher's own outputs. ``"auto"`` resolves by the
        student's family and the teacher's situation
        (:ref:`user_guide_auto`)."""

TRANSFER_PARAMETERS = """
    augment : {"auto", None, "munge", "resample", "gaussian"} or object, default="auto"
        How to draw a transfer set: extra rows, like the training rows, that
        the teacher labels so the student sees it answer where the training
        data are thin. ``"munge"`` is :class:`~skdistill.augment.Munge`,
        ``"resample"`` :class:`~skdistill.augment.ColumnResample`,
        ``"gaussian"`` :class:`~skdistill.augment.GaussianNoise`, each with
        its defaults; any object with ``sample(X, n_rows, random_state)``
        (cloned in ``fit``) works too. ``None`` trains on the real rows (and
        ``X_unlabeled``) only. Augmented rows are drawn from ``X`` and
        ``X_unlabeled`` together; dense arrays and DataFrames only. The
        teacher labels every augmented row, so a fit costs ``augment_size``
        times more teacher inference. ``"auto"`` resolves by the student's
        family (:ref:`user_guide_auto`), and to None on sparse X.
    augment_size : int, float or "auto", default="auto"
        How many rows to draw: a float is a multiple of the number of rows of
        ``X`` (at most 100), an int a number of rows. Capped at 2,000,000
        rows, with a warning, to bound memory. Ignored when no rows are drawn.
    transfer_weight : float or "auto", default="auto"
        Total sample weight of the augmented and unlabelled rows, relative to
        the total weight of the real rows (so with 1.0 they count as much as
        the training data together, whatever their number). These rows learn
        from the teacher alone; ``alpha`` applies to the real rows."""

RUN_PARAMETERS = """
    n_jobs : int or None, default=None
        Parallel teacher calls (joblib, threads preferred) on chunks of
        50,000 rows. ``None`` means 1 unless in a ``joblib.parallel_config``
        context; -1 uses every core.
    verbose : int, default=0
        ``1`` prints one line per stage of the fit as it ends (the teacher's
        fit, the transfer set, the teacher's outputs, each student of the
        chain: rows and seconds), a progress bar with the time left on
        teacher passes over more than 50,000 rows (with tqdm installed), and
        an MLP student's epochs (its own ``verbose``, when left at 0, takes
        this value); ``2`` also a line as each stage starts. The seconds are
        kept in ``fit_times_`` whatever ``verbose``.
    random_state : int, RandomState instance or None, default=None
        Seeds every ``random_state`` left at None in the teacher (when fitted
        here) and the student, and torch for neural students (inside
        :func:`torch.random.fork_rng`), so the same value gives the same model."""

FITTED_ATTRIBUTES = """
    teacher_ : object
        The teacher that gave the targets: the one passed if it was fitted,
        else the clone fitted in ``fit`` (a list of teachers becomes a
        :class:`~skdistill.TeacherEnsemble`).
    student_ : estimator
        The fitted student.
    strategy_ : str
        The strategy that trained the student.
    stages_ : list of fitted distillers
        The models before the student in the chain, in order: the
        assistant, then each earlier generation, each a fitted distiller
        whose ``student_`` it is (it predicts like one). Empty with no
        assistant and one generation.
    fit_times_ : dict of str to float
        Seconds of the last fit by stage: ``"teacher_fit"`` (0 for a fitted
        teacher), ``"transfer_set"``, ``"teacher_outputs"``, ``"student"``
        (every model of the chain) and ``"total"``, so that the teacher's
        share of a fit is visible.
    feature_importances_, coef_, intercept_ : ndarray
        The student's, where it has them and reads X's columns as they are
        (for :class:`~sklearn.feature_selection.SelectFromModel`); a linear
        classifier's at T = 1."""

SETTINGS_ATTRIBUTES = """
    alpha_, augment_, augment_size_, transfer_weight_, cv_ : object
        The settings used: the parameter's value, or what ``"auto"``
        resolved to for this student and teacher."""

FEATURE_ATTRIBUTES = """
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names."""

TEACHER_CONTRACT = """
    A fitted teacher is read-only through the distiller: ``clone``,
    ``GridSearchCV`` and copies share it or carry it as it is, and
    ``set_params(teacher__...)`` is refused while it is fitted (pass an
    unfitted teacher to tune it: it is then cloned and fitted per fit). A fit
    that raises leaves the distiller as it was before the call.
    :meth:`without_teacher` gives a copy to save at the size of the student."""
