"""The training loop: epochs of mini-batch gradient descent, with a history of the curves.

One epoch = one pass over the m training examples, in batches of ``batch_size``:

    batch_size = None (or >= m)  batch gradient descent       1 update per epoch, no shuffling
    batch_size = 1               stochastic gradient descent  m updates per epoch
    batch_size = B               mini-batch gradient descent  ceil(m / B) updates per epoch

Examples are shuffled every epoch (with the ``seed``) for stochastic and mini-batch runs.
After each epoch the loss and accuracy are measured on the whole training set and on
the validation set, with the weights as they are at the end of the epoch.

Divergence guard: when a loss becomes NaN or infinite, or grows past DIVERGENCE_FACTOR
(a million) times the larger of 1 and the loss before training (usually: the learning
rate is too large), training stops with one DivergenceWarning and ``history.diverged =
True`` instead of a wall of RuntimeWarnings, NaN weights and curves no plot can show.
The model keeps the weights it had at the start of the epoch that diverged.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np
from tqdm.auto import tqdm

from .checks import check_positive
from .optimizers import GradientDescent
from .rng import make_rng
from .schedules import learning_rates, make_schedule


DIVERGENCE_FACTOR = 1e6


class DivergenceWarning(RuntimeWarning):
    """Training stopped because the loss became NaN or infinite."""


@dataclass
class History:
    """What happened in each epoch of a training run (lists indexed by epoch - 1).

    Losses are the data loss (without any L2 penalty), so training and validation
    curves are comparable. Accuracies are None for regression networks; validation
    entries are empty without validation data. Epochs count from 1; epoch k used the
    learning rate ``learning_rate[k - 1]``, which is the schedule's alpha_(k-1).
    ``initial_train_loss`` is the loss before the first update.
    """

    epoch: list = field(default_factory=list)
    learning_rate: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    initial_train_loss: float | None = None
    diverged: bool = False
    stopped_early: bool = False
    best_epoch: int | None = None
    message: str = ""

    def __len__(self):
        return len(self.epoch)

    def as_dict(self) -> dict:
        return {name: list(getattr(self, name)) for name in
                ("epoch", "learning_rate", "train_loss", "train_accuracy", "val_loss", "val_accuracy")}

    def __repr__(self):
        if not self.epoch:
            return f"History(no epochs completed; {self.message or 'not trained'})"
        parts = [f"epochs={len(self.epoch)}", f"train_loss={self.train_loss[-1]:.4g}"]
        if self.train_accuracy and self.train_accuracy[-1] is not None:
            parts.append(f"train_accuracy={self.train_accuracy[-1]:.4f}")
        if self.val_loss:
            parts.append(f"val_loss={self.val_loss[-1]:.4g}")
        if self.val_accuracy and self.val_accuracy[-1] is not None:
            parts.append(f"val_accuracy={self.val_accuracy[-1]:.4f}")
        if self.diverged:
            parts.append("diverged=True")
        if self.stopped_early:
            parts.append(f"stopped_early=True, best_epoch={self.best_epoch}")
        return f"History({', '.join(parts)})"


def minibatches(X, Y, batch_size, rng):
    """Yield (X_batch, Y_batch) pairs covering every example once.

    X : (m, n), Y : (m, K). batch_size None or >= m gives the whole set in order;
    otherwise the rows are shuffled with ``rng`` and cut into batches of batch_size
    (the last one may be smaller).
    """
    m = X.shape[0]
    if batch_size is None or batch_size >= m:
        yield X, Y
        return
    order = rng.permutation(m)
    for start in range(0, m, batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], Y[rows]


def _accuracy_of_output(model, A, Y):
    name = model.output_activation.name
    if name == "softmax":
        return float(np.mean(A.argmax(axis=1) == Y.argmax(axis=1)))
    if name == "sigmoid":
        return float(np.mean((A >= 0.5) == (Y >= 0.5)))
    return None


def _evaluate(model, X, Y):
    """(loss, accuracy) of the model's current weights on (X, Y), both already checked."""
    A = model._forward(X)
    return model._loss_of_output(Y, 0.0), _accuracy_of_output(model, A, Y)


