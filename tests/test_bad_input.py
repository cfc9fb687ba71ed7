"""Bad input: each mistake a learner makes raises ValueError/TypeError with a message
that names both what was expected and what was given, in the lessons' words.

Every test checks the exception type AND that the message contains the expected and
the actual value. The messages are part of the teaching, so they are tested as such.
"""

import math
import re

import numpy as np
import pytest

import mlp
from mlp import MLP, dense_forward, get_activation, get_loss, losses
from mlp.data import Standardizer, make_dataset, make_moons, train_val_test_split
from mlp.initializers import get_initializer

ACTIVATION_NAMES = ["elu", "gaussian", "leaky_relu", "linear", "relu", "selu", "sigmoid", "softmax",
                    "softplus", "tanh"]
LOSS_NAMES = ["binary_cross_entropy", "categorical_cross_entropy", "mean_squared_error"]


def message_of(excinfo) -> str:
    return str(excinfo.value)


def assert_mentions(excinfo, *fragments):
    """The exception message contains every fragment (plain substrings, not regexes)."""
    message = message_of(excinfo)
    missing = [fragment for fragment in fragments if fragment not in message]
    assert not missing, f"message {message!r} does not mention {missing}"


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((10, 2))
    y = np.arange(10) % 2
    return X, y


@pytest.fixture
def binary_model():
    return MLP([2, 4, 1], hidden_activation="relu", output_activation="sigmoid", seed=0)


@pytest.fixture
def softmax_model():
    return MLP([2, 4, 3], hidden_activation="relu", output_activation="softmax", seed=0)


# --- dense_forward: W and b -------------------------------------------------------------


def test_dense_forward_W_of_the_wrong_shape():
    X = np.ones((5, 3))
    with pytest.raises(ValueError) as excinfo:
        dense_forward(X, np.ones((2, 4)), np.zeros(4))
    # "W has shape (2, 4) but X has 3 features per example; expected W of shape (3, 4)"
    assert_mentions(excinfo, "(2, 4)", "3 features per example", "(3, 4)")
    assert re.search(r"W1? has shape \(2, 4\)", message_of(excinfo))
    assert re.search(r"expected W1? of shape \(3, 4\)", message_of(excinfo))


def test_dense_forward_b_of_the_wrong_shape():
    with pytest.raises(ValueError) as excinfo:
        dense_forward(np.ones((5, 2)), np.ones((2, 4)), np.zeros(3))
    assert_mentions(excinfo, "b has shape (3,)", "4 units", "expected b of shape (4,)")


def test_dense_forward_b_as_a_row_matrix():
    with pytest.raises(ValueError) as excinfo:
        dense_forward(np.ones((5, 2)), np.ones((2, 4)), np.zeros((1, 4)))
    assert_mentions(excinfo, "(1, 4)", "(4,)")


def test_dense_forward_unknown_activation():
    with pytest.raises(ValueError) as excinfo:
        dense_forward(np.ones((5, 2)), np.ones((2, 4)), np.zeros(4), activation="rellu")
    assert_mentions(excinfo, "'rellu'", "did you mean 'relu'")


# --- X: shape, type, emptiness, finiteness ------------------------------------------------

X_USERS = {
    "forward": lambda model, X, y: model.forward(X),
    "predict": lambda model, X, y: model.predict(X),
    "predict_proba": lambda model, X, y: model.predict_proba(X),
    "accuracy": lambda model, X, y: model.accuracy(X, y),
    "loss_value": lambda model, X, y: model.loss_value(X, y),
    "fit": lambda model, X, y: model.fit(X, y, epochs=1),
}


@pytest.mark.parametrize("call", X_USERS.values(), ids=X_USERS.keys())
def test_X_with_the_wrong_number_of_features(binary_model, call):
    X = np.ones((6, 3))
    with pytest.raises(ValueError) as excinfo:
        call(binary_model, X, np.zeros(6))
    assert_mentions(excinfo, "3 features per example", "expects 2", "W1 has shape (2, 4)", "(m, 2)", "(6, 3)")


