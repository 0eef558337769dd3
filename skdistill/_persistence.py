"""Saving a fitted distiller: the student travels, the teacher stays behind."""

from sklearn.utils import InputTags, Tags, TargetTags


class DetachedTeacher:
    """Stands in for the teacher of a distiller that was saved without it.

    A fitted distiller predicts with its student alone, so pickle, joblib and
    skops files leave the teacher out: the file is the size of the student.
    Anything that needs the teacher again (fitting, fidelity scoring) raises
    an error that says how to put it back.

    Parameters
    ----------
    description : str
        What the teacher was, e.g. ``"RandomForestClassifier"``.
    sparse, allow_nan : bool, default=False
        Whether the distiller took sparse matrices and NaN when it was saved,
        so that the loaded one takes the same (plain booleans: skops saves
        them).
    """

    def __init__(self, description, sparse=False, allow_nan=False):
        self.description = description
        self.sparse = sparse
        self.allow_nan = allow_nan

    def __sklearn_tags__(self):
        return Tags(estimator_type=None, target_tags=TargetTags(required=True),
                    input_tags=InputTags(sparse=self.sparse, allow_nan=self.allow_nan))

    def __repr__(self):
        return f"DetachedTeacher({self.description!r})"

    def error(self):
        """The error to raise where the teacher itself is needed."""
        return ValueError(
            f"This distiller was saved without its teacher ({self.description}) to keep "
            "the file the size of the student; it predicts, but cannot fit or compare "
            "with the teacher. Put the teacher back with set_params(teacher=...) first."
        )


def without_teacher(state, input_tags):
    """A fitted distiller's ``__getstate__`` with its teacher left out.

    ``input_tags`` are the distiller's own: the stand-in keeps them.
    """
    if "student_" not in state:
        return state
    teacher = state.get("teacher_", state.get("teacher"))
    if isinstance(teacher, DetachedTeacher):
        return state
    stand_in = DetachedTeacher(type(teacher).__name__, input_tags.sparse, input_tags.allow_nan)
    return {**state, "teacher": stand_in, "teacher_": stand_in}
