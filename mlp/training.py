"""The training loop: epochs of mini-batch gradient descent, with a history of the curves.

One epoch = one pass over the m training examples, in batches of ``batch_size``:

    batch_size = None (or >= m)  batch gradient descent       1 update per epoch, no shuffling
    batch_size = 1               stochastic gradient descent  m updates per epoch
    batch_size = B               mini-batch gradient descent  ceil(m / B) updates per epoch

Examples are shuffled every epoch (with the ``seed``) for stochastic and mini-batch runs.
What an epoch records as its training loss and accuracy:
- full batch: the whole training set with the weights at the end of the epoch. Free: the pass
  that measures the weights after an update is also the next update's forward and backward pass.
- mini-batches (``train_metrics="batch_mean"``, the default): the mean over the epoch's batches of
  the loss each batch had just before its update, as scikit-learn and Keras report it. Free too,
  since every step computes it, but a blend of the weights along the epoch: early on it lies above
  the loss of the weights the epoch ends with (often above the validation loss, which is measured
  at the end). ``train_metrics="end_of_epoch"`` measures the end-of-epoch weights on the whole
  training set instead, for one more forward pass over the m examples per epoch.
The validation set, when given, is always measured with the weights at the end of each epoch.

Divergence guard: when a loss becomes NaN or infinite, or grows past DIVERGENCE_FACTOR
(a million) times the larger of 1 and the loss before training (usually: the learning
rate is too large), training stops with one DivergenceWarning and ``history.diverged =
True`` instead of a wall of RuntimeWarnings, NaN weights and curves no plot can show.
The model keeps the weights it had at the start of the epoch that diverged.
"""

from __future__ import annotations

import inspect

import math
import os
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np
from tqdm.auto import tqdm

from .checks import check_positive, unknown_name_error
from .fast import FastPath, are_labels, covers
from .optimizers import OPTIMIZERS, GradientDescent
from .rng import make_rng
from .schedules import learning_rates, make_schedule


DIVERGENCE_FACTOR = 1e6


class DivergenceWarning(RuntimeWarning):
    """Training stopped because the loss became NaN or infinite."""