@pytest.mark.parametrize("call", X_USERS.values(), ids=X_USERS.keys())
def test_X_one_dimensional(binary_model, call):
    with pytest.raises(ValueError) as excinfo:
        call(binary_model, np.array([0.5, -1.0]), np.zeros(1))
    assert_mentions(excinfo, "2-D", "(m, 2)", "1-D", "(2,)", "reshape(1, -1)")


def test_X_three_dimensional(binary_model):
    with pytest.raises(ValueError) as excinfo:
        binary_model.forward(np.ones((2, 2, 2)))
    assert_mentions(excinfo, "2-D", "3-D", "(2, 2, 2)")


def test_X_a_string(binary_model):
    with pytest.raises(TypeError) as excinfo:
        binary_model.forward("0.5, 1.0")
    assert_mentions(excinfo, "X", "array of numbers", "str", "'0.5, 1.0'")


def test_X_a_list_of_strings(binary_model):
    with pytest.raises(TypeError) as excinfo:
        binary_model.predict([["0.5", "1.0"], ["2", "3"]])
    assert_mentions(excinfo, "X", "array of numbers", "'0.5'")


def test_X_a_ragged_list(binary_model):
    with pytest.raises(TypeError) as excinfo:
        binary_model.predict([[0.5, 1.0], [2.0]])
    assert_mentions(excinfo, "X", "rectangular")


@pytest.mark.parametrize("call", [X_USERS["forward"], X_USERS["fit"]], ids=["forward", "fit"])
def test_X_empty(binary_model, call):
    with pytest.raises(ValueError) as excinfo:
        call(binary_model, np.empty((0, 2)), np.empty(0))
    assert_mentions(excinfo, "empty", "at least one example", "(0, 2)")


def test_X_empty_list(binary_model):
    # An empty list is an empty data set; "write X.reshape(1, -1)" would not help.
    with pytest.raises(ValueError) as excinfo:
        binary_model.fit([], [], epochs=1)
    assert_mentions(excinfo, "empty", "at least one example")
    assert "reshape" not in message_of(excinfo)


def test_empty_data_set_requested():
    with pytest.raises(ValueError) as excinfo:
        make_moons(0, seed=0)
    assert_mentions(excinfo, "n_samples", "positive integer", "got 0")


def test_X_with_nan(binary_model, data):
    X, y = data
    X = X.copy()
    X[3, 1] = np.nan
    with pytest.raises(ValueError) as excinfo:
        binary_model.fit(X, y, epochs=1)
    assert_mentions(excinfo, "X", "NaN", "nan", "row 3, column 1", "finite")


def test_X_with_inf(binary_model, data):
    X, _ = data
    X = X.copy()
    X[4, 0] = -np.inf
    with pytest.raises(ValueError) as excinfo:
        binary_model.predict(X)
    assert_mentions(excinfo, "X", "-inf", "row 4, column 0", "finite")


def test_y_with_nan(binary_model, data):
    X, _ = data
    y = np.array([0, 1, 0, 1, np.nan, 1, 0, 1, 0, 1])
    with pytest.raises(ValueError) as excinfo:
        binary_model.fit(X, y, epochs=1)
    assert_mentions(excinfo, "y", "nan", "4", "finite")


# --- y: length, labels, one-hot -----------------------------------------------------------


@pytest.mark.parametrize("model_name", ["binary_model", "softmax_model"])
def test_y_with_a_different_number_of_examples(request, model_name, data):
    model = request.getfixturevalue(model_name)
    X, y = data
    with pytest.raises(ValueError) as excinfo:
        model.fit(X, y[:9], epochs=1)
    assert_mentions(excinfo, "X has 10 examples", "y has 9 labels", "one label per example")


def test_y_label_3_for_a_softmax_output_of_3_units(softmax_model, data):
    X, _ = data
    y = np.array([0, 1, 2, 3, 0, 1, 2, 0, 1, 2])
    with pytest.raises(ValueError) as excinfo:
        softmax_model.fit(X, y, epochs=1)
    assert_mentions(excinfo, "3 unit", "labels up to 3", "0..2")


