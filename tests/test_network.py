"""Dense layer and MLP: forward shapes, whole-network gradient checks, parameters by name."""

import numpy as np
import pytest

import mlp
from mlp import data
from mlp.gradcheck import TOLERANCE, gradient_check, numerical_gradient, relative_error
from mlp.layers import Dense, dense_backward, dense_forward


def random_problem(n_features, n_outputs, kind, m=7, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n_features))
    if kind == "softmax":
        y = rng.integers(0, n_outputs, m)
    elif kind == "sigmoid":
        y = rng.integers(0, 2, (m, n_outputs)).astype(float)
    else:
        y = rng.normal(size=(m, n_outputs))
    return X, y


def test_dense_forward_computes_activation_of_affine_map():
    rng = np.random.default_rng(1)
    X, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    A, cache = dense_forward(X, W, b, "tanh")
    assert A.shape == (5, 4)
    # Element by element, as the lesson writes it: a_ij = f(sum_k x_ik w_kj + b_j).
    expected = np.array([[np.tanh(sum(X[i, k] * W[k, j] for k in range(3)) + b[j]) for j in range(4)]
                         for i in range(5)])
    np.testing.assert_allclose(A, expected, rtol=1e-14)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu",
                                        "softplus", "gaussian", "linear", "softmax"])
