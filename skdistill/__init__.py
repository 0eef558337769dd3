"""skdistill: knowledge distillation for tabular models, the scikit-learn way."""

from ._distiller import DistilledClassifier, DistilledRegressor
from ._teacher_cache import teacher_output_cache
from ._teachers import TeacherEnsemble
from .export import export_text

__version__ = "0.1.0"

__all__ = [
    "DistilledClassifier",
    "DistilledRegressor",
    "TeacherEnsemble",
    "export_text",
    "teacher_output_cache",
    "__version__",
]
