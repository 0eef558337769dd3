"""Saving a fitted distiller without its teacher: the student travels, a stand-in stays.

Pickles, deep copies and the copies process-based parallelism makes keep the
teacher: they are the distiller itself. A file the size of the student is
asked for explicitly, with ``distiller.without_teacher()``; putting the
teacher back (``set_params(teacher=...)``) makes it whole again.
"""

import copy

from sklearn.utils import InputTags, Tags, TargetTags


class DetachedTeacher:
    """Stands in for the teacher of a distiller copied by ``without_teacher()``.

    A fitted distiller predicts with its student alone. Anything that needs
    the teacher (fitting, fidelity scoring, the displays) raises an error
    that says how to put it back.

    Parameters
    ----------
    description : str
        What the teacher was, e.g. ``"RandomForestClassifier"``.
    sparse, allow_nan : bool, default=False
        Whether the distiller took sparse matrices and NaN when it was
        detached, so that the copy takes the same (plain booleans: skops
        saves them).
    """

    def __init__(self, description, sparse=False, allow_nan=False):
        self.description = description
        self.sparse = sparse
        self.allow_nan = allow_nan

    def __sklearn_tags__(self):
        return Tags(estimator_type=None, target_tags=TargetTags(required=True),
                    input_tags=InputTags(sparse=self.sparse, allow_nan=self.allow_nan))

    def __skdistill_adapter__(self, kind):
        raise self.error()

    def __repr__(self):
        return f"DetachedTeacher({self.description!r})"

    def error(self):
        """The error to raise where the teacher itself is needed."""
        return ValueError(
            f"This distiller was copied without its teacher ({self.description}) by "
            "without_teacher(); it predicts, but cannot fit or compare with the teacher. "
            "Put the fitted teacher back with set_params(teacher=...) first."
        )


def is_detached(teacher):
    return isinstance(teacher, DetachedTeacher)


def without_teacher(distiller):
    """A deep copy of a fitted ``distiller`` in which a stand-in replaces its fitted teacher.

    Every reference to the fitted teacher (``teacher``, ``teacher_``, the
    chain's stages) points to one :class:`DetachedTeacher`; an unfitted
    ``teacher`` parameter, a small configuration, is kept so the copy can
    still be refitted.
    """
    teacher = distiller.teacher_
    if is_detached(teacher):
        return copy.deepcopy(distiller)
    tags = distiller.__sklearn_tags__().input_tags
    stand_in = DetachedTeacher(type(teacher).__name__, tags.sparse, tags.allow_nan)
    return copy.deepcopy(distiller, memo={id(teacher): stand_in})


def put_back(distiller, teacher):
    """Give a detached ``distiller`` (and its stages) ``teacher`` as ``teacher_`` again."""
    distiller.teacher_ = teacher
    for stage in getattr(distiller, "stages_", []):
        stage.teacher_ = teacher
