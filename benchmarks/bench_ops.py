"""Time mytensor's ops against numpy and torch in the same run; print the ratios.

Run: ``python benchmarks/bench_ops.py``. Targets: large ops within 1.2x numpy,
per-op overhead (a 3-element add) within 5x torch.
"""

from _common import best, mytensor, torch  # first: sets one thread before numpy loads

import numpy as np


def case(name, arrays, op, number):
    mine = [mytensor.Tensor._wrap(a) for a in arrays]
    theirs = [torch.from_numpy(a) for a in arrays]
    t_np, t_mt, t_th = best(lambda: op(*arrays), number), best(lambda: op(*mine), number), best(lambda: op(*theirs), number)
    print(f"{name:<24}{t_np * 1e6:>10.1f}{t_th * 1e6:>10.1f}{t_mt * 1e6:>10.1f}{t_mt / t_np:>10.2f}{t_mt / t_th:>10.2f}")


def main():
    rng = np.random.default_rng(0)
    big = [rng.standard_normal(1_000_000).astype(np.float32) for _ in range(2)]
    square = [rng.standard_normal((512, 512)).astype(np.float32) for _ in range(2)]
    tiny = [np.arange(3, dtype=np.float32), np.ones(3, dtype=np.float32)]
    matrix = [rng.standard_normal((1000, 1000)).astype(np.float32)]
    print(f"{'op (us per call)':<24}{'numpy':>10}{'torch':>10}{'mytensor':>10}{'/numpy':>10}{'/torch':>10}")
    case("add 1e6 float32", big, lambda a, b: a + b, 50)
    case("mul 1e6 float32", big, lambda a, b: a * b, 50)
    case("exp 1e6 float32", big[:1], lambda a: a.exp() if hasattr(a, "exp") else np.exp(a), 50)
    case("mm 512x512 float32", square, lambda a, b: a @ b, 20)
    case("add 3 elements", tiny, lambda a, b: a + b, 20_000)
    case("X.T + X 1000x1000", matrix, lambda a: a.T + a, 20)


if __name__ == "__main__":
    main()
