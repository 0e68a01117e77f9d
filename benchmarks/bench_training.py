"""One epoch of x.9's two trainings: mytensor vs torch vs hand-written numpy.

Run: ``python benchmarks/bench_training.py``. The training code is the
notebook's own: the setup cells of ``solutions/x9_training.ipynb`` (data,
minibatches, models, training loops) run here unchanged, so the figures are
those of the code a student runs.

* linear regression: one epoch is 20 minibatches of 10 examples (2 features);
* the moons classifier (2 -> 16 -> 1, ReLU, binary cross-entropy): one epoch
  is one step on all 200 points.

Target: mytensor within 1.5x torch. These tensors are tiny, so the time is
per-operation overhead (Python calls, the autograd graph), not arithmetic.
``--profile`` also prints where mytensor's epochs spend that time (cProfile).
"""

from _common import ROOT, best, mytensor, torch  # first: sets one thread before numpy loads

import argparse
import cProfile
import json
import pstats

import numpy as np

NOTEBOOK = ROOT / "solutions" / "x9_training.ipynb"


def notebook_code():
    """The names the notebook's setup cells define (IPython magics and workbook imports left out)."""
    cells = json.loads(NOTEBOOK.read_text("utf-8"))["cells"]
    namespace = {"__name__": "x9_training"}
    for cell in cells:
        if cell["cell_type"] == "code" and cell["metadata"].get("workbook", {}).get("role") == "setup":
            source = "".join(cell["source"])
            lines = [line for line in source.split("\n") if not line.startswith(("%", "from workbook"))]
            exec("\n".join(lines), namespace)
    return namespace


def numpy_linear_epoch(nb, lr=0.1, batch_size=10):
    """One epoch of the linear regression with the gradients of the mean squared error by hand."""
    w, b = nb["w_start"].copy(), np.zeros(1, np.float32)
    for X, y in nb["batches"](nb["features"], nb["labels"], batch_size, seed=0):
        error = X @ w + b - y
        grad = 2 * error / error.size
        w -= lr * (X.T @ grad)
        b -= lr * grad.sum(0)
    return w, b


def numpy_mlp_step(nb, lr=1.0):
    """One full-batch step of the classifier with its gradients by hand."""
    p = {name: value.copy() for name, value in nb["mlp_start"].items()}
    X, y = nb["points"], nb["classes"]
    z = X @ p["W1"] + p["b1"]
    hidden = np.maximum(z, 0)
    scores = hidden @ p["W2"] + p["b2"]
    d_scores = (1 / (1 + np.exp(-scores)) - y) / y.size
    d_z = (d_scores @ p["W2"].T) * (z > 0)
    grads = {"W1": X.T @ d_z, "b1": d_z.sum(0), "W2": hidden.T @ d_scores, "b2": d_scores.sum(0)}
    for name, grad in grads.items():
        p[name] -= lr * grad
    return p


def agree(nb):
    """Both libraries and numpy end the epoch with the same parameters (else the timings mean nothing)."""
    w_t, b_t, _ = nb["train_linear"](torch, epochs=1)
    w_m, b_m, _ = nb["train_linear"](mytensor, epochs=1)
    w_n, b_n = numpy_linear_epoch(nb)
    for got in (w_m.detach().numpy(), w_n):
        assert np.allclose(got, w_t.detach().numpy(), atol=1e-5)
    params_t, _ = nb["train_mlp"](torch, steps=1)
    params_n = numpy_mlp_step(nb)
    for name, value in nb["train_mlp"](mytensor, steps=1)[0].items():
        assert np.allclose(value.detach().numpy(), params_t[name].detach().numpy(), atol=1e-5), name
        assert np.allclose(params_n[name], params_t[name].detach().numpy(), atol=1e-5), name


def report(name, runs):
    """Print one line of timings (ms) and the ratios; return mytensor / torch."""
    times = {lib: best(fn, number=20) for lib, fn in runs.items()}
    print(f"{name} (ms): " + "  ".join(f"{lib} {t * 1e3:.3f}" for lib, t in times.items()))
    ratio = times["mytensor"] / times["torch"]
    print(f"    mytensor / torch = {ratio:.2f}   mytensor / numpy = {times['mytensor'] / times['numpy']:.2f}")
    return ratio


def profile(nb, top=15, epochs=20):
    """Print the functions where ``epochs`` mytensor epochs of each training spend the most time of their own."""
    trainings = {"linear regression": lambda: nb["train_linear"](mytensor, epochs=1),
                 "moons classifier": lambda: nb["train_mlp"](mytensor, steps=1)}
    for name, epoch in trainings.items():
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [epoch() for _ in range(epochs)])
        print(f"\nmytensor {name}, {epochs} epochs under cProfile (which slows each call):")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", action="store_true", help="also print mytensor's cProfile top entries")
    args = parser.parse_args()
    nb = notebook_code()
    agree(nb)
    report("x.9 linear regression, one epoch", {
        "numpy": lambda: numpy_linear_epoch(nb),
        "torch": lambda: nb["train_linear"](torch, epochs=1),
        "mytensor": lambda: nb["train_linear"](mytensor, epochs=1),
    })
    report("x.9 moons classifier, one epoch", {
        "numpy": lambda: numpy_mlp_step(nb),
        "torch": lambda: nb["train_mlp"](torch, steps=1),
        "mytensor": lambda: nb["train_mlp"](mytensor, steps=1),
    })
    if args.profile:
        profile(nb)


if __name__ == "__main__":
    main()
