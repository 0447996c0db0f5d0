"""Compute floor of `prune4j bench prune-scale --size B7` on this machine, measured with OpenBLAS.

Times, with numpy/scipy's OpenBLAS and LAPACK on 2 threads, the dense linear algebra that one
LLaMA-7B block needs in SparseGPT 50% with 32 x 512 calibration tokens, and nothing else:

  forward   the block's seven products X W^T over 16384 tokens (attention, norms, SiLU left out)
  hessian   X^T X for the four distinct inputs (q/k/v, o, gate/up share one each; down: 11008)
            as a float32 SYRK (the issue asks for float64; float32 is the cheaper lower bound)
  factor    SparseGPT's Cholesky of H, inverse, Cholesky of the inverse, per distinct input,
            in float64 (what prune4j does) and in float32 (what the reference code does)
  updates   the lazy block updates W[:, i2:] -= E Hinv[i1:i2, i2:], rows * cols^2 flops a layer

and projects 32 blocks. Nothing of prune4j runs here: it is the floor that a BLAS-perfect
implementation of the same algorithm would meet on this CPU. Products over 16384 tokens are timed
on 2048 tokens and scaled by 8 (the rate is flat at these sizes); each timing is the fastest of
`--repeat` runs.

Usage: OPENBLAS_NUM_THREADS=2 python3 bench/probes/prune_scale_floor.py [--repeat 2] [--json]
(`openblas_core` in the output names the kernels OpenBLAS ran: the development machines pin
OPENBLAS_CORETYPE=Haswell in their environment, AVX2 kernels even where the CPU has AVX-512.)
"""
import argparse
import json
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
import numpy as np  # noqa: E402
from scipy.linalg import blas, lapack  # noqa: E402

HIDDEN, INTER, TOKENS, BLOCKS, CHUNK = 4096, 11008, 32 * 512, 32, 2048


def openblas_core():
    """The kernel set OpenBLAS runs (OPENBLAS_CORETYPE pins it; unset, OpenBLAS picks from the CPU)."""
    import ctypes
    import glob
    for lib in glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*")):
        for name in ("scipy_openblas_get_corename64_", "openblas_get_corename64_", "openblas_get_corename"):
            fn = getattr(ctypes.CDLL(lib), name, None)
            if fn is not None:
                fn.restype = ctypes.c_char_p
                return fn().decode()
    return os.environ.get("OPENBLAS_CORETYPE", "unknown")


def best(fn, repeat):
    t = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - t0)
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    rng = np.random.default_rng(1)
    scale = TOKENS / CHUNK
    x_h = rng.standard_normal((CHUNK, HIDDEN), dtype=np.float32)
    x_i = rng.standard_normal((CHUNK, INTER), dtype=np.float32)
    w_hh = rng.standard_normal((HIDDEN, HIDDEN), dtype=np.float32)
    w_ih = rng.standard_normal((INTER, HIDDEN), dtype=np.float32)
    w_hi = rng.standard_normal((HIDDEN, INTER), dtype=np.float32)

    r = {}
    t_hh = best(lambda: x_h @ w_hh.T, a.repeat) * scale
    t_ih = best(lambda: x_h @ w_ih.T, a.repeat) * scale
    t_hi = best(lambda: x_i @ w_hi.T, a.repeat) * scale
    r["forward"] = 4 * t_hh + 2 * t_ih + t_hi
    r["forward_gflops"] = 2 * TOKENS * (4 * HIDDEN * HIDDEN + 3 * HIDDEN * INTER) / r["forward"] / 1e9

    s_h = best(lambda: blas.ssyrk(1.0, x_h, trans=1), a.repeat) * scale
    s_i = best(lambda: blas.ssyrk(1.0, x_i, trans=1), a.repeat) * scale
    r["hessian"] = 3 * s_h + s_i

    def factor(n, dtype):
        g = rng.standard_normal((n, n // 2 + 64)).astype(dtype)
        h = g @ g.T + n * np.eye(n, dtype=dtype)
        potrf, potri = (lapack.dpotrf, lapack.dpotri) if dtype == np.float64 else (lapack.spotrf, lapack.spotri)

        def run():
            c, info = potrf(h, lower=0, overwrite_a=0)
            assert info == 0
            inv, info = potri(c, lower=0, overwrite_c=1)
            assert info == 0
            c2, info = potrf(inv, lower=0, overwrite_a=1)
            assert info == 0
        return best(run, a.repeat)

    f64_h, f64_i = factor(HIDDEN, np.float64), factor(INTER, np.float64)
    f32_h, f32_i = factor(HIDDEN, np.float32), factor(INTER, np.float32)
    r["factor_f64"] = 3 * f64_h + f64_i
    r["factor_f32"] = 3 * f32_h + f32_i
    r["factor_f64_parts"] = {"4096": f64_h, "11008": f64_i}

    # lazy updates: rows * cols^2 flops per layer, at the rate of a (rows x 128) x (128 x cols) product
    e = rng.standard_normal((INTER, 128), dtype=np.float32)
    hinv = rng.standard_normal((128, INTER), dtype=np.float32)
    rate = 2 * INTER * 128 * INTER / best(lambda: e @ hinv, a.repeat)
    upd_flops = 4 * HIDDEN * HIDDEN ** 2 + 2 * INTER * HIDDEN ** 2 + HIDDEN * INTER ** 2
    r["updates"] = upd_flops / rate

    per_block = r["forward"] + r["hessian"] + r["factor_f64"] + r["updates"]
    per_block32 = r["forward"] + r["hessian"] + r["factor_f32"] + r["updates"]
    r["per_block_f64"] = per_block
    r["per_block_f32_factor"] = per_block32
    r["floor_minutes_f64"] = BLOCKS * per_block / 60
    r["floor_minutes_f32_factor"] = BLOCKS * per_block32 / 60
    r["threads"] = os.environ["OPENBLAS_NUM_THREADS"]
    r["openblas"] = np.show_config(mode="dicts")["Build Dependencies"]["blas"].get("version")
    r["openblas_core"] = openblas_core()
    if a.json:
        print(json.dumps(r, indent=1))
    else:
        for k, v in r.items():
            print(f"{k:>24}: {v:.2f}" if isinstance(v, float) else f"{k:>24}: {v}")


if __name__ == "__main__":
    main()