def test_y_label_2_for_a_sigmoid_output(binary_model, data):
    X, _ = data
    y = np.arange(10) % 3
    with pytest.raises(ValueError) as excinfo:
        binary_model.fit(X, y, epochs=1)
    assert_mentions(excinfo, "sigmoid", "0 or 1", "y contains 2", "softmax output layer with 3 units")


def test_y_negative_label_for_softmax(softmax_model, data):
    X, _ = data
    y = np.array([0, 1, 2, -1, 0, 1, 2, 0, 1, 2])
    with pytest.raises(ValueError) as excinfo:
        softmax_model.fit(X, y, epochs=1)
    assert_mentions(excinfo, "0, 1, 2", "-1")


def test_y_negative_label_for_sigmoid(binary_model, data):
    X, _ = data
    y = np.array([0, 1, 0, -1, 0, 1, 0, 1, 0, 1])
    with pytest.raises(ValueError) as excinfo:
        binary_model.fit(X, y, epochs=1)
    assert_mentions(excinfo, "0 or 1", "-1")


def test_y_non_integer_label_for_softmax(softmax_model, data):
    X, _ = data
    y = np.array([0, 1, 2, 1.5, 0, 1, 2, 0, 1, 2])
    with pytest.raises(ValueError) as excinfo:
        softmax_model.fit(X, y, epochs=1)
    assert_mentions(excinfo, "whole-number", "0, 1, 2", "1.5")


def test_y_strings(binary_model, data):
    X, _ = data
    with pytest.raises(TypeError) as excinfo:
        binary_model.fit(X, ["cat", "dog"] * 5, epochs=1)
    assert_mentions(excinfo, "y", "array of numbers", "'cat'")


def test_one_hot_y_with_the_wrong_number_of_columns(softmax_model, data):
    X, _ = data
    Y = np.eye(4)[np.arange(10) % 4]
    with pytest.raises(ValueError) as excinfo:
        softmax_model.fit(X, Y, epochs=1)
    assert_mentions(excinfo, "(10, 4)", "3 units", "(m, 3)")


def test_two_column_y_for_one_sigmoid_unit(binary_model, data):
    X, y = data
    with pytest.raises(ValueError) as excinfo:
        binary_model.fit(X, np.eye(2)[y], epochs=1)
    assert_mentions(excinfo, "(10, 2)", "1 unit", "(m, 1)")


# --- names: activation, loss, initializer, data set, schedule ------------------------------


@pytest.mark.parametrize(
    "call",
    [lambda: MLP([2, 4, 1], hidden_activation="rellu"),
     lambda: MLP([2, 4, 1], output_activation="rellu"),
     lambda: get_activation("rellu")],
    ids=["hidden_activation", "output_activation", "get_activation"],
)
def test_unknown_activation_lists_the_known_ones_and_suggests(call):
    with pytest.raises(ValueError) as excinfo:
        call()
    assert_mentions(excinfo, "unknown activation", "'rellu'", "did you mean 'relu'", *ACTIVATION_NAMES)


def test_activation_not_a_name():
    with pytest.raises(TypeError) as excinfo:
        MLP([2, 4, 1], hidden_activation=None)
    assert_mentions(excinfo, "by name", "'relu'", "None")


@pytest.mark.parametrize("call", [lambda: MLP([2, 4, 1], loss="binary_crossentropy"),
                                  lambda: get_loss("binary_crossentropy")], ids=["MLP", "get_loss"])
def test_unknown_loss_lists_the_known_ones_and_suggests(call):
    with pytest.raises(ValueError) as excinfo:
        call()
    assert_mentions(excinfo, "unknown loss", "'binary_crossentropy'", "did you mean 'binary_cross_entropy'",
                    *LOSS_NAMES)


def test_unknown_loss_message_is_spelled_correctly():
    with pytest.raises(ValueError) as excinfo:
        get_loss("hinge")
    assert_mentions(excinfo, "known losses")
    assert "losss" not in message_of(excinfo)


@pytest.mark.parametrize("call", [lambda: MLP([2, 4, 1], init="hee"), lambda: get_initializer("hee")],
                         ids=["MLP", "get_initializer"])
