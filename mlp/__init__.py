"""mlp: the small numpy neural-network library behind *Deep Learning 101, from scratch*.

Conventions everywhere: rows are examples (X is m x n_features); a dense layer's W has
shape (n_in, n_out) and its b shape (n_out,); float64; every random thing takes a seed
or a numpy.random.Generator.

    >>> import mlp
    >>> X, y = mlp.data.make_moons(200, noise=0.2, seed=0)
    >>> model = mlp.MLP([2, 16, 1], hidden_activation="relu", output_activation="sigmoid", seed=0)
    >>> history = model.fit(X, y, epochs=300, learning_rate=0.5, progress=False)
"""

from . import activations, checks, data, gradcheck, initializers, layers, losses, optimizers, range_test, schedules, targets
from .activations import get_activation
from .gradcheck import gradient_check, numerical_gradient
from .layers import Dense, dense_backward, dense_backward_from_dZ, dense_forward
from .losses import get_loss
from .network import MLP
from .range_test import RangeTest, learning_rate_range_test
from .optimizers import Adam, AdamW, GradientDescent, RMSProp
from .schedules import Constant, CosineDecay, ExponentialDecay, InverseTimeDecay, StepDecay, Warmup, make_schedule
from .targets import one_hot
from .training import DivergenceWarning, History, minibatches, train

__version__ = "0.1.0"


def __getattr__(name):
    """``mlp.plotting`` is imported on first use: matplotlib's pyplot takes half a second to import."""
    if name == "plotting":
        import importlib

        return importlib.import_module(".plotting", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "MLP", "Dense", "dense_forward", "dense_backward", "dense_backward_from_dZ", "train", "History", "DivergenceWarning", "minibatches",
    "GradientDescent", "RMSProp", "Adam", "AdamW", "Constant", "StepDecay", "ExponentialDecay", "InverseTimeDecay",
    "CosineDecay", "Warmup", "make_schedule",
    "get_activation", "get_loss", "gradient_check", "numerical_gradient", "one_hot",
    "learning_rate_range_test", "RangeTest",
    "activations", "checks", "data", "gradcheck", "initializers", "layers", "losses", "optimizers", "range_test",
    "plotting", "schedules", "targets",
]
