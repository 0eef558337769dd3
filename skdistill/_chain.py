"""Chains of distillation: teacher -> assistant -> student, and born-again generations.

Each model of the chain is distilled from the one before it, on the same
rows and with the same settings; the models before the student are kept as
fitted distillers in ``stages_`` (each predicts like its student).
"""

from sklearn.base import clone

from ._fitting import final_step
from ._mlp_students import _MLPStudent
from ._progress import rows
from ._seeding import derived_seed, seed_unset_random_states, spawn_seeds
from ._students import choose_strategy


def chain_of(distiller, student):
    """The models distilled in turn: the assistant, then ``student`` once per generation."""
    assistant = [] if distiller.assistant is None else [distiller.assistant]
    return assistant + [student] * distiller.n_generations


def fit_chain(distiller, student, X, y, sample_weight, transfer, clock, first_outputs=None):
    """Distil ``distiller.teacher_`` into each model of the chain, each teaching the next.

    Sets ``stages_``, ``student_`` and ``strategy_``. Only the first lesson's
    teacher outputs are cached: the later teachers are the stages just fitted,
    new in every fit. ``first_outputs``, when given, are the teacher's outputs
    on the training rows for the first lesson (out-of-bag or out-of-fold).
    """
    chain = chain_of(distiller, student)
    # Born-again: the teacher took the first seed, the generations follow.
    first = 1 if distiller._teaches_itself() else 0
    seeds = chain_seeds(distiller.random_state, first + len(chain))[first:]
    teacher, distiller.stages_ = distiller.teacher_, []
    for position, student in enumerate(chain):
        if position:
            teacher = _stage(distiller, chain[position - 1])
            distiller.stages_.append(teacher)
        strategy_class = choose_strategy(student, distiller._strategies, distiller.strategy)
        outputs = None if position else first_outputs
        if outputs is None and not _asks_teacher(distiller, strategy_class, student, transfer):
            outputs = distiller._placeholder_outputs(X, clock)
        lesson = distiller._lesson(X, y, teacher, sample_weight, transfer, cache=not position,
                                   clock=clock, teacher_output=outputs)
        role = _role(distiller, position, len(chain))
        _fit_student(distiller, lesson, student, strategy_class, seeds[position], clock, role)


def _asks_teacher(distiller, strategy_class, student, transfer):
    """Whether the lesson needs the teacher's outputs on the training rows.

    With ``alpha_ = 0`` and no transfer rows the targets are the labels; only
    confidence weights (read from the teacher's entropy) and students that
    also read the teacher elsewhere (early stopping judged by fidelity) need
    its outputs then.
    """
    return (distiller.alpha_ > 0 or transfer is not None
            or getattr(distiller, "confidence_weighting", False)
            or strategy_class.reads_teacher(student))


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


def _role(distiller, position, n_models):
    """What the model at ``position`` of the chain is, for the progress lines."""
    if distiller.assistant is not None and position == 0:
        return "assistant"
    if distiller.n_generations > 1:
        generation = position + (distiller.assistant is None)
        return f"student, generation {generation} of {distiller.n_generations}"
    return "student"


def _fit_student(distiller, lesson, student, strategy_class, random_state, clock,
                 role="student"):
    student = _reporting(seed_unset_random_states(clone(student), random_state),
                         distiller.verbose)
    lesson.random_state = derived_seed(random_state)
    strategy = (strategy_class() if distiller._kind == "regressor"
                else strategy_class(lesson.n_classes, lesson.temperature))
    name = type(final_step(student)).__name__
    with clock.stage("student", f"{role} {name} ({strategy.name}) on {rows(len(lesson.y))}"):
        distiller.student_ = strategy.fit(student, lesson)
    distiller.strategy_ = strategy.name


def _reporting(student, verbose):
    """The (cloned) student with the distiller's ``verbose``, when it is ours and silent.

    Other students keep their own: LightGBM's ``verbose`` means logging levels.
    """
    final = final_step(student)
    if verbose and isinstance(final, _MLPStudent) and not final.verbose:
        final.set_params(verbose=verbose)
    return student