def test_unknown_initializer(call):
    with pytest.raises(ValueError) as excinfo:
        call()
    assert_mentions(excinfo, "unknown initializer", "'hee'", "did you mean 'he'", "xavier", "lecun", "zeros")


def test_unknown_data_set_name():
    with pytest.raises(ValueError) as excinfo:
        make_dataset("moon", 100, seed=0)
    assert_mentions(excinfo, "unknown data set", "'moon'", "did you mean 'moons'",
                    "circles", "xor", "spirals", "blobs", "linear")


@pytest.mark.parametrize("call", [lambda model, X, y: model.fit(X, y, epochs=1, schedule="stepp"),
                                  lambda model, X, y: mlp.make_schedule(0.1, "stepp")], ids=["fit", "make_schedule"])
def test_unknown_schedule_name(binary_model, data, call):
    X, y = data
    with pytest.raises(ValueError) as excinfo:
        call(binary_model, X, y)
    assert_mentions(excinfo, "unknown schedule", "'stepp'", "did you mean 'step'", "constant", "exponential",
                    "inverse_time")


# --- training options ----------------------------------------------------------------------


@pytest.mark.parametrize("learning_rate, shown", [(0, "0"), (0.0, "0.0"), (-0.1, "-0.1"), (math.nan, "nan"),
                                                  (math.inf, "inf")])
def test_learning_rate_not_positive(binary_model, data, learning_rate, shown):
    X, y = data
    with pytest.raises(ValueError) as excinfo:
        binary_model.fit(X, y, epochs=1, learning_rate=learning_rate)
    assert_mentions(excinfo, "learning_rate", "positive")
    assert message_of(excinfo).endswith(f"got {shown}"), message_of(excinfo)


def test_learning_rate_a_string(binary_model, data):
    X, y = data
    with pytest.raises(TypeError) as excinfo:
        binary_model.fit(X, y, epochs=1, learning_rate="0.1")
    assert_mentions(excinfo, "learning_rate", "positive number", "str", "'0.1'")


def test_learning_rate_of_the_optimizer_checked_too():
    with pytest.raises(ValueError) as excinfo:
        mlp.GradientDescent(learning_rate=-1.0)
    assert_mentions(excinfo, "learning_rate", "positive", "-1.0")


def test_epochs_zero(binary_model, data):
    X, y = data
    with pytest.raises(ValueError) as excinfo:
        binary_model.fit(X, y, epochs=0)
    assert_mentions(excinfo, "epochs", "positive integer", "got 0")


def test_epochs_not_whole(binary_model, data):
    X, y = data
    with pytest.raises(TypeError) as excinfo:
        binary_model.fit(X, y, epochs=2.5)
    assert_mentions(excinfo, "epochs", "integer", "2.5")


def test_batch_size_zero(binary_model, data):
    X, y = data
    with pytest.raises(ValueError) as excinfo:
        binary_model.fit(X, y, epochs=1, batch_size=0)
    assert_mentions(excinfo, "batch_size", "positive integer", "got 0")


@pytest.mark.parametrize("momentum", [1.0, 1.5, -0.1])
def test_momentum_out_of_range(binary_model, data, momentum):
    X, y = data
    with pytest.raises(ValueError) as excinfo:
        binary_model.fit(X, y, epochs=1, momentum=momentum)
    assert_mentions(excinfo, "momentum", "[0, 1)", repr(momentum))


def test_early_stopping_without_validation_data(binary_model, data):
    X, y = data
    with pytest.raises(ValueError) as excinfo:
        binary_model.fit(X, y, epochs=5, early_stopping=3)
    assert_mentions(excinfo, "early_stopping", "validation_data")


def test_validation_X_with_the_wrong_number_of_features_is_named_X_val(binary_model, data):
    # The learner's X is fine; a message about "X" would send them to the wrong array.
    X, y = data
    with pytest.raises(ValueError) as excinfo:
        binary_model.fit(X, y, epochs=1, validation_data=(np.ones((4, 3)), y[:4]))
    assert_mentions(excinfo, "X_val", "3 features", "(m, 2)", "(4, 3)")


