"""Training: the course's targets (XOR, moons, digits), determinism, batching, divergence, early stopping."""

import math
import warnings

import numpy as np
import pytest

import mlp
from mlp import data
from mlp.training import DivergenceWarning, minibatches


@pytest.mark.parametrize("seed", range(4))
def test_xor_reaches_100_percent(seed):
    X, y = data.xor()
    model = mlp.MLP([2, 4, 1], "tanh", "sigmoid", seed=seed)
    history = model.fit(X, y, epochs=1000, learning_rate=0.5)
    assert model.accuracy(X, y) == 1.0
    assert history.train_accuracy[-1] == 1.0
    np.testing.assert_array_equal(model.predict(X), [0, 1, 1, 0])


def test_moons_reach_97_percent_validation_accuracy():
    X, y = data.make_moons(400, noise=0.2, seed=0)
    split = data.train_val_test_split(X, y, seed=0)
    scaler = data.Standardizer().fit(split.X_train)
    model = mlp.MLP([2, 32, 32, 1], "relu", "sigmoid", seed=0)
    history = model.fit(scaler.transform(split.X_train), split.y_train, epochs=300, learning_rate=0.1,
                        batch_size=32, momentum=0.9, seed=0,
                        validation_data=(scaler.transform(split.X_val), split.y_val))
    assert history.val_accuracy[-1] >= 0.97
    assert model.accuracy(scaler.transform(split.X_val), split.y_val) == history.val_accuracy[-1]


@pytest.fixture(scope="module")
def digits():
    X, y = data.load_digits()
    split = data.train_val_test_split(X, y, seed=0)
    scaler = data.Standardizer().fit(split.X_train)
    return (scaler.transform(split.X_train), split.y_train, scaler.transform(split.X_val), split.y_val,
            scaler.transform(split.X_test), split.y_test)


@pytest.mark.parametrize("seed", [0, 1])
def test_digits_reach_97_percent_test_accuracy(digits, seed):
    X_train, y_train, X_val, y_val, X_test, y_test = digits
    model = mlp.MLP([64, 100, 10], "relu", "softmax", seed=seed)
    history = model.fit(X_train, y_train, epochs=60, learning_rate=0.05, batch_size=32, momentum=0.9,
                        l2=1e-3, seed=seed, validation_data=(X_val, y_val))
    assert not history.diverged
    assert model.accuracy(X_test, y_test) >= 0.97


def test_same_seed_gives_bit_identical_weights(digits):
    X_train, y_train = digits[0][:300], digits[1][:300]

    def run():
        model = mlp.MLP([64, 16, 10], "relu", "softmax", seed=3)
        model.fit(X_train, y_train, epochs=3, learning_rate=0.1, batch_size=16, momentum=0.9, seed=7)
        return model.get_weights()

    first, second = run(), run()
    for name in first:
        assert first[name].tobytes() == second[name].tobytes()
    model = mlp.MLP([64, 16, 10], "relu", "softmax", seed=3)
    model.fit(X_train, y_train, epochs=3, learning_rate=0.1, batch_size=16, momentum=0.9, seed=8)
    assert not np.array_equal(model.params["W1"], first["W1"])  # another shuffle, other weights


def test_full_batch_epoch_is_one_exact_gradient_step():
    X, y = data.make_moons(50, seed=1)
    model = mlp.MLP([2, 5, 1], "tanh", "sigmoid", seed=0)
    manual = mlp.MLP([2, 5, 1], "tanh", "sigmoid", seed=0)
    model.fit(X, y, epochs=1, learning_rate=0.3)
    _, grads = manual.loss_and_gradients(X, y)
    for name, value in manual.params.items():
        np.testing.assert_array_equal(model.params[name], value - 0.3 * grads["d" + name])


class CountingOptimizer(mlp.GradientDescent):
    def __init__(self, *args, **kwargs):
        self.epochs = []
        super().__init__(*args, **kwargs)
        self.steps, self.epochs = 0, []

    def start_epoch(self, epoch):
        super().start_epoch(epoch)
        self.epochs.append(epoch)

    def step(self, model):
        super().step(model)
        self.steps += 1


