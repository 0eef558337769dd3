"""A linear student as terms of X's columns, with coefficients in the data's units.

The coefficients a linear model learns apply to the columns its Pipeline hands
it: standardised values, one-hot indicators. Traced back (``_rules``), each
becomes a term a reviewer can read — a coefficient per unit of a column of X,
or a weight added when a column holds a category or is missing — and the
scaler's shift moves into the intercept, so the terms add up to the student's
margin.
"""

from dataclasses import dataclass

import numpy as np

from ._fitting import final_step
from ._conditions import Categories
from ._rules import _Codes, _Indicator, _IsMissing, _Value, column_meanings


@dataclass(frozen=True)
class Term:
    """One coefficient of a linear student, in terms of a column of X.

    ``per_unit``: the coefficient multiplies the column's value (its
    ``missing_as`` stands in for NaN, the imputer's value in the column's
    units); otherwise it is added where ``condition`` (a ``_rules``
    condition) holds.
    """

    column: str
    text: str
    coefficient: float
    per_unit: bool
    condition: object = None
    missing_as: object = None


def linear_terms(student, names, margin_scale=1.0):
    """Intercepts ``(n_rows,)`` and one list of :class:`Term` per row of ``coef_``.

    ``margin_scale`` multiplies every coefficient (the temperature a
    classifier student learned its margins at, to give them at T = 1).
    """
    model = final_step(student)
    coef = margin_scale * np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
    intercepts = margin_scale * np.atleast_1d(np.asarray(model.intercept_, dtype=np.float64))
    intercepts = np.broadcast_to(intercepts, (len(coef),)).copy()
    meanings = column_meanings(student, names)
    rows = []
    for r, weights in enumerate(coef):
        terms = []
        for meaning, weight in zip(meanings, weights):
            more, shift = _terms(meaning, weight)
            terms.extend(more)
            intercepts[r] += shift
        rows.append(terms)
    return intercepts, rows


def _terms(meaning, weight):
    """The terms of one input column of the linear model, and what it adds to the intercept.

    The model sees ``(v - offset) / scale``: ``weight`` then applies per
    unit of ``v`` as ``weight / scale``, and ``-weight * offset / scale``
    joins the intercept.
    """
    per_value = weight / meaning.scale
    shift = -per_value * meaning.offset
    if isinstance(meaning, _Value):
        missing_as = None
        if meaning.fill is not None:  # the imputer's value, back in the column's units
            missing_as = meaning.fill * meaning.scale + meaning.offset
        return [Term(meaning.column, meaning.column, per_value, True,
                     missing_as=missing_as)], shift
    if isinstance(meaning, (_Indicator, _IsMissing)):
        condition = meaning.sides(0.5, False)[1]  # the side where the column is 1
        return [Term(meaning.column, condition.text(), per_value, False, condition)], shift
    if isinstance(meaning, _Codes):
        return _code_terms(meaning, per_value), shift
    return [Term(meaning.column, f"{meaning.column} (made by {meaning.step})", per_value,
                 True)], shift


def _code_terms(meaning, per_code):
    """Ordinal codes read as one weight per category (code times the weight)."""
    groups = {}
    for category, code in zip(meaning.categories, meaning.codes):
        groups.setdefault(code, []).append(category)
    missing_code = meaning.missing_code
    terms = []
    for code, categories in groups.items():
        others = tuple(c for c in meaning.categories if c not in categories)
        missing = missing_code is not None and not np.isnan(missing_code) and missing_code == code
        condition = Categories(meaning.column, tuple(categories), others, missing)
        terms.append(Term(meaning.column, condition.text(), per_code * code, False, condition))
    return terms