def _stacklevel_outside_mlp() -> int:
    """The warnings stack level of the first caller outside this package (the learner's cell)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("mlp."):
        frame, level = frame.f_back, level + 1
    return level


def _progress_default() -> bool:
    return os.environ.get("MLP_PROGRESS", "1") != "0"


def train(model, X, y, *, epochs: int = 100, learning_rate=None, batch_size=None, momentum: float = 0.0,
          schedule="constant", optimizer=None, validation_data=None, l2: float = 0.0,
          early_stopping: int | None = None, seed=None, progress: bool | None = None) -> History:
    """Train ``model`` on (X, y) with gradient descent and return the History.

    Parameters
    ----------
    model : an ``mlp.MLP``; trained in place.
    X : (m, n_features); y : labels (m,) or targets (m, n_outputs).
    epochs : number of passes over the training set.
    learning_rate : alpha > 0 (default 0.1), or a schedule object.
    batch_size : None for full batch, 1 for stochastic, B for mini-batches of B.
    momentum : beta in [0, 1).
    schedule : "constant", "step", "exponential" or "inverse_time" (their default options),
        or pass a schedule object as ``learning_rate`` to choose the options.
    optimizer : an optimiser with ``start_epoch(t)`` and ``step(model)``; replaces
        learning_rate / momentum / schedule.
    validation_data : (X_val, y_val), measured after each epoch.
    l2 : L2 penalty strength lambda: the loss gets + (lambda / 2) * sum of squared weights.
        (scikit-learn's ``alpha`` is the same penalty divided by the batch size: alpha = l2 * batch_size.)
    early_stopping : patience in epochs: stop when the validation loss has not improved
        for that many epochs, and restore the best weights. Needs validation_data.
    seed : int or Generator for the shuffling of mini-batches.
    progress : show a tqdm progress bar (a widget in Jupyter). Default: on, unless the
        environment variable MLP_PROGRESS is "0" (the test suite sets it).
    """
    epochs = check_positive(epochs, "epochs", integer=True)
    if batch_size is not None:
        batch_size = check_positive(batch_size, "batch_size", integer=True)
    check_positive(l2, "l2", allow_zero=True)
    if optimizer is None:
        optimizer = GradientDescent(make_schedule(0.1 if learning_rate is None else learning_rate, schedule),
                                    momentum=momentum)
    elif learning_rate is not None or momentum:
        raise ValueError("give either an optimizer or learning_rate/momentum, not both: "
                         "the optimizer already has its own learning rate")
    X = model._check_X(X)
    Y = model.targets(y, len(X))
    if hasattr(optimizer, "schedule"):
        learning_rates(optimizer.schedule, epochs)  # every epoch's rate is valid before any update
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError("validation_data must be a pair (X_val, y_val); "
                             f"got {type(validation_data).__name__}")
        X_val = model._check_X(validation_data[0], "X_val")
        Y_val = model.targets(validation_data[1], len(X_val), ("X_val", "y_val"))
    elif early_stopping is not None:
        raise ValueError("early_stopping watches the validation loss, so it needs validation_data=(X_val, y_val)")
    if early_stopping is not None:
        early_stopping = check_positive(early_stopping, "early_stopping", integer=True)

    rng = make_rng(seed)
    history = History()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        history.initial_train_loss = _evaluate(model, X, Y)[0]
    loss_limit = DIVERGENCE_FACTOR * max(history.initial_train_loss, 1.0)
    best_loss, best_weights, waited = math.inf, None, 0
    show = _progress_default() if progress is None else bool(progress)
    bar = tqdm(range(1, epochs + 1), desc="training", unit="epoch", disable=not show, leave=True)
    # Overflow and NaN are detected and reported by the guard below, once.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for epoch in bar:
            weights_before_epoch = model.get_weights()  # restored if this epoch diverges
            optimizer.start_epoch(epoch - 1)
            for X_batch, Y_batch in minibatches(X, Y, batch_size, rng):
                model._forward(X_batch)
                batch_loss = model._loss_of_output(Y_batch, l2)
                if not batch_loss <= loss_limit:  # also True for NaN
                    break
                model._backward(Y_batch, l2)
                optimizer.step(model)
            else:
                batch_loss = None
            train_loss, train_accuracy = _evaluate(model, X, Y)
            bad_loss = batch_loss if batch_loss is not None else train_loss
            if not bad_loss <= loss_limit:
                history.diverged = True
                what = (f"the loss became {bad_loss}" if not math.isfinite(bad_loss) else
                        f"the loss grew from {history.initial_train_loss:.3g} to {bad_loss:.3g}")
                history.message = (
                    f"Training diverged in epoch {epoch}: {what}. "
                    f"The learning rate {optimizer.learning_rate:g} is probably too large; "
                    f"try {optimizer.learning_rate / 10:g}. Stopped after {epoch - 1} complete epoch(s), "
                    f"keeping the weights from before the divergence."
                )
                model.set_weights(weights_before_epoch)
                break
            history.epoch.append(epoch)
            history.learning_rate.append(optimizer.learning_rate)
            history.train_loss.append(train_loss)
            history.train_accuracy.append(train_accuracy)
            postfix = {"loss": f"{train_loss:.4f}"}
            if validation_data is not None:
                val_loss, val_accuracy = _evaluate(model, X_val, Y_val)
                history.val_loss.append(val_loss)
                history.val_accuracy.append(val_accuracy)
                postfix["val_loss"] = f"{val_loss:.4f}"
                if early_stopping is not None:
                    if val_loss < best_loss:
                        best_loss, best_weights, waited = val_loss, model.get_weights(), 0
                        history.best_epoch = epoch
                    else:
                        waited += 1
                        if waited >= early_stopping:
                            history.stopped_early = True
                            break
            bar.set_postfix(postfix, refresh=False)
    bar.close()
    if history.stopped_early:
        model.set_weights(best_weights)
        history.message = (f"Stopped early after epoch {history.epoch[-1]}: the validation loss had not improved "
                           f"for {early_stopping} epochs; restored the weights of epoch {history.best_epoch}.")
    if history.diverged:
        warnings.warn(history.message, DivergenceWarning, stacklevel=_stacklevel_outside_mlp())
    return history
