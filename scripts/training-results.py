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

if sens:
    # the classic per-layer sensitivity plot, as a small hand-written SVG (no plotting library needed)
    W, H, L, B = 520, 320, 60, 40
    xs = lambda s: L + (W - L - 20) * (s - 0.5) / 0.5
    ys = lambda a: H - B - (H - B - 20) * a
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">' % (W, H),
             '<rect width="100%" height="100%" fill="white"/>',
             '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (L, H - B, W - 20, H - B),
             '<line x1="%d" y1="20" x2="%d" y2="%d" stroke="black"/>' % (L, L, H - B)]
    for a in [0, 0.2, 0.4, 0.6, 0.8, 1.0]:
        parts.append('<text x="%d" y="%d" text-anchor="end">%.1f</text>' % (L - 5, ys(a) + 4, a))
    for s in sweep:
        parts.append('<text x="%d" y="%d" text-anchor="middle">%d%%</text>' % (xs(s), H - B + 16, round(s * 100)))
    parts.append('<text x="%d" y="%d" text-anchor="middle">sparsity of the one pruned layer (magnitude, no fine-tuning)</text>' % ((W + L) / 2, H - 6))
    parts.append('<text x="14" y="%d" transform="rotate(-90 14 %d)" text-anchor="middle">test accuracy</text>' % (H / 2, H / 2))
    dense_acc = float(acc(sens, "dense"))
    parts.append('<line x1="%d" y1="%f" x2="%d" y2="%f" stroke="gray" stroke-dasharray="4"/>' % (L, ys(dense_acc), W - 20, ys(dense_acc)))
    for i, (layer, curve) in enumerate(sens["sensitivity"].items()):
        c = colors[i % len(colors)]
        pts = " ".join("%f,%f" % (xs(s), ys(a)) for s, a in zip(sweep, curve))
        parts.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (c, pts))
        parts.append('<text x="%d" y="%d" fill="%s">%s</text>' % (W - 150, 40 + 16 * i, c, layer))
    parts.append("</svg>")
    open(os.path.join(out, "sensitivity.svg"), "w").write("\n".join(parts) + "\n")