def test_validation_y_of_the_wrong_length_is_named_y_val(binary_model, data):
    X, y = data
    with pytest.raises(ValueError) as excinfo:
        binary_model.fit(X, y, epochs=1, validation_data=(X[:4], y[:3]))
    assert_mentions(excinfo, "X_val", "y_val", "4 examples", "3 labels")


def test_validation_data_not_a_pair(binary_model, data):
    X, y = data
    with pytest.raises(ValueError) as excinfo:
        binary_model.fit(X, y, epochs=1, validation_data=X)
    assert_mentions(excinfo, "(X_val, y_val)", "ndarray")


# --- network structure ---------------------------------------------------------------------


def test_layer_sizes_a_single_number():
    with pytest.raises(ValueError) as excinfo:
        MLP([2])
    assert_mentions(excinfo, "layer_sizes", "at least two", "[2, 16, 1]", "got [2]")


def test_layer_sizes_with_zero_units():
    with pytest.raises(ValueError) as excinfo:
        MLP([2, 0, 1])
    assert_mentions(excinfo, "layer_sizes[1]", "positive integer", "got 0", "[2, 0, 1]")


def test_layer_sizes_with_a_fraction():
    with pytest.raises(TypeError) as excinfo:
        MLP([2, 1.5, 1])
    assert_mentions(excinfo, "layer_sizes[1]", "integer", "1.5", "[2, 1.5, 1]")


def test_softmax_output_with_one_unit():
    with pytest.raises(ValueError) as excinfo:
        MLP([2, 4, 1], output_activation="softmax")
    assert_mentions(excinfo, "softmax", "at least 2", "got 1")


def test_categorical_cross_entropy_with_a_sigmoid_output():
    with pytest.raises(ValueError) as excinfo:
        MLP([2, 4, 1], output_activation="sigmoid", loss="categorical_cross_entropy")
    assert_mentions(excinfo, "categorical_cross_entropy", "softmax", "'sigmoid'")


def test_binary_cross_entropy_with_a_softmax_output():
    with pytest.raises(ValueError) as excinfo:
        MLP([2, 4, 3], output_activation="softmax", loss="binary_cross_entropy")
    assert_mentions(excinfo, "binary_cross_entropy", "sigmoid", "'softmax'")


def test_hidden_activation_list_of_the_wrong_length():
    with pytest.raises(ValueError) as excinfo:
        MLP([2, 4, 4, 1], hidden_activation=["relu"])
    assert_mentions(excinfo, "hidden_activation", "1 activation", "2 hidden layer")


def test_set_weights_with_a_wrong_shape(binary_model):
    weights = binary_model.get_weights()
    weights["W1"] = np.ones((3, 4))
    with pytest.raises(ValueError) as excinfo:
        binary_model.set_weights(weights)
    assert_mentions(excinfo, "W1", "(2, 4)", "(3, 4)")


def test_set_weights_with_missing_names(binary_model):
    weights = binary_model.get_weights()
    del weights["b2"]
    with pytest.raises(ValueError) as excinfo:
        binary_model.set_weights(weights)
    assert_mentions(excinfo, "'b2'", "['W1', 'W2', 'b1']")


# --- data preparation ----------------------------------------------------------------------


@pytest.mark.parametrize("val_size, test_size", [(0.5, 0.5), (0.6, 0.5)])
def test_split_fractions_leave_nothing_to_train_on(data, val_size, test_size):
    X, y = data
    with pytest.raises(ValueError) as excinfo:
        train_val_test_split(X, y, val_size=val_size, test_size=test_size, seed=0)
    assert_mentions(excinfo, "val_size + test_size", f"{val_size} + {test_size}", ">= 1")


def test_split_fraction_out_of_range(data):
    X, y = data
    with pytest.raises(ValueError) as excinfo:
        train_val_test_split(X, y, val_size=20, seed=0)
    assert_mentions(excinfo, "val_size", "[0, 1)", "got 20")


