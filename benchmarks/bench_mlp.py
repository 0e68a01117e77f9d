"""Forward and backward of a 2-layer MLP: mytensor vs torch vs hand-written numpy.

Run: ``python benchmarks/bench_mlp.py``. Batch 64, 784 -> 256 -> 10, sigmoid
hidden layer, mean squared error. Target: mytensor within 1.5x torch.
"""

from _common import best, mytensor, torch  # first: sets one thread before numpy loads

import numpy as np

rng = np.random.default_rng(0)
ARRAYS = {
    "x": rng.standard_normal((64, 784)).astype(np.float32),
    "w1": (rng.standard_normal((784, 256)) * 0.05).astype(np.float32),
    "b1": np.zeros(256, np.float32),
    "w2": (rng.standard_normal((256, 10)) * 0.05).astype(np.float32),
    "b2": np.zeros(10, np.float32),
    "y": rng.standard_normal((64, 10)).astype(np.float32),
}
PARAMS = ("w1", "b1", "w2", "b2")


def step(m, t):
    """One forward and backward pass; the same code for torch and mytensor."""
    for name in PARAMS:
        t[name].grad = None
    hidden = 1 / (1 + (-(t["x"] @ t["w1"] + t["b1"])).exp())
    loss = ((hidden @ t["w2"] + t["b2"] - t["y"]) ** 2).mean()
    loss.backward()
    return loss


def numpy_step(a):
    """The same pass with the gradients derived by hand."""
    z = a["x"] @ a["w1"] + a["b1"]
    h = 1 / (1 + np.exp(-z))
    diff = h @ a["w2"] + a["b2"] - a["y"]
    d_out = 2 * diff / diff.size
    d_h = d_out @ a["w2"].T
    d_z = d_h * h * (1 - h)
    return (diff**2).mean(), a["x"].T @ d_z, d_z.sum(0), h.T @ d_out, d_out.sum(0)


def tensors(m, wrap):
    t = {k: wrap(v.copy()) for k, v in ARRAYS.items()}
    for name in PARAMS:
        t[name].requires_grad_()
    return t


def main():
    mine = tensors(mytensor, mytensor.Tensor._wrap)
    theirs = tensors(torch, torch.from_numpy)
    step(mytensor, mine), step(torch, theirs)
    want = numpy_step(ARRAYS)
    for got, name in zip(want[1:], PARAMS):
        assert np.allclose(mine[name].grad.numpy(), got, atol=1e-5), name
        assert np.allclose(theirs[name].grad.numpy(), got, atol=1e-5), name
    t_mt = best(lambda: step(mytensor, mine))
    t_th = best(lambda: step(torch, theirs))
    t_np = best(lambda: numpy_step(ARRAYS))
    print(f"2-layer MLP fwd+bwd (ms): numpy {t_np * 1e3:.3f}  torch {t_th * 1e3:.3f}  mytensor {t_mt * 1e3:.3f}")
    print(f"mytensor / torch = {t_mt / t_th:.2f}   mytensor / numpy = {t_mt / t_np:.2f}")


if __name__ == "__main__":
    main()