@dataclass
class History:
    """What happened in each epoch of a training run (lists indexed by epoch - 1).

    Losses are the data loss (without the L2 or L1 penalty), so training and validation
    curves are comparable. Accuracies are None for regression networks; validation
    entries are empty without validation data. Epochs count from 1; epoch k used the
    learning rate ``learning_rate[k - 1]``, which is the schedule's alpha_(k-1).
    ``initial_train_loss`` is the loss before the first update (with ``train_metrics="batch_mean"``:
    of the first batch).
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
    if batch_size is not None:
        batch_size = check_positive(batch_size, "batch_size", integer=True)
    if len(Y) != m:
        raise ValueError(f"X has {m} examples but Y has {len(Y)}; expected one row of Y per example")
    if batch_size is None or batch_size >= m:
        yield X, Y
        return
    order = rng.permutation(m)
    for start in range(0, m, batch_size):
        rows = order[start:start + batch_size]
        yield X.take(rows, axis=0), Y.take(rows, axis=0)  # X[rows], Y[rows], but 2-3x faster


def _accuracy(model, Z, Y):
    """The fraction of correct predictions, from Z of the output layer; None for regression.

    Sigmoid and softmax keep the order of z, so z >= 0 means P >= 0.5 and the largest z is the
    most probable class: the same decisions as ``model.predict``.
    """
    name = model.output_activation.name
    if name == "softmax":
        return np.count_nonzero(Z.argmax(axis=1) == Y.argmax(axis=1)) / Z.shape[0]
    if name == "sigmoid":
        return np.count_nonzero((Z >= 0) == (Y >= 0.5)) / Z.size
    return None


def _measure(model, X, Y, fast_path=None):
    """(data loss, accuracy) of the model's current weights on (X, Y), both already checked: one forward pass
    (on the ``fast_path``, if given)."""
    if fast_path is not None:
        Z = fast_path.logits(X)
        return fast_path.loss(Z, Y), _accuracy(model, Z, Y)
    if model.fused:
        Z = model._forward(X, activate_output=False)
        return model.loss.from_logits(Z, Y)[0], _accuracy(model, Z, Y)
    A = model._forward(X)
    return model.loss.function(A, Y), _accuracy(model, model.layers[-1].cache[2], Y)


def _drop_last_epoch(history):
    for name in ("epoch", "learning_rate", "train_loss", "train_accuracy", "val_loss", "val_accuracy"):
        del getattr(history, name)[-1:]


class _SavedWeights:
    """Copies of every parameter at the start of this epoch and of the one before (the divergence guard's)."""

    def __init__(self, model):
        self.params = list(model.params.values())  # the model's own arrays, updated in place
        self.this_epoch = [param.copy() for param in self.params]
        self.previous_epoch = [param.copy() for param in self.params]

    def save(self):
        self.previous_epoch, self.this_epoch = self.this_epoch, self.previous_epoch
        for saved, param in zip(self.this_epoch, self.params):
            np.copyto(saved, param)

    def restore(self, saved):
        for value, param in zip(saved, self.params):
            np.copyto(param, value)


def _stacklevel_outside_mlp() -> int:
    """The warnings stack level of the first caller outside this package (the learner's cell)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("mlp."):
        frame, level = frame.f_back, level + 1
    return level


def _progress_default() -> bool:
    return os.environ.get("MLP_PROGRESS", "1") != "0"


def train(model, X, y, *, epochs: int = 100, learning_rate=None, batch_size=None, momentum: float = 0.0,
          schedule="constant", optimizer=None, validation_data=None, l2: float = 0.0, l1: float = 0.0,
          early_stopping: int | None = None, seed=None, progress: bool | None = None,
          train_metrics: str = "batch_mean", first_epoch: int = 1, reference_loss: float | None = None) -> History:
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
    optimizer : an optimiser with ``start_epoch(t)`` and ``step(model)`` (e.g. ``mlp.Adam(0.01)``), which
        replaces learning_rate / momentum / schedule; or the name of one ("sgd", "rmsprop", "adam", "adamw"),
        which takes learning_rate (else its own default) and schedule.
    validation_data : (X_val, y_val), measured after each epoch.
    l2 : L2 penalty strength lambda: the loss gets + (lambda / 2) * sum of squared weights.
        (scikit-learn's ``alpha`` is the same penalty divided by the batch size: alpha = l2 * batch_size.)
    l1 : L1 penalty strength: the loss gets + l1 * sum of absolute weights (not the biases, as for l2); its
        gradient l1 * sign(W) pushes every weight towards 0 by the same amount, so small ones reach 0.
    early_stopping : patience in epochs: stop when the validation loss has not improved
        for that many epochs, and restore the best weights. Needs validation_data.
    seed : int or Generator for the shuffling of mini-batches.
    progress : show a tqdm progress bar (a widget in Jupyter). Default: on, unless the
        environment variable MLP_PROGRESS is "0" (the test suite sets it).
    train_metrics : what ``history.train_loss`` / ``train_accuracy`` hold for mini-batch runs.
        "batch_mean" (default): the mean over the epoch's batches of the loss each batch had just
        before its update, as scikit-learn's ``loss_curve_`` and Keras report it; free, since each step
        computes it anyway, but a blend of the weights along the epoch. The weights an epoch ends
        with are then first measured by the next epoch's first batch, and the last epoch's only
        checked for NaN and inf.
        "end_of_epoch": the whole training set measured with the weights at the end of each epoch,
        one more forward pass over the m examples per epoch (up to half again the time of an epoch
        on a large network): the curve to compare runs with different batch sizes.
        (Full-batch runs always record the end-of-epoch values: they cost nothing there, see below.)
    first_epoch, reference_loss : to continue a run one call at a time (as the playground does, one
        epoch per call): the number of this call's first epoch (the schedule goes on from there, and
        the history and messages count from it), and the loss the divergence guard compares with (the
        loss from before the run's first epoch; default: the loss before this call).

    Full batch: the pass that measures the weights at the end of an epoch is also the next
    epoch's forward and backward pass (same X, same weights), so every epoch costs one pass.
    """
    epochs = check_positive(epochs, "epochs", integer=True)
    first_epoch = check_positive(first_epoch, "first_epoch", integer=True)
    if reference_loss is not None:
        check_positive(reference_loss, "reference_loss", allow_zero=True)
    if batch_size is not None:
        batch_size = check_positive(batch_size, "batch_size", integer=True)
    check_positive(l2, "l2", allow_zero=True)
    check_positive(l1, "l1", allow_zero=True)
    if train_metrics not in ("end_of_epoch", "batch_mean"):
        raise ValueError(f"train_metrics must be 'end_of_epoch' or 'batch_mean'; got {train_metrics!r}")
    if optimizer is None:
        optimizer = GradientDescent(make_schedule(0.1 if learning_rate is None else learning_rate, schedule),
                                    momentum=momentum)
    elif isinstance(optimizer, str):
        kind = OPTIMIZERS.get(optimizer.lower())
        if kind is None:
            raise unknown_name_error("optimizer", optimizer, OPTIMIZERS)
        default = inspect.signature(kind).parameters["learning_rate"].default
        rate = make_schedule(default if learning_rate is None else learning_rate, schedule)
        optimizer = kind(rate, momentum=momentum) if kind is GradientDescent else kind(rate)
        if momentum and kind is not GradientDescent:
            raise ValueError(f"momentum is an option of gradient descent ('sgd'); {optimizer!r} has its own")
    elif not (callable(getattr(optimizer, "step", None)) and callable(getattr(optimizer, "start_epoch", None))):
        raise TypeError(f"optimizer must be an optimiser such as mlp.Adam(0.01), or a name such as 'adam'; "
                        f"got {type(optimizer).__name__} {optimizer!r}")
    elif learning_rate is not None or momentum:
        raise ValueError("give either an optimizer or learning_rate/momentum, not both: "
                         "the optimizer already has its own learning rate")
    X = model._check_X(X)
    Y = model.targets(y, len(X))
    if hasattr(optimizer, "schedule"):
        learning_rates(optimizer.schedule, first_epoch - 1 + epochs)  # every epoch's rate is valid before any update
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

    m = len(X)
    dropout = getattr(model, "has_dropout", False)
    # Full batch without dropout: one pass both measures the weights and gives the next step's gradients.
    # With dropout the training pass drops units and the measurement must not, so they are two passes.
    full_batch = (batch_size is None or batch_size >= m) and not dropout
    batch_mean = train_metrics == "batch_mean" and not full_batch
    rng = make_rng(seed)
    # Each step's forward and backward pass: model._forward_backward, the clear code, computed by the
    # fast path (mlp/fast.py: the same equations in reused arrays) for the networks it covers.
    fast_path = None
    if covers(model):
        fast_path = FastPath(model, labels=are_labels(Y, *([] if validation_data is None else [Y_val])))
    forward_backward = model._forward_backward if fast_path is None else fast_path.forward_backward
    history = History()
    saved = _SavedWeights(model)
    best_loss, best_weights, waited = math.inf, None, 0
    show = _progress_default() if progress is None else bool(progress)
    bar = tqdm(range(first_epoch, first_epoch + epochs), desc="training", unit="epoch", disable=not show,
               leave=True)

    def diverge(epoch, loss, weights):
        history.diverged = True
        what = (f"the loss became {loss}" if not math.isfinite(loss) else
                f"the loss grew from {reference:.3g} to {loss:.3g}")
        history.message = (
            f"Training diverged in epoch {epoch}: {what}. "
            f"The learning rate {optimizer.learning_rate:g} is probably too large; "
            f"try {optimizer.learning_rate / 10:g}. Stopped after {epoch - 1} complete epoch(s), "
            f"keeping the weights from before the divergence."
        )
        saved.restore(weights)

    # Overflow and NaN are detected and reported by the guard below, once.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        if full_batch:  # measures the initial weights and prepares epoch 1's update in one pass
            history.initial_train_loss = forward_backward(X, Y, l2, l1)[0]
        elif not batch_mean:
            history.initial_train_loss = _measure(model, X, Y, fast_path)[0]
        # (batch_mean: the first batch's loss stands in for it, below: no pass over all m examples)
        reference = history.initial_train_loss if reference_loss is None else reference_loss
        loss_limit = math.inf if reference is None else DIVERGENCE_FACTOR * max(reference, 1.0)
        for epoch in bar:
            saved.save()  # restored if this epoch diverges
            optimizer.start_epoch(epoch - 1)
            if full_batch:
                optimizer.step(model)  # with the gradients of the pass that measured the weights
                # the new weights: measured, and the next epoch's gradients in the same pass
                train_loss, Z = forward_backward(X, Y, l2, l1)
                train_accuracy = _accuracy(model, Z, Y)
            else:
                loss_sum, correct, bad_loss, bad_batch = 0.0, 0.0, None, None
                for index, (X_batch, Y_batch) in enumerate(minibatches(X, Y, batch_size, rng)):
                    # the loss before this update (with dropout: of this step's thinned network)
                    loss, Z = forward_backward(X_batch, Y_batch, l2, l1, rng if dropout else None)
                    if history.initial_train_loss is None:
                        history.initial_train_loss = loss
                        if reference is None:
                            reference, loss_limit = loss, DIVERGENCE_FACTOR * max(loss, 1.0)
                    if not loss <= loss_limit:  # also True for NaN
                        bad_loss, bad_batch = loss, index
                        break
                    if batch_mean:
                        loss_sum += loss * len(X_batch)
                        accuracy = _accuracy(model, Z, Y_batch)
                        correct = None if accuracy is None else correct + accuracy * len(X_batch)
                    optimizer.step(model)
                if bad_loss is not None and batch_mean and bad_batch == 0 and history.epoch:
                    # No end-of-epoch measurement: the weights the last epoch ended with are first measured
                    # here, so it is the last epoch that diverged. Back to the weights from before it.
                    _drop_last_epoch(history)
                    diverge(epoch - 1, bad_loss, saved.previous_epoch)
                    break
                if bad_loss is not None:
                    train_loss = bad_loss
                elif batch_mean:
                    train_loss, train_accuracy = loss_sum / m, (None if correct is None else correct / m)
                else:
                    train_loss, train_accuracy = _measure(model, X, Y, fast_path)
            if not train_loss <= loss_limit:
                diverge(epoch, train_loss, saved.this_epoch)
                break
            history.epoch.append(epoch)
            history.learning_rate.append(optimizer.learning_rate)
            history.train_loss.append(train_loss)
            history.train_accuracy.append(train_accuracy)
            if validation_data is not None:
                val_loss, val_accuracy = _measure(model, X_val, Y_val, fast_path)
                history.val_loss.append(val_loss)
                history.val_accuracy.append(val_accuracy)
                if early_stopping is not None:
                    if val_loss < best_loss:
                        best_loss, best_weights, waited = val_loss, model.get_weights(), 0
                        history.best_epoch = epoch
                    else:
                        waited += 1
                        if waited >= early_stopping:
                            history.stopped_early = True
                            break
            if show:
                postfix = {"loss": f"{train_loss:.4f}"}
                if validation_data is not None:
                    postfix["val_loss"] = f"{history.val_loss[-1]:.4f}"
                bar.set_postfix(postfix, refresh=False)
    bar.close()
    if fast_path is not None:
        fast_path.release()  # the model keeps gradients of its own, not the fast path's reused arrays
    if batch_mean and not history.diverged and not all(np.isfinite(param).all() for param in saved.params):
        last_epoch = history.epoch[-1]  # its last updates went to inf or NaN, after its batches were measured
        _drop_last_epoch(history)
        diverge(last_epoch, math.nan, saved.this_epoch)
    if history.stopped_early:
        model.set_weights(best_weights)
        history.message = (f"Stopped early after epoch {history.epoch[-1]}: the validation loss had not improved "
                           f"for {early_stopping} epochs; restored the weights of epoch {history.best_epoch}.")
    if history.diverged:
        warnings.warn(history.message, DivergenceWarning, stacklevel=_stacklevel_outside_mlp())
    return history