def test_split_X_and_y_of_different_lengths(data):
    X, y = data
    with pytest.raises(ValueError) as excinfo:
        train_val_test_split(X, y[:7], seed=0)
    assert_mentions(excinfo, "10 examples", "7 labels")


def test_standardizer_transform_with_the_wrong_number_of_features():
    scaler = Standardizer().fit(np.ones((5, 2)))
    with pytest.raises(ValueError) as excinfo:
        scaler.transform(np.ones((3, 3)))
    assert_mentions(excinfo, "3 features", "2 features", "Standardizer", "(3, 3)")
    # A Standardizer is not a network: the message should not say so.
    assert "network" not in message_of(excinfo)


# --- seeds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [lambda X, y: MLP([2, 4, 1], seed="42"),
     lambda X, y: MLP([2, 4, 1], seed=0).fit(X, y, epochs=1, seed="42"),
     lambda X, y: make_moons(50, seed="42"),
     lambda X, y: train_val_test_split(X, y, seed="42")],
    ids=["MLP", "fit", "make_moons", "train_val_test_split"],
)
def test_seed_of_a_wrong_type(data, call):
    X, y = data
    with pytest.raises(TypeError) as excinfo:
        call(X, y)
    assert_mentions(excinfo, "seed", "int", "Generator", "str", "'42'")


def test_seed_a_float():
    with pytest.raises(TypeError) as excinfo:
        MLP([2, 4, 1], seed=1.5)
    assert_mentions(excinfo, "seed", "int", "float", "1.5")


# --- a bad call loses nothing --------------------------------------------------------------


def _assert_same_weights(before, after):
    assert before.keys() == after.keys()
    for name in before:
        np.testing.assert_array_equal(before[name], after[name], err_msg=name)


@pytest.mark.parametrize(
    "options",
    [dict(y=np.arange(10) % 3),  # a label the sigmoid output cannot take
     dict(y=np.arange(9) % 2),  # one label short
     dict(validation_data=(np.ones((4, 3)), np.zeros(4))),
     dict(validation_data=(np.ones((4, 2)), np.array([0, 1, 5, 0]))),
     dict(learning_rate=-0.5),
     dict(momentum=1.0),
     dict(early_stopping=2)],
    ids=["bad y", "short y", "bad X_val", "bad y_val", "bad learning_rate", "bad momentum", "no validation"],
)
def test_a_failed_fit_changes_nothing(binary_model, data, options):
    X, y = data
    y = options.pop("y", y)
    X_before, y_before = X.copy(), np.array(y, copy=True)
    weights_before = binary_model.get_weights()
    W1 = binary_model.params["W1"]

    with pytest.raises((ValueError, TypeError)):
        binary_model.fit(X, y, epochs=3, **options)

    _assert_same_weights(weights_before, binary_model.get_weights())
    assert binary_model.params["W1"] is W1  # the same arrays, not replaced
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    # The model still trains normally afterwards.
    history = binary_model.fit(X, np.arange(10) % 2, epochs=2, learning_rate=0.1)
    assert len(history) == 2


def test_a_failed_set_weights_changes_nothing(binary_model):
    weights_before = binary_model.get_weights()
    bad = {name: np.full_like(value, 7.0) for name, value in weights_before.items()}
    bad["W2"] = np.ones((5, 1))  # the last one checked may be wrong: nothing may be half-written
    with pytest.raises(ValueError):
        binary_model.set_weights(bad)
    _assert_same_weights(weights_before, binary_model.get_weights())


def test_a_successful_fit_does_not_modify_the_callers_arrays(binary_model, data):
    X, y = data
    X_before, y_before = X.copy(), y.copy()
    binary_model.fit(X, y, epochs=3, batch_size=4, seed=0, validation_data=(X[:4], y[:4]))
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


# --- issue 12's list: each of these returned a wrong result or numpy's message before ---------------