@pytest.mark.parametrize("batch_size, updates_per_epoch", [(None, 1), (1, 50), (16, 4), (50, 1), (500, 1)])
def test_updates_per_epoch_batch_stochastic_minibatch(batch_size, updates_per_epoch):
    X, y = data.make_moons(50, seed=1)
    optimizer = CountingOptimizer(0.1)
    mlp.MLP([2, 3, 1], seed=0).fit(X, y, epochs=3, batch_size=batch_size, optimizer=optimizer)
    assert optimizer.steps == 3 * updates_per_epoch
    assert optimizer.epochs == [0, 1, 2]


def test_minibatches_cover_every_example_once():
    X = np.arange(20.0).reshape(10, 2)
    Y = np.arange(10.0)[:, None]
    batches = list(minibatches(X, Y, 4, np.random.default_rng(0)))
    assert [len(xb) for xb, _ in batches] == [4, 4, 2]
    rows = np.concatenate([yb[:, 0] for _, yb in batches])
    assert sorted(rows) == list(range(10)) and list(rows) != list(range(10))  # shuffled
    for xb, yb in batches:  # X and Y rows stay paired
        np.testing.assert_array_equal(xb[:, 0], 2 * yb[:, 0])
    (whole,) = list(minibatches(X, Y, None, np.random.default_rng(0)))
    assert whole[0] is X  # full batch: no copy, no shuffle


def test_history_records_the_losses_of_the_final_weights():
    X, y = data.make_circles(80, seed=0)
    X_val, y_val = data.make_circles(40, seed=1)
    model = mlp.MLP([2, 8, 1], "tanh", "sigmoid", seed=0)
    history = model.fit(X, y, epochs=20, learning_rate=0.5, validation_data=(X_val, y_val))
    assert history.epoch == list(range(1, 21)) and len(history) == 20
    assert history.train_loss[-1] == pytest.approx(model.loss_value(X, y), rel=1e-12)
    assert history.val_loss[-1] == pytest.approx(model.loss_value(X_val, y_val), rel=1e-12)
    assert history.val_accuracy[-1] == model.accuracy(X_val, y_val)
    assert history.train_loss[-1] < history.train_loss[0]
    assert "epochs=20" in repr(history) and "val_accuracy" in repr(history)


@pytest.mark.parametrize("schedule, expected", [
    (mlp.Constant(0.4), [0.4] * 6),
    (mlp.StepDecay(0.4, drop=0.5, every=2), [0.4, 0.4, 0.2, 0.2, 0.1, 0.1]),
    (mlp.ExponentialDecay(0.4, decay_rate=0.5), [0.4 * 0.5**t for t in range(6)]),
    (mlp.InverseTimeDecay(0.4, decay_rate=1.0), [0.4 / (1 + t) for t in range(6)]),
])
def test_schedules_set_the_learning_rate_of_each_epoch(schedule, expected):
    X, y = data.make_moons(30, seed=0)
    history = mlp.MLP([2, 3, 1], seed=0).fit(X, y, epochs=6, learning_rate=schedule)
    np.testing.assert_allclose(history.learning_rate, expected, rtol=1e-15)


def test_schedule_by_name_and_learning_rates_helper():
    schedule = mlp.make_schedule(1.0, "1/t", decay_rate=0.5)
    assert mlp.schedules.learning_rates(schedule, 3) == [1.0, 1 / 1.5, 0.5]
    X, y = data.make_moons(30, seed=0)
    history = mlp.MLP([2, 3, 1], seed=0).fit(X, y, epochs=3, learning_rate=0.8, schedule="exponential")
    np.testing.assert_allclose(history.learning_rate, [0.8, 0.8 * 0.95, 0.8 * 0.95**2])


def test_momentum_update_is_exact():
    model = mlp.MLP([2, 3, 1], "tanh", seed=0)
    X, y = data.make_moons(20, seed=0)
    optimizer = mlp.GradientDescent(0.1, momentum=0.9)
    W = model.params["W1"].copy()
    _, grads = model.loss_and_gradients(X, y)
    g1 = grads["dW1"].copy()
    optimizer.step(model)
    _, grads = model.loss_and_gradients(X, y)
    g2 = grads["dW1"].copy()
    optimizer.step(model)
    v1 = -0.1 * g1
    v2 = 0.9 * v1 - 0.1 * g2
    np.testing.assert_allclose(model.params["W1"], W + v1 + v2, rtol=1e-15)