def test_dense_backward_matches_numerical_gradients(activation):
    rng = np.random.default_rng(2)
    m = 1 if activation == "gaussian" else 4  # m = 1 as well: a single example
    X, W, b = rng.normal(size=(m, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
    upstream = rng.normal(size=(m, 5))  # pretend dL/dA; then L = sum(upstream * A)

    def loss():
        return float(np.sum(upstream * dense_forward(X, W, b, activation)[0]))

    _, cache = dense_forward(X, W, b, activation)
    dX, dW, db = dense_backward(upstream, cache)
    assert (dX.shape, dW.shape, db.shape) == (X.shape, W.shape, b.shape)
    for analytic, array in ((dX, X), (dW, W), (db, b)):
        assert relative_error(analytic, numerical_gradient(loss, array)) < TOLERANCE


NETWORKS = [
    # (layer sizes, hidden activation(s), output activation, loss)
    ([3, 2], "relu", "sigmoid", "binary_cross_entropy"),  # no hidden layer: logistic regression
    ([3, 5, 1], "tanh", "sigmoid", "binary_cross_entropy"),
    ([3, 4, 4, 3], ["relu", "sigmoid"], "softmax", "categorical_cross_entropy"),
    ([2, 6, 5, 4, 3], ["elu", "leaky_relu", "softplus"], "softmax", "categorical_cross_entropy"),
    ([4, 5, 2], "selu", "linear", "mean_squared_error"),
    ([3, 4, 1], "gaussian", "sigmoid", "mean_squared_error"),  # not fused: chain rule through sigmoid
    ([3, 4, 3], "tanh", "softmax", "mean_squared_error"),  # not fused: through softmax's Jacobian
    ([3, 6, 6, 6, 6, 2], "tanh", "sigmoid", "binary_cross_entropy"),  # deeper, 2 sigmoid outputs
]


@pytest.mark.parametrize("sizes, hidden, output, loss", NETWORKS)
@pytest.mark.parametrize("l2, l1", [(0.0, 0.0), (0.3, 0.0), (0.0, 0.2), (0.3, 0.2)])
def test_whole_network_gradient_check(sizes, hidden, output, loss, l2, l1):
    model = mlp.MLP(sizes, hidden, output, loss=loss, seed=4)
    X, y = random_problem(sizes[0], sizes[-1], output, seed=5)
    assert min(np.abs(layer.W).min() for layer in model.layers) > 1e-4  # |w| is smooth away from its kink at 0
    errors = gradient_check(model, X, y, l2=l2, l1=l1)
    assert set(errors) == set(model.params)
    assert max(errors.values()) < TOLERANCE, errors


def test_the_penalties_are_on_the_weights_only_and_not_divided_by_m():
    model = mlp.MLP([3, 4, 2], "tanh", "sigmoid", seed=1)
    X, y = random_problem(3, 2, "sigmoid", seed=2)
    weights = [layer.W for layer in model.layers]
    plain = model.loss_value(X, y)
    assert model.loss_value(X, y, l1=0.5) - plain == pytest.approx(0.5 * sum(np.abs(W).sum() for W in weights))
    assert model.loss_value(X, y, l2=0.5) - plain == pytest.approx(0.25 * sum((W ** 2).sum() for W in weights))
    _, grads = model.loss_and_gradients(X, y)
    plain_grads = {name: value.copy() for name, value in grads.items()}
    _, grads = model.loss_and_gradients(X, y, l1=0.5)
    for number, W in enumerate(weights, start=1):
        np.testing.assert_allclose(grads[f"dW{number}"], plain_grads[f"dW{number}"] + 0.5 * np.sign(W))
        np.testing.assert_array_equal(grads[f"db{number}"], plain_grads[f"db{number}"])


def test_gradient_check_catches_a_wrong_backward_pass(monkeypatch):
    model = mlp.MLP([3, 4, 1], "tanh", "sigmoid", seed=0)
    X, y = random_problem(3, 1, "sigmoid")
    assert max(gradient_check(model, X, y).values()) < TOLERANCE
    from mlp import layers

    original = layers.dense_backward_from_dZ

    def forgot_the_transpose_sum(dZ, cache, need_dX=True):  # a classic bug: db from one example only
        dX, dW, db = original(dZ, cache, need_dX)
        return dX, dW, dZ[0]

    monkeypatch.setattr(layers, "dense_backward_from_dZ", forgot_the_transpose_sum)
    errors = gradient_check(model, X, y)
    assert errors["b1"] > 1e-2 and errors["b2"] > 1e-2
    assert errors["W1"] < TOLERANCE  # the weights are still right


@pytest.mark.parametrize("error, shown", [
    (0.0, "< 1e-8"), (4.6e-10, "< 1e-8"), (9.99e-9, "< 1e-8"),  # rounding noise: only the bound
    (1e-8, "1.0e-08"), (3.8e-1, "3.8e-01"), (1.0, "1.0e+00"), (float("nan"), "nan"),
])
def test_format_relative_error_hides_only_the_rounding_noise(error, shown):
    from mlp.gradcheck import ROUNDING_LEVEL, TOLERANCE, format_relative_error

    assert ROUNDING_LEVEL < TOLERANCE  # every error printed as "< 1e-8" passes the check
    assert format_relative_error(error) == shown


def test_a_real_gradient_check_of_a_correct_network_prints_as_rounding_level():
    """What lesson 6 shows for its correct networks: the bound, the same on every CPU."""
    from mlp.gradcheck import format_relative_error

    model = mlp.MLP([2, 8, 1], "relu", "sigmoid", seed=0)
    X, y = mlp.data.make_moons(200, noise=0.2, seed=0)
    errors = gradient_check(model, X, y)
    assert {name: format_relative_error(error) for name, error in errors.items()} == dict.fromkeys(errors, "< 1e-8")


def test_gradient_check_leaves_parameters_exactly_unchanged():
    model = mlp.MLP([3, 4, 2], "relu", "softmax", seed=0)
    X, y = random_problem(3, 2, "softmax")
    before = model.get_weights()
    gradient_check(model, X, y)
    for name, value in model.params.items():
        np.testing.assert_array_equal(value, before[name])


def test_params_and_grads_by_name_with_the_shapes_of_the_lesson():
    model = mlp.MLP([2, 4, 1], seed=0)
    assert list(model.params) == ["W1", "b1", "W2", "b2"]
    assert [v.shape for v in model.params.values()] == [(2, 4), (4,), (4, 1), (1,)]
    X, y = random_problem(2, 1, "sigmoid", m=6)
    loss, grads = model.loss_and_gradients(X, y)
    assert list(grads) == ["dW1", "db1", "dW2", "db2"]
    for name, value in model.params.items():
        assert grads["d" + name].shape == value.shape
    assert model.n_params == 2 * 4 + 4 + 4 * 1 + 1 == 17
    # forward + backward separately give the same gradients
    model.forward(X)
    separate = model.backward(y)
    for name in grads:
        np.testing.assert_array_equal(separate[name], grads[name])


def test_fused_output_gradient_is_p_minus_y_over_m():
    model = mlp.MLP([3, 4, 3], "relu", "softmax", seed=1)
    X, y = random_problem(3, 3, "softmax", m=5)
    P = model.forward(X)
    grads = model.backward(y)
    A1 = model.layers[0].forward(X)
    dZ2 = (P - np.eye(3)[y]) / 5
    np.testing.assert_allclose(grads["dW2"], A1.T @ dZ2, rtol=1e-13)
    np.testing.assert_allclose(grads["db2"], dZ2.sum(axis=0), rtol=1e-13, atol=1e-17)


def test_predict_and_predict_proba():
    model = mlp.MLP([2, 3, 1], "tanh", "sigmoid", seed=0)
    X = np.random.default_rng(0).normal(size=(9, 2))
    proba = model.predict_proba(X)
    assert proba.shape == (9, 1) and np.all((proba > 0) & (proba < 1))
    np.testing.assert_array_equal(model.predict(X), (proba[:, 0] >= 0.5).astype(int))
    softmax_model = mlp.MLP([2, 3, 4], "relu", "softmax", seed=0)
    P = softmax_model.predict_proba(X)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_array_equal(softmax_model.predict(X), P.argmax(axis=1))
    regression = mlp.MLP([2, 3, 1], "relu", "linear", seed=0)
    assert regression.predict(X).shape == (9,)
    assert regression.loss.name == "mean_squared_error"


def test_accuracy_counts_correct_predictions():
    model = mlp.MLP([2, 3, 4], "relu", "softmax", seed=0)
    X = np.random.default_rng(0).normal(size=(10, 2))
    predicted = model.predict(X)
    y = predicted.copy()
    y[:3] = (y[:3] + 1) % 4  # three wrong
    assert model.accuracy(X, y) == pytest.approx(0.7)
    assert model.accuracy(X, np.eye(4)[y]) == pytest.approx(0.7)  # one-hot labels too


def test_same_seed_same_weights_and_generator_accepted():
    a, b = mlp.MLP([3, 5, 2], seed=11), mlp.MLP([3, 5, 2], seed=11)
    c = mlp.MLP([3, 5, 2], seed=12)
    for name in a.params:
        np.testing.assert_array_equal(a.params[name], b.params[name])
    assert not np.array_equal(a.params["W1"], c.params["W1"])
    d = mlp.MLP([3, 5, 2], seed=np.random.default_rng(11))
    np.testing.assert_array_equal(a.params["W1"], d.params["W1"])


def test_get_and_set_weights_copy_not_alias():
    model = mlp.MLP([2, 3, 1], seed=0)
    saved = model.get_weights()
    model.params["W1"] += 1.0
    assert not np.array_equal(saved["W1"], model.params["W1"])
    W1 = model.params["W1"]
    model.set_weights(saved)
    np.testing.assert_array_equal(model.params["W1"], saved["W1"])
    assert model.params["W1"] is W1  # in place: optimisers holding references still see it


def test_summary_and_repr_show_shapes():
    model = mlp.MLP([64, 32, 10], "relu", "softmax", seed=0)
    text = model.summary()
    assert "(64, 32)" in text and "(32, 10)" in text and "(m, 10)" in text
    assert f"total parameters: {64 * 32 + 32 + 32 * 10 + 10}" in text
    assert repr(model) == ("MLP([64, 32, 10], hidden_activation='relu', output_activation='softmax', "
                           "loss='categorical_cross_entropy')")


def test_dense_layer_object_holds_params_and_grads():
    layer = Dense(3, 2, "relu", seed=0)
    assert layer.params["W"].shape == (3, 2) and layer.params["b"].shape == (2,)
    X = np.random.default_rng(0).normal(size=(4, 3))
    A = layer.forward(X)
    dX = layer.backward(np.ones_like(A))
    assert dX.shape == X.shape and layer.grads["W"].shape == (3, 2)
    assert repr(layer) == "Dense(3 -> 2, relu)"
    with pytest.raises(RuntimeError, match="forward"):
        Dense(3, 2).backward(np.ones((1, 2)))


def test_backward_before_forward_explains():
    with pytest.raises(RuntimeError, match=r"call model.forward\(X\) before model.backward\(y\)"):
        mlp.MLP([2, 2, 1]).backward([1])


def test_forward_does_not_change_the_input():
    X = np.random.default_rng(0).normal(size=(4, 2))
    before = X.copy()
    model = mlp.MLP([2, 3, 1], seed=0)
    model.loss_and_gradients(X, [0, 1, 1, 0])
    np.testing.assert_array_equal(X, before)


@pytest.mark.parametrize("sizes, hidden, output", [
    ([3, 8, 1], "sigmoid", "sigmoid"), ([3, 8, 4], "tanh", "softmax"), ([3, 8, 8, 1], "relu", "linear"),
    ([3, 8, 4], ["softplus"], "softmax"), ([3, 8, 1], "gaussian", "sigmoid"), ([3, 8, 1], "selu", "sigmoid"),
])
def test_whole_network_is_stable_at_extreme_inputs(sizes, hidden, output):
    rng = np.random.default_rng(0)
    X = rng.choice([-1e4, 1e4], size=(6, 3))  # saturates every unit
    X[0] = 0.0
    y = rng.integers(0, sizes[-1] if output == "softmax" else 2, 6)
    model = mlp.MLP(sizes, hidden, output, init="uniform", seed=0)
    with np.errstate(all="raise"):
        loss, grads = model.loss_and_gradients(X, y)
        predictions = model.predict(X)
    assert np.isfinite(loss) and all(np.all(np.isfinite(g)) for g in grads.values())
    assert np.all(np.isfinite(predictions))


# --- float32 networks -------------------------------------------------------------------


@pytest.mark.parametrize("output, loss", [("softmax", "auto"), ("sigmoid", "auto"), ("sigmoid", "mse")])
@pytest.mark.parametrize("hidden", ["relu", "tanh", "leaky_relu", "elu", "softplus", "linear"])
def test_a_float32_network_stays_float32_and_learns_what_float64_learns(hidden, output, loss):
    X, y = data.make_moons(200, noise=0.2, seed=0)
    n_outputs = 2 if output == "softmax" else 1
    results = {}
    for dtype in ("float64", "float32"):
        model = mlp.MLP([2, 12, n_outputs], hidden, output, loss=loss, seed=0, dtype=dtype)
        history = model.fit(X, y, epochs=60, learning_rate=0.2, batch_size=20, seed=0)
        arrays = [*model.params.values(), *model.grads.values(), model.forward(X[:5]), model.predict_proba(X[:5])]
        assert {array.dtype for array in arrays} == {np.dtype(dtype)}
        results[dtype] = (history.train_loss[-1], model.accuracy(X, y))
    assert results["float32"][0] == pytest.approx(results["float64"][0], rel=1e-3)  # 7 digits vs 16
    assert abs(results["float32"][1] - results["float64"][1]) <= 0.01


def test_float32_networks_convert_their_input_and_float64_ones_theirs():
    X = np.random.default_rng(0).standard_normal((4, 3))
    assert mlp.MLP([3, 2, 1], seed=0, dtype="float32").forward(X).dtype == np.float32
    assert mlp.MLP([3, 2, 1], seed=0).forward(X.astype(np.float32)).dtype == np.float64
    assert mlp.MLP([3, 2, 1], seed=0, dtype=np.float32).forward([[1, 2, 3]]).dtype == np.float32


def test_dtype_must_be_a_float_the_network_supports():
    for wrong in ("float16", "int64", "banana", complex):
        with pytest.raises(ValueError, match=r"dtype must be 'float64' or 'float32'; got"):
            mlp.MLP([2, 1], dtype=wrong)