@pytest.mark.parametrize("name", ["l2", "l1"])
def test_the_penalties_are_checked_wherever_they_are_taken(binary_model, data, name):
    X, y = data
    for call in (lambda: binary_model.loss_value(X, y, **{name: -1}),
                 lambda: binary_model.loss_and_gradients(X, y, **{name: -1}),
                 lambda: mlp.gradient_check(binary_model, X, y, **{name: -1}),
                 lambda: binary_model.fit(X, y, epochs=1, **{name: -1})):
        with pytest.raises(ValueError) as excinfo:
            call()
        assert_mentions(excinfo, f"{name} must be a zero or positive number", "-1")
    binary_model.forward(X)
    with pytest.raises(ValueError) as excinfo:
        binary_model.backward(y, **{name: float("nan")})
    assert_mentions(excinfo, f"{name} must be a finite", "nan")


def test_set_weights_refuses_nan_weights(binary_model):
    weights = binary_model.get_weights()
    before = binary_model.get_weights()
    weights["W2"] = np.full_like(weights["W2"], np.nan)
    with pytest.raises(ValueError) as excinfo:
        binary_model.set_weights(weights)
    assert_mentions(excinfo, "W2 contains", "NaN", "weights must be numbers")
    assert all(np.array_equal(before[k], v) for k, v in binary_model.get_weights().items())  # nothing changed


@pytest.mark.parametrize("eps, said", [(float("nan"), "finite"), (0, "positive number; got 0"), (-1e-6, "-1e-06")])
def test_gradient_check_needs_a_positive_eps(binary_model, data, eps, said):
    with pytest.raises(ValueError) as excinfo:
        mlp.gradient_check(binary_model, *data, eps=eps)
    assert_mentions(excinfo, "eps must be a", said)


def test_an_activation_of_none_or_text_is_an_error_not_nan():
    for value in (None, "1.0"):
        with pytest.raises(TypeError) as excinfo:
            mlp.activations.sigmoid(value)
        assert_mentions(excinfo, "z must be an array of numbers")


def test_binary_cross_entropy_given_logits_says_use_the_logits_version():
    with pytest.raises(ValueError) as excinfo:
        losses.binary_cross_entropy(np.array([[3.0], [-2.0]]), np.array([[1.0], [0.0]]))
    assert_mentions(excinfo, "outside [0, 1]", "3.0", "binary_cross_entropy_with_logits")
    with pytest.raises(ValueError) as excinfo:
        losses.categorical_cross_entropy(np.array([[2.0, -1.0]]), np.array([0]))
    assert_mentions(excinfo, "softmax_cross_entropy_with_logits")


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, float("nan")])
def test_minibatches_refuses_a_batch_size_that_is_not_a_positive_integer(data, batch_size):
    X, y = data
    with pytest.raises((ValueError, TypeError)) as excinfo:
        list(mlp.minibatches(X, y.reshape(-1, 1), batch_size, np.random.default_rng(0)))
    assert_mentions(excinfo, "batch_size must be a", repr(batch_size))


def test_fit_epochs_nan_and_lr_get_the_courses_messages(binary_model, data):
    with pytest.raises(ValueError) as excinfo:
        binary_model.fit(*data, epochs=float("nan"), progress=False)
    assert_mentions(excinfo, "epochs must be a finite positive integer", "nan")
    with pytest.raises(TypeError) as excinfo:
        binary_model.fit(*data, lr=0.1, progress=False)
    assert_mentions(excinfo, "unexpected keyword argument 'lr'", "did you mean learning_rate?")
    with pytest.raises(TypeError) as excinfo:
        binary_model.fit(*data, random_state=0, progress=False)
    assert_mentions(excinfo, "did you mean seed?")


def test_a_layer_given_x_of_the_wrong_width_blames_x(binary_model):
    with pytest.raises(ValueError) as excinfo:
        binary_model.layers[0].forward(np.ones((3, 5)))
    assert_mentions(excinfo, "X has 5 features per example but this layer takes 2 inputs", "expected X of shape (m, 2)")


def test_one_hot_with_zero_classes():
    with pytest.raises(ValueError) as excinfo:
        mlp.one_hot(np.array([0, 1]), 0)
    assert_mentions(excinfo, "n_classes must be a positive integer", "got 0")
