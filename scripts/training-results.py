#!/usr/bin/env python3
"""Turns the JSON reports of scripts/training-results.sh into the markdown tables of docs/RESULTS.md."""
import json
import os
import sys

out = sys.argv[1]


def load(name):
    p = os.path.join(out, name + ".json")
    return json.load(open(p)) if os.path.exists(p) else None


def acc(report, label=None):
    if report is None:
        return "—"
    rounds = report["rounds"]
    r = next((x for x in rounds if x["label"] == label), None) if label else rounds[-1]
    return "—" if r is None else "%.4f" % r["accuracy"]


sp = ["0.8", "0.9", "0.95", "0.98"]
rows = [
    ("one-shot magnitude (global), no fine-tuning", "oneshot", "pruned"),
    ("one-shot magnitude (global) + 1 epoch fine-tuning", "oneshot", "fine-tuned"),
    ("one-shot + 1 epoch fine-tuning with distillation (α=0.5, T=4)", "distill-oneshot", "fine-tuned"),
    ("iterative magnitude pruning, 3 rounds × 1 epoch, LR rewinding", "imp-lr", None),
    ("lottery ticket: IMP 3 rounds × 1 epoch, rewind to init", "lottery", None),
    ("gradual (Zhu & Gupta cubic), 4 epochs", "gradual", None),
    ("static random sparse (ERK), 4 epochs", "static", None),
    ("SET (ERK, ζ=0.3), 4 epochs", "set", None),
    ("RigL (ERK, α=0.3, ΔT=100), 4 epochs", "rigl", None),
]
dense = load("oneshot-0.8")
print("Dense (3 epochs): test accuracy %s\n" % acc(dense, "dense"))
print("| method | " + " | ".join("%d%%" % round(float(s) * 100) for s in sp) + " |")
print("|---|" + "---|" * len(sp))
for title, prefix, label in rows:
    print("| %s | %s |" % (title, " | ".join(acc(load("%s-%s" % (prefix, s)), label) for s in sp)))

sens = load("sensitivity")
if sens:
    sweep = sens["recipe"]["method"]["sweep"]
    print("\nSensitivity (one layer pruned by magnitude, no fine-tuning; dense %s):\n" % acc(sens, "dense"))
    print("| layer | " + " | ".join("%d%%" % round(s * 100) for s in sweep) + " | budget (≤1% drop) |")
    print("|---|" + "---|" * (len(sweep) + 1))
    for layer, curve in sens["sensitivity"].items():
        print("| %s | %s | %s |" % (layer, " | ".join("%.4f" % a for a in curve), sens["budgets"][layer]))

print("\nStructured (neurons removed physically):\n")
print("| run | parameters before → after | accuracy after removal | after 1 epoch fine-tuning |")
print("|---|---|---|---|")
for name in ["structured-l1-0.5", "group-lasso-1.0"]:
    r = load(name)
    if not r:
        continue
    rounds = r["rounds"]
    removed = next(x for x in rounds if x["label"].startswith("removed"))
    print("| %s | %d → %d (%s) | %.4f | %.4f |" % (name, rounds[0]["parameters"], removed["parameters"],
          removed["label"].replace("removed ", "").strip("; "), removed["accuracy"], rounds[-1]["accuracy"]))

lenet = [("one-shot magnitude (global) → no fine-tuning / + 1 epoch", "lenet-oneshot-0.9"),
         ("IMP 3 rounds × 1 epoch, LR rewinding", "lenet-imp-lr-0.9"),
         ("gradual (cubic), 4 epochs", "lenet-gradual-0.9"),
         ("RigL (ERK), 4 epochs", "lenet-rigl-0.9"),
         ("structured: 50% of channels/neurons (L1) removed → + 1 epoch", "lenet-structured-l1-0.5")]
if any(load(n) for _, n in lenet):
    print("\nLeNet-5-style CNN (conv 6 → pool → conv 16 → pool → 120 → 84 → 10, ReLU, max pooling), 90% sparsity:\n")
    print("| method | dense | result | parameters |")
    print("|---|---|---|---|")
    for title, name in lenet:
        r = load(name)
        if not r:
            print("| %s | — | not run | — |" % title)
            continue
        rounds = r["rounds"]
        dense = rounds[0]["accuracy"] if rounds[0]["label"] in ("dense", "round 0 (dense)") else None
        res = " / ".join("%.4f" % x["accuracy"] for x in rounds[1:]) if len(rounds) > 1 else "%.4f" % rounds[0]["accuracy"]
        print("| %s | %s | %s | %d |" % (title, "—" if dense is None else "%.4f" % dense, res, rounds[-1]["parameters"]))