def test_divergence_stops_with_one_clear_warning():
    X, y = data.make_moons(100, seed=0)
    model = mlp.MLP([2, 8, 1], "relu", "linear", seed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(X, y, epochs=50, learning_rate=5.0)
    assert [w.category for w in caught] == [DivergenceWarning]  # one warning, no RuntimeWarnings
    message = str(caught[0].message)
    assert "diverged" in message and "learning rate 5" in message and "try 0.5" in message
    assert history.diverged and history.message == message
    assert 0 < len(history) < 50
    assert all(math.isfinite(loss) for loss in history.train_loss)
    # The model keeps the last finite weights: those of the last complete epoch.
    assert all(np.all(np.isfinite(value)) for value in model.params.values())
    assert model.loss_value(X, y) == pytest.approx(history.train_loss[-1], rel=1e-12)
    assert "diverged=True" in repr(history)


def test_divergence_in_a_classifier_is_caught_too():
    X, y = data.make_blobs(60, centers=3, seed=0)
    model = mlp.MLP([2, 16, 3], "relu", "softmax", seed=0)
    # Cross-entropy's gradient is bounded, so only an absurd learning rate overflows the weights.
    with pytest.warns(DivergenceWarning, match="diverged"):
        history = model.fit(X, y, epochs=20, learning_rate=1e200, batch_size=8, seed=0)
    assert history.diverged


def test_early_stopping_restores_the_best_weights():
    X, y = data.make_moons(60, noise=0.35, seed=0)
    X_val, y_val = data.make_moons(200, noise=0.35, seed=1)
    model = mlp.MLP([2, 64, 64, 1], "relu", "sigmoid", seed=0)  # big network, few points: overfits
    history = model.fit(X, y, epochs=2000, learning_rate=0.3, momentum=0.9,
                        validation_data=(X_val, y_val), early_stopping=20)
    assert history.stopped_early and len(history) < 2000
    best = history.best_epoch
    assert history.val_loss[best - 1] == min(history.val_loss)
    assert len(history) == best + 20
    assert model.loss_value(X_val, y_val) == pytest.approx(history.val_loss[best - 1], rel=1e-12)
    assert f"epoch {best}" in history.message


def test_l2_shrinks_the_weights():
    X, y = data.make_moons(100, seed=0)
    plain = mlp.MLP([2, 16, 1], seed=0)
    plain.fit(X, y, epochs=200, learning_rate=0.3)
    decayed = mlp.MLP([2, 16, 1], seed=0)
    decayed.fit(X, y, epochs=200, learning_rate=0.3, l2=0.05)
    assert np.linalg.norm(decayed.params["W1"]) < 0.8 * np.linalg.norm(plain.params["W1"])


def test_l1_drives_small_weights_to_zero():
    """L1's gradient is the same size for every weight, so the unneeded ones shrink to about 0 (they then
    jitter around it by a step of learning_rate * l1), where L2 only makes them smaller."""
    X, y = data.make_moons(100, seed=0)
    runs = {}
    for name, penalty in (("plain", {}), ("l1", {"l1": 0.01}), ("l2", {"l2": 0.01})):
        runs[name] = mlp.MLP([2, 16, 1], seed=0)
        history = runs[name].fit(X, y, epochs=300, learning_rate=0.3, **penalty)
        assert not history.diverged
    near_zero = {name: int(np.sum(np.abs(model.params["W1"]) < 0.01)) for name, model in runs.items()}
    assert near_zero["l1"] >= 3 * max(near_zero["plain"], near_zero["l2"], 1), near_zero


def test_progress_bar_shows_only_when_asked(capsys):
    X, y = data.make_moons(30, seed=0)
    mlp.MLP([2, 3, 1], seed=0).fit(X, y, epochs=5)
    assert capsys.readouterr().err == ""  # off in the test suite (MLP_PROGRESS=0)
    mlp.MLP([2, 3, 1], seed=0).fit(X, y, epochs=5, progress=True)
    err = capsys.readouterr().err
    assert "training" in err and "5/5" in err


def test_training_does_not_change_the_data():
    X, y = data.make_moons(30, seed=0)
    X_before, y_before = X.copy(), y.copy()
    mlp.MLP([2, 3, 1], seed=0).fit(X, y, epochs=3, batch_size=4, seed=0)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


def test_optimizer_and_learning_rate_together_is_an_error():
    X, y = data.make_moons(30, seed=0)
    with pytest.raises(ValueError, match="either an optimizer or learning_rate"):
        mlp.MLP([2, 3, 1]).fit(X, y, optimizer=mlp.GradientDescent(0.1), learning_rate=0.2)


def test_a_finite_but_exploding_loss_counts_as_divergence():
    """Cross-entropy's bounded gradient can grow the loss enormously without ever reaching inf."""
    X, y = data.make_moons(100, seed=0)
    model = mlp.MLP([2, 16, 1], seed=0)
    with pytest.warns(DivergenceWarning, match=r"the loss grew from 0\.\d+ to [\d.]+e\+\d+"):
        history = model.fit(X, y, epochs=100, learning_rate=1e6)
    assert history.diverged and len(history) < 100
    limit = mlp.training.DIVERGENCE_FACTOR * max(history.initial_train_loss, 1.0)
    assert all(loss <= limit for loss in history.train_loss)


def test_initial_loss_of_an_untrained_classifier_is_about_ln_c():
    X, y = data.make_blobs(300, centers=4, seed=0)
    model = mlp.MLP([2, 8, 4], "tanh", "softmax", init="small_normal", seed=0)
    history = model.fit(X, y, epochs=1, learning_rate=0.1)
    assert history.initial_train_loss == pytest.approx(math.log(4), rel=0.01)
    assert history.initial_train_loss == pytest.approx(mlp.MLP([2, 8, 4], "tanh", "softmax",
                                                               init="small_normal", seed=0).loss_value(X, y))


def test_noisy_but_healthy_training_is_not_called_divergent():
    X, y = data.make_moons(200, noise=0.3, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = mlp.MLP([2, 16, 1], seed=0).fit(X, y, epochs=30, learning_rate=1.0, batch_size=1, seed=0)
    assert not history.diverged and len(history) == 30


# --- what an epoch costs and what it records ------------------------------------------


def hand_loop(model, X, y, epochs, learning_rate, batch_size, seed):
    """Plain mini-batch gradient descent written out, recording each batch's loss before its update."""
    Y = model.targets(y, len(X))
    optimizer = mlp.GradientDescent(learning_rate)
    shuffling = np.random.default_rng(seed)
    batch_losses = []
    for _ in range(epochs):
        losses = []
        for X_batch, Y_batch in minibatches(X, Y, batch_size, shuffling):
            loss, _ = model.loss_and_gradients(X_batch, Y_batch)
            losses.append((loss, len(X_batch)))
            optimizer.step(model)
        batch_losses.append(sum(loss * size for loss, size in losses) / len(X))
    return batch_losses


@pytest.mark.parametrize("batch_size", [None, 16])
def test_fit_takes_exactly_the_steps_of_the_written_out_loop(batch_size):
    X, y = data.make_moons(100, seed=0)
    fitted = mlp.MLP([2, 8, 1], "relu", "sigmoid", seed=0)
    by_hand = mlp.MLP([2, 8, 1], "relu", "sigmoid", seed=0)
    history = fitted.fit(X, y, epochs=7, learning_rate=0.3, batch_size=batch_size, seed=3,
                         train_metrics="end_of_epoch")
    hand_loop(by_hand, X, y, 7, 0.3, batch_size, seed=3)
    for name, value in fitted.params.items():
        np.testing.assert_array_equal(value, by_hand.params[name])  # bit for bit
    assert history.train_loss[-1] == model_loss(fitted, X, y)


def model_loss(model, X, y):
    return model.loss_value(X, y)


def test_batch_mean_records_the_mean_loss_of_the_batches_before_their_updates():
    X, y = data.make_blobs(120, centers=3, seed=0)
    fitted = mlp.MLP([2, 8, 3], "tanh", "softmax", seed=1)
    by_hand = mlp.MLP([2, 8, 3], "tanh", "softmax", seed=1)
    history = fitted.fit(X, y, epochs=5, learning_rate=0.2, batch_size=32, seed=7)  # the default: batch_mean
    expected = hand_loop(by_hand, X, y, 5, 0.2, 32, seed=7)
    np.testing.assert_allclose(history.train_loss, expected, rtol=1e-13)
    for name, value in fitted.params.items():
        np.testing.assert_array_equal(value, by_hand.params[name])
    # The first batch's loss stands in for the loss before training; accuracies are batch-weighted means.
    assert history.initial_train_loss == pytest.approx(
        mlp.MLP([2, 8, 3], "tanh", "softmax", seed=1).loss_value(*first_batch(X, y, 32, 7)), rel=1e-13)
    assert all(0 <= accuracy <= 1 for accuracy in history.train_accuracy)
    # end_of_epoch measures the final weights instead: a different number, the exact one
    exact = mlp.MLP([2, 8, 3], "tanh", "softmax", seed=1).fit(X, y, epochs=5, learning_rate=0.2, batch_size=32,
                                                             seed=7, train_metrics="end_of_epoch")
    assert exact.train_loss[-1] == pytest.approx(fitted.loss_value(X, y), rel=1e-12)
    assert exact.train_loss[-1] != history.train_loss[-1]


def first_batch(X, y, batch_size, seed):
    order = np.random.default_rng(seed).permutation(len(X))[:batch_size]
    return X[order], y[order]


def test_batch_mean_on_full_batch_still_records_the_end_of_epoch_values():
    X, y = data.make_circles(80, seed=0)
    model = mlp.MLP([2, 8, 1], "tanh", "sigmoid", seed=0)
    history = model.fit(X, y, epochs=10, learning_rate=0.5, train_metrics="batch_mean")
    assert history.train_loss[-1] == pytest.approx(model.loss_value(X, y), rel=1e-12)
    assert history.train_accuracy[-1] == model.accuracy(X, y)


@pytest.mark.parametrize("epochs, learning_rate", [(30, 50.0), (30, 3.0)])
def test_batch_mean_divergence_keeps_finite_weights_and_one_warning(epochs, learning_rate):
    X, y = data.make_moons(100, seed=0)
    model = mlp.MLP([2, 8, 1], "relu", "linear", seed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(X, y, epochs=epochs, learning_rate=learning_rate, batch_size=10, seed=0,
                            train_metrics="batch_mean")
    assert [w.category for w in caught] == [DivergenceWarning]
    assert history.diverged and len(history) < epochs
    assert all(math.isfinite(loss) for loss in history.train_loss)
    assert all(np.all(np.isfinite(value)) for value in model.params.values())
    limit = mlp.training.DIVERGENCE_FACTOR * max(history.initial_train_loss, 1.0)
    assert model.loss_value(X, y) <= limit


def test_train_metrics_must_be_one_of_the_two():
    X, y = data.xor()
    with pytest.raises(ValueError, match=r"'end_of_epoch' or 'batch_mean'; got 'mean'"):
        mlp.MLP([2, 2, 1], seed=0).fit(X, y, epochs=1, train_metrics="mean")


def test_first_layer_skips_the_gradient_of_the_data():
    layer = mlp.Dense(3, 2, "tanh", seed=0)
    X = np.random.default_rng(0).standard_normal((5, 3))
    layer.forward(X)
    assert layer.backward(np.ones((5, 2)), need_dX=False) is None
    dW_without = layer.grads["W"].copy()
    dX = layer.backward(np.ones((5, 2)))
    assert dX.shape == (5, 3)
    np.testing.assert_array_equal(layer.grads["W"], dW_without)


class WreckingOptimizer:
    """Plain gradient descent whose last update of epoch ``wreck_epoch`` (from 1) sets every weight to ``value``."""

    def __init__(self, wreck_epoch, value, updates_per_epoch, learning_rate=0.1):
        self.wreck_epoch, self.value, self.updates_per_epoch = wreck_epoch, value, updates_per_epoch
        self.learning_rate = learning_rate

    def start_epoch(self, epoch):
        self.epoch, self.updates = epoch + 1, 0

    def step(self, model):
        self.updates += 1
        for _, param, grad in model.params_and_grads():
            param -= self.learning_rate * grad
            if self.epoch == self.wreck_epoch and self.updates == self.updates_per_epoch:
                param[...] = self.value


@pytest.mark.parametrize("train_metrics", ["end_of_epoch", "batch_mean"])
@pytest.mark.parametrize("wreck_epoch, value", [(2, 1e8), (2, np.nan), (5, np.nan)])
def test_an_epoch_that_wrecks_the_weights_at_its_last_update_is_undone(train_metrics, wreck_epoch, value):
    # batch_mean has no end-of-epoch measurement: epoch 2's ruin is found by epoch 3's first batch
    # (or, after the last epoch, by the NaN check), and epoch 2 is dropped all the same.
    X, y = data.make_moons(100, seed=0)
    model = mlp.MLP([2, 8, 1], "relu", "linear", seed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(X, y, epochs=5, batch_size=25, seed=0, train_metrics=train_metrics,
                            optimizer=WreckingOptimizer(wreck_epoch, value, updates_per_epoch=4))
    assert [w.category for w in caught] == [DivergenceWarning]
    assert history.diverged and history.epoch == list(range(1, wreck_epoch))
    assert f"diverged in epoch {wreck_epoch}" in history.message
    reference = mlp.MLP([2, 8, 1], "relu", "linear", seed=0)  # the same run, stopped before the ruined epoch
    if wreck_epoch > 1:
        reference.fit(X, y, epochs=wreck_epoch - 1, batch_size=25, seed=0,
                      optimizer=WreckingOptimizer(0, value, updates_per_epoch=4))
    for name, param in model.params.items():
        np.testing.assert_array_equal(param, reference.params[name])


def test_a_run_continued_one_call_at_a_time_is_the_same_run():
    X, y = data.make_moons(100, seed=0)
    whole = mlp.MLP([2, 8, 1], "tanh", "sigmoid", seed=0)
    optimizer = mlp.GradientDescent(mlp.schedules.StepDecay(0.5, drop=0.5, every=2), momentum=0.9)
    history = whole.fit(X, y, epochs=5, optimizer=optimizer)
    pieces = mlp.MLP([2, 8, 1], "tanh", "sigmoid", seed=0)
    optimizer = mlp.GradientDescent(mlp.schedules.StepDecay(0.5, drop=0.5, every=2), momentum=0.9)
    first = pieces.fit(X, y, epochs=3, optimizer=optimizer)
    rest = pieces.fit(X, y, epochs=2, optimizer=optimizer, first_epoch=4, reference_loss=first.initial_train_loss)
    assert rest.epoch == [4, 5]
    assert first.learning_rate + rest.learning_rate == history.learning_rate  # the schedule went on
    assert first.train_loss + rest.train_loss == history.train_loss
    for name, value in whole.params.items():
        np.testing.assert_array_equal(pieces.params[name], value)


def test_a_continued_run_reports_divergence_against_its_first_loss_and_its_own_epochs():
    X, y = data.make_moons(100, seed=0)
    model = mlp.MLP([2, 8, 1], "relu", "linear", seed=0)
    start = model.fit(X, y, epochs=3, learning_rate=0.05)
    before = model.get_weights()
    with pytest.warns(DivergenceWarning) as caught:
        history = model.fit(X, y, epochs=5, learning_rate=5.0, first_epoch=4,
                            reference_loss=start.initial_train_loss)
    message = str(caught[0].message)
    assert history.diverged and message.startswith("Training diverged in epoch ")
    epoch = int(message.split("epoch ")[1].split(":")[0])
    assert 4 <= epoch <= 8 and f"Stopped after {epoch - 1} complete epoch(s)" in message
    assert f"grew from {start.initial_train_loss:.3g}" in message or "became" in message
    if epoch == 4:
        for name, value in before.items():
            np.testing.assert_array_equal(model.params[name], value)
