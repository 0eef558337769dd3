"""Validating rows for a meta-estimator: DataFrames pass through untouched, arrays by the tags.

The wrapped models (teachers, students) check their own input; a
meta-estimator records ``n_features_in_`` and ``feature_names_in_`` and
refuses only what none of its models could take (sparse input, NaN), as its
tags say.
"""

from sklearn.utils.validation import validate_data


def is_dataframe(X):
    """Whether ``X`` is a pandas DataFrame (told without importing pandas)."""
    return hasattr(X, "columns") and hasattr(X, "iloc")


def validate_rows(estimator, X, reset):
    """``X`` checked against ``estimator``'s tags; a DataFrame comes back as given."""
    if is_dataframe(X):
        # Categoricals, strings and NaN reach the models as the user has them.
        validate_data(estimator, X, reset=reset, skip_check_array=True)
        if len(X) == 0:  # what check_array says of an empty array
            raise ValueError(f"Found array with 0 sample(s) (shape={X.shape}) while a minimum "
                             f"of 1 is required by {type(estimator).__name__}.")
        return X
    tags = estimator.__sklearn_tags__()
    return validate_data(
        estimator,
        X,
        reset=reset,
        dtype=None,
        accept_sparse=["csr", "csc"] if tags.input_tags.sparse else False,
        ensure_all_finite="allow-nan" if tags.input_tags.allow_nan else True,
    )
