#!/usr/bin/env python3
"""Straightforward PyTorch (CPU) baselines for prune4j's per-layer pruning benchmark.

Same algorithms and conventions as prune4j (shared/fixtures/README): Wanda scores |W|*||X_j||
compared per row; SparseGPT with H = 2/n X^T X in float64, dead columns, 0.01*mean(diag) damping,
upper Cholesky factor of H^-1, lazy block updates (block 128) with weights in float32.
Prints one JSON object: {"cases": [{"method", "out", "in", "tokens", "threads", "seconds"}...]}.
Usage: pytorch_prune.py --shapes 768x768,4096x4096,11008x4096 --tokens 2048 --threads 2 [--reps 1]
"""
import argparse
import json
import time

import torch


def wanda(w, x, sparsity):
    norms = torch.linalg.vector_norm(x, dim=0)          # ||X_j||: [in]
    score = w.abs() * norms                             # [out, in]
    k = int(w.shape[1] * sparsity)
    idx = torch.topk(score, k, dim=1, largest=False).indices
    w = w.clone()
    w.scatter_(1, idx, 0.0)
    return w


def sparsegpt(w, x, sparsity, block=128, damp=0.01):
    rows, cols = w.shape
    xd = x.double()
    h = (2.0 / x.shape[0]) * (xd.t() @ xd)              # [in, in] float64
    w = w.clone()
    dead = torch.diag(h) == 0
    h[dead, dead] = 1
    w[:, dead] = 0
    h += damp * torch.mean(torch.diag(h)) * torch.eye(cols, dtype=h.dtype)
    l = torch.linalg.cholesky(h)
    hinv = torch.cholesky_inverse(l)
    u = torch.linalg.cholesky(hinv, upper=True).float()
    for i1 in range(0, cols, block):
        i2 = min(i1 + block, cols)
        count = i2 - i1
        w1 = w[:, i1:i2].clone()
        q1 = torch.zeros_like(w1)
        err1 = torch.zeros_like(w1)
        u1 = u[i1:i2, i1:i2]
        tmp = w1 ** 2 / (torch.diag(u1).reshape(1, -1) ** 2)
        k = int(tmp.numel() * sparsity)
        mask = torch.zeros(tmp.numel(), dtype=torch.bool)
        if k > 0:
            mask[torch.topk(tmp.flatten(), k, largest=False).indices] = True
        mask = mask.reshape(tmp.shape)
        for i in range(count):
            col = w1[:, i]
            d = u1[i, i]
            q = col.clone()
            q[mask[:, i]] = 0
            q1[:, i] = q
            e = (col - q) / d
            w1[:, i:] -= e.unsqueeze(1) @ u1[i, i:].unsqueeze(0)
            err1[:, i] = e
        w[:, i1:i2] = q1
        w[:, i2:] -= err1 @ u[i1:i2, i2:]
    return w


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shapes", default="768x768,4096x4096,11008x4096")
    p.add_argument("--tokens", type=int, default=2048)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--methods", default="wanda,sparsegpt")
    p.add_argument("--reps", type=int, default=3, help="at most this many timed runs per case; stops after 5 s")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    cases = []
    # warm-up on a small layer, as the Java side does (first-call costs are not the algorithm's)
    for m in a.methods.split(","):
        (wanda if m == "wanda" else sparsegpt)(torch.randn(256, 256), torch.randn(256, 256), 0.5)
    for shape in a.shapes.split(","):
        out, inp = (int(v) for v in shape.split("x"))
        w = torch.randn(out, inp)
        x = torch.randn(a.tokens, inp)
        for m in a.methods.split(","):
            fn = wanda if m == "wanda" else sparsegpt
            best = None
            spent = 0.0
            for _ in range(a.reps):
                t0 = time.perf_counter()
                fn(w, x, 0.5)
                dt = time.perf_counter() - t0
                best = dt if best is None else min(best, dt)
                spent += dt
                if spent > 5.0:
                    break
            cases.append({"method": m, "out": out, "in": inp, "tokens": a.tokens, "threads": a.threads, "seconds": best})
    print(json.dumps({"torch": torch.__version__, "cases": cases}))


if __name__ == "__main__":
    main()
