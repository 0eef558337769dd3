"""Chains of distillation: teacher -> assistant -> student, and born-again generations.

Each model of the chain is distilled from the one before it, on the same
rows and with the same settings; the models before the student are kept as
fitted distillers in ``stages_`` (each predicts like its student).
"""

from sklearn.base import clone

from ._seeding import derived_seed, seed_unset_random_states, spawn_seeds
from ._students import choose_strategy


def chain_of(distiller):
    """The models distilled in turn: the assistant, then the student per generation."""
    assistant = [] if distiller.assistant is None else [distiller.assistant]
    return assistant + [distiller._student()] * distiller.n_generations


def fit_chain(distiller, X, y, sample_weight, transfer):
    """Distil ``distiller.teacher_`` into each model of the chain, each teaching the next.

    Sets ``stages_``, ``student_`` and ``strategy_``. Only the first lesson's
    teacher outputs are cached: the later teachers are the stages just fitted,
    new in every fit.
    """
    chain = chain_of(distiller)
    # Born-again: the teacher took the first seed, the generations follow.
    first = 1 if distiller._teaches_itself() else 0
    seeds = chain_seeds(distiller.random_state, first + len(chain))[first:]
    teacher, distiller.stages_ = distiller.teacher_, []
    for position, student in enumerate(chain):
        if position:
            teacher = _stage(distiller, chain[position - 1])
            distiller.stages_.append(teacher)
        lesson = distiller._lesson(X, y, teacher, sample_weight, transfer, cache=not position)
        _fit_student(distiller, lesson, student, seeds[position])


def chain_seeds(random_state, n_models):
    """``random_state`` for the first model fitted, independent seeds drawn from it for the others.

    Born-again generations share an architecture: with one seed, every
    generation would start from its teacher's initial weights and batch order.
    """
    return [random_state] + spawn_seeds(random_state, n_models - 1)


def _stage(distiller, student):
    """``distiller`` as fitted so far, ``student`` its student: the next teacher."""
    params = {**distiller.get_params(deep=False), "student": student, "assistant": None,
              "n_generations": 1}
    stage = type(distiller)(**params)
    fitted = {name: value for name, value in vars(distiller).items()
              if name.endswith("_") and not name.startswith("_") and name != "stages_"}
    stage.__dict__.update(fitted)
    return stage


def _fit_student(distiller, lesson, student, random_state):
    strategy_class = choose_strategy(student, distiller._strategies, distiller.strategy)
    student = seed_unset_random_states(clone(student), random_state)
    lesson.random_state = derived_seed(random_state)
    strategy = (strategy_class() if distiller._kind == "regressor"
                else strategy_class(lesson.n_classes, lesson.temperature))
    distiller.student_ = strategy.fit(student, lesson)
    distiller.strategy_ = strategy.name
