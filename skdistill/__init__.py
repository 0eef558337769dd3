"""skdistill: knowledge distillation for tabular models, the scikit-learn way."""

from ._distiller import DistilledClassifier, DistilledRegressor
from ._mlp_students import MLPStudentClassifier, MLPStudentRegressor
from ._specialists import Specialist
from ._tabular_students import (
    check_student_input,
    make_linear_student,
    make_mlp_student,
    make_tree_student,
)
from ._teacher_cache import teacher_output_cache
from ._ensemble import TeacherEnsemble
from ._torch_teacher import TorchTeacher
from .augment import ColumnResample, GaussianNoise, Munge
from .export import export_text

__version__ = "0.1.0"

__all__ = [
    "ColumnResample",
    "DistilledClassifier",
    "DistilledRegressor",
    "GaussianNoise",
    "Munge",
    "MLPStudentClassifier",
    "MLPStudentRegressor",
    "Specialist",
    "TeacherEnsemble",
    "TorchTeacher",
    "check_student_input",
    "make_linear_student",
    "make_mlp_student",
    "make_tree_student",
    "export_text",
    "teacher_output_cache",
    "__version__",
]
