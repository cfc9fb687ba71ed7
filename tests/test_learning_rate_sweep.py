"""The learning-rate sweep (lesson 7) without any widget: the schedules, one run, the verdicts and their rule."""

import math
import warnings

import numpy as np
import pytest

import mlp
from mlp.learning_rate_sweep import (BOUNCE_FACTOR, DEFAULT_SWEEP_RATES, GOOD_FRACTION, SCHEDULES,
                                     LearningRateExperiment, Run, classify_runs, describe_schedule, describe_verdicts,
                                     lesson_schedule, train_run, with_verdicts)
from mlp.training import History


def fake_run(rate, losses, initial=1.0, diverged=False, val_losses=(), settings=None):
    history = History(epoch=list(range(1, len(losses) + 1)), train_loss=list(losses), val_loss=list(val_losses),
                      initial_train_loss=initial, diverged=diverged)
    return Run(rate, settings or (len(losses), "constant", None), history, 0.0)


# --- the schedules ------------------------------------------------------------------------------


@pytest.mark.parametrize("epochs", [1, 7, 150, 200])
def test_each_schedule_gives_its_closed_form(epochs):
    alpha, t = 0.5, np.arange(epochs + 1)
    every = max(1, math.ceil(epochs / 4))
    expected = {"constant": np.full(epochs + 1, alpha),
                "step": alpha * 0.5 ** (t // every),  # halves every ceil(epochs / 4) epochs
                "exponential": alpha * 0.1 ** (t / epochs),  # a tenth at t = epochs
                "inverse_time": alpha / (1 + 9 * t / epochs)}  # a tenth at t = epochs
    for name, rates in expected.items():
        schedule = lesson_schedule(name, alpha, epochs)
        np.testing.assert_allclose([schedule(int(epoch)) for epoch in t], rates, rtol=1e-12, err_msg=name)


def test_every_decaying_schedule_ends_near_a_tenth():
    for name in ("exponential", "inverse_time"):
        assert lesson_schedule(name, 1.0, 200)(200) == pytest.approx(0.1), name
    assert [lesson_schedule("step", 0.5, 200)(t) for t in (0, 49, 50, 199)] == [0.5, 0.5, 0.25, 0.0625]


def test_the_schedules_in_words():
    assert describe_schedule("constant", 150) == "constant α"
    assert describe_schedule("step", 150) == "step decay: α halves every 38 epochs"
    assert describe_schedule("exponential", 150) == f"exponential decay: α·{0.1 ** (1 / 150):.4f}^t" == (
        "exponential decay: α·0.9848^t")
    assert describe_schedule("inverse_time", 150) == "1/t decay: α / (1 + 0.06 t)"
    assert list(SCHEDULES) == ["constant", "step", "exponential", "inverse_time"]


@pytest.mark.parametrize("call", [
    lambda: lesson_schedule("cosine", 0.5, 10),
    lambda: describe_schedule("cosine", 10),
    lambda: LearningRateExperiment(seed=0).run(0.1, epochs=5, schedule="cosine"),
])
def test_an_unknown_schedule_is_refused_naming_the_choices(call):
    with pytest.raises(ValueError, match=r"unknown schedule 'cosine'; choose one of \['constant', 'step', "
                                         r"'exponential', 'inverse_time'\]"):
        call()


# --- one run ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def moons():
    return mlp.data.make_moons(140, noise=0.2, seed=0)


def test_a_run_trains_from_the_initial_weights_as_train_does(moons):
    X, y = moons
    model = mlp.MLP([2, 16, 1], seed=0)
    start = model.get_weights()
    model.fit(X, y, epochs=3, learning_rate=1.0, progress=False)  # wherever the model is now, the run starts at start
    run = train_run(model, start, X, y, 0.3, epochs=40, schedule="exponential", batch_size=32, seed=5)
    reference = mlp.MLP([2, 16, 1], seed=0)  # the same network, trained by hand
    history = mlp.train(reference, X, y, epochs=40, batch_size=32, seed=5, progress=False, train_metrics="end_of_epoch",
                        learning_rate=mlp.ExponentialDecay(0.3, decay_rate=0.1 ** (1 / 40)))
    assert run.history.train_loss == history.train_loss and run.history.learning_rate == history.learning_rate
    for name, value in reference.get_weights().items():  # the model keeps the weights the run ended with
        np.testing.assert_array_equal(model.params[name], value)
    assert run.settings == (40, "exponential", 32) and run.learning_rate == 0.3 and run.seconds > 0
    # the training loss is the whole training set's at the end of each epoch, mini-batches or not
    assert run.final_train_loss == pytest.approx(model.loss_value(X, y), rel=1e-12)
    assert run.verdict is None and not run.unstable and run.problem() == ""


def test_a_run_that_diverges_is_recorded_not_raised():
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, size=(100, 1))
    y = np.sin(X[:, 0])
    model = mlp.MLP([1, 16, 1], hidden_activation="tanh", output_activation="linear", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DivergenceWarning, no NaN RuntimeWarning
        run = train_run(model, model.get_weights(), X, y, 3.0, epochs=200)
    assert run.diverged and run.unstable and run.problem() == f"diverged in epoch {len(run.train_loss) + 1}"
    assert all(np.isfinite(value).all() for value in model.params.values())  # the weights from before
    assert str(run).endswith(f"→ diverged in epoch {len(run.train_loss) + 1}: the learning rate is too large")


def test_a_run_in_words():
    run = fake_run(0.25, [0.9, 0.5], val_losses=[0.95, 0.6], settings=(2, "step", 1))
    assert str(run) == ("learning rate 0.25 · step decay: α halves every 1 epochs · batch size 1 (stochastic) · "
                        "2 epochs → final training loss 0.5, validation loss 0.6")
    bounced = fake_run(1.0, [0.1, 0.2], settings=(2, "constant", 32))  # no validation data
    assert str(bounced) == ("learning rate 1 · constant α · batch size 32 · 2 epochs → final training loss 0.2; "
                            "the loss went back up from its lowest 0.1 to 0.2: the learning rate is probably too large")
    assert math.isnan(fake_run(10.0, [], diverged=True).final_train_loss)


# --- the verdicts -------------------------------------------------------------------------------


def test_classify_runs_follows_the_documented_rule():
    runs = [
        fake_run(1e-3, [0.99, 0.98]),  # hardly moved: too small
        fake_run(1e-2, [0.6, 0.3]),  # ln(1/0.3) = 1.2 < 0.8 ln(1/0.1) = 1.84: too small
        fake_run(1e-1, [0.3, 0.15]),  # ln(1/0.15) = 1.9 >= 1.84: good
        fake_run(1.0, [0.2, 0.1]),  # the best: good
        fake_run(3.0, [0.5, 0.5]),  # stable, but worse than the best at a larger rate: too large
        fake_run(5.0, [1.5, 0.05]),  # rose above the start: too large, however low it ends
        fake_run(8.0, [0.1, 0.1 * BOUNCE_FACTOR * 1.01]),  # went back up: too large
        fake_run(10.0, [0.4], diverged=True),  # diverged: too large
    ]
    assert classify_runs(runs) == ["too small", "too small", "good", "good", "too large", "too large", "too large",
                                   "too large"]
    assert classify_runs([fake_run(10.0, [], diverged=True)]) == ["too large"]
    assert classify_runs([fake_run(1e-4, [1.0, 1.0])]) == ["too small"]  # stable, but nothing came down
    assert classify_runs([]) == []
    assert runs[5].problem() == "the loss rose above its starting value 1 (up to 1.5 in epoch 1)"
    assert runs[6].problem() == f"the loss went back up from its lowest 0.1 to {0.1 * BOUNCE_FACTOR * 1.01:.3g}"
    assert runs[7].problem() == "diverged in epoch 2"
    assert runs[3].problem() == "" and not runs[3].unstable


@pytest.mark.parametrize("final, unstable", [(0.1 * BOUNCE_FACTOR * 0.999, False), (0.1 * BOUNCE_FACTOR * 1.001, True)])
def test_going_back_up_counts_above_bounce_factor_times_the_lowest(final, unstable):
    run = fake_run(1.0, [0.5, 0.1, final])
    assert run.unstable == unstable
    assert classify_runs([run]) == ["too large" if unstable else "good"]  # a stable run alone is the best


def test_good_is_within_good_fraction_of_the_best_decrease_on_the_log_scale():
    best = fake_run(1.0, [0.5, 0.01])  # ln(1 / 0.01) = 4.6
    # losses whose decrease is just above GOOD_FRACTION of the best's, and a little below it, on each side of it
    within = math.exp(-GOOD_FRACTION * math.log(1 / 0.01)) * (1 - 1e-9)
    below = math.exp(-GOOD_FRACTION * math.log(1 / 0.01)) * 1.01
    runs = [fake_run(0.1, [0.9, below]), fake_run(0.3, [0.9, within]), best, fake_run(2.0, [0.9, within]),
            fake_run(3.0, [0.9, below])]
    assert classify_runs(runs) == ["too small", "good", "good", "good", "too large"]


def test_without_a_stable_run_every_run_is_too_large():
    runs = [fake_run(1.0, [2.0]), fake_run(3.0, [0.5], diverged=True)]
    assert classify_runs(runs) == ["too large", "too large"]


def test_with_verdicts_labels_copies_and_describe_verdicts_lists_them():
    runs = [fake_run(1e-3, [0.99, 0.98]), fake_run(0.1, [0.3, 0.15]), fake_run(1.0, [0.2, 0.1]),
            fake_run(10.0, [0.4], diverged=True)]
    labelled = with_verdicts(runs)
    assert [run.verdict for run in labelled] == classify_runs(runs) == ["too small", "good", "good", "too large"]
    assert all(run.verdict is None for run in runs)  # the originals are left as they were
    assert all(copy.history is run.history for copy, run in zip(labelled, runs))
    assert describe_verdicts(labelled) == "too small: 0.001; good: 0.1, 1; too large: 10"


# --- the experiment -----------------------------------------------------------------------------


def test_the_lesson_experiment_and_its_sweep():
    experiment = LearningRateExperiment(seed=0)  # the lesson's moons: 200 points, 30 % to validate
    assert len(experiment.X_train) == 140 and len(experiment.validation[0]) == 60
    assert np.mean(experiment.y_train) == np.mean(experiment.validation[1]) == 0.5  # stratified
    assert experiment.model.layer_sizes == [2, 16, 1]
    assert str(experiment.run(0.1)) == ("learning rate 0.1 · constant α · full batch · 150 epochs → final training "
                                        "loss 0.2303, validation loss 0.3103")
    after = experiment.model.get_weights()
    runs = experiment.sweep([1.0, 1e-3, 0.1, 1e-2], epochs=60)
    assert [run.learning_rate for run in runs] == [1e-3, 1e-2, 0.1, 1.0]  # in increasing order
    assert [run.verdict for run in runs] == classify_runs(runs)
    assert len({run.initial_loss for run in runs}) == 1  # the same initial weights
    assert all(np.array_equal(after[name], value) for name, value in experiment.model.get_weights().items())
    again = experiment.run(0.1, epochs=60, model=experiment.sweep_model)
    assert again.history.train_loss == runs[2].history.train_loss


def test_the_docstring_example():
    X, y = mlp.data.make_moons(140, noise=0.2, seed=0)
    model = mlp.MLP([2, 16, 1], seed=0)
    start = model.get_weights()
    runs = [train_run(model, start, X, y, rate, seed=0) for rate in DEFAULT_SWEEP_RATES]
    assert classify_runs(runs) == ["too small", "too small", "too small", "good", "good", "too large"]


def test_the_number_of_updates():
    experiment = LearningRateExperiment(seed=0)  # 140 training examples
    assert experiment.updates(60, 8) == 60 * 18 and experiment.updates(10, 1) == 1400
    assert experiment.updates(10) == experiment.updates(10, 140) == experiment.updates(10, 500) == 10


def test_an_experiment_with_its_own_data_and_network():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 3))
    experiment = LearningRateExperiment(X, X.sum(axis=1), layer_sizes=[3, 4, 1], hidden_activation="tanh",
                                        output_activation="linear", val_size=0, seed=2)
    assert experiment.validation is None and np.array_equal(experiment.X_train, X)  # nothing split off
    run = experiment.run(0.05, epochs=20)
    assert len(run.val_loss) == 0 and "validation" not in str(run)
    for name, value in mlp.MLP([3, 4, 1], hidden_activation="tanh", output_activation="linear",
                               seed=2).get_weights().items():
        np.testing.assert_array_equal(experiment.initial_weights[name], value)


@pytest.mark.parametrize("kwargs, message", [
    ({"X": np.zeros((5, 2))}, "give both X and y, or neither"),
    ({"y": np.zeros(5)}, "give both X and y, or neither"),
    ({"val_size": 1.5}, "val_size"),
])
def test_bad_experiments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LearningRateExperiment(**kwargs)
