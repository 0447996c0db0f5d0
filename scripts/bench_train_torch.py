#!/usr/bin/env python3
"""PyTorch CPU baseline for `prune4j bench train`: the same models, batch, optimizer and threads,
on random 1x28x28 data; prints one JSON object. Usage: bench_train_torch.py MODEL BATCH SECONDS THREADS"""
import json
import sys
import time

import torch
from torch import nn

model_name, batch, seconds, threads = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
torch.manual_seed(1)
if model_name == "mlp":
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10))
else:
    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                          nn.Linear(84, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
n = batch * 8
x = torch.rand(n, 1, 28, 28)
y = torch.randint(0, 10, (n,))
loss_fn = nn.CrossEntropyLoss()


def epoch():
    perm = torch.randperm(n)
    for i in range(0, n, batch):
        idx = perm[i:i + batch]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()


end = time.perf_counter() + seconds / 3
while time.perf_counter() < end:
    epoch()
t0 = time.perf_counter()
samples = 0
while time.perf_counter() - t0 < seconds:
    epoch()
    samples += n
secs = time.perf_counter() - t0
print(json.dumps({"engine": "pytorch " + torch.__version__, "model": model_name, "batch": batch, "threads": threads,
                  "samplesPerSecond": samples / secs, "seconds": secs}))
