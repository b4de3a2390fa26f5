"""Training speed on this machine's CPU: seconds per step of the shipped model's recipe, fp32 and bf16.

One step = a batch of 8,192 cells (as in training) forward, backward and an AdamW update. Prints the
median of N steps after one warm-up step for 64- and 128-frame windows, fp32 (the reference) and
bfloat16 autocast (`train --bf16`), and their ratio measured in the same run. Needs the `train` extra.

    .venv/bin/python bench/bench_training.py [--steps 5] [--data ../shared/data/jsb/Jsb16thSeparated.json]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cocomposer.paths import shared_data_dir  # noqa: E402
from cocomposer.training.data import WindowSampler, load_jsb  # noqa: E402
from cocomposer.training.model import ModelConfig, TwoStreamModel  # noqa: E402
from cocomposer.training.train import CELLS_PER_BATCH, batch_loss  # noqa: E402


def seconds_per_step(sampler: WindowSampler, frames: int, bf16: bool, steps: int) -> float:
    torch.manual_seed(0)
    model = TwoStreamModel(ModelConfig())
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    times = []
    for _ in range(steps + 1):
        batch = sampler.batch(CELLS_PER_BATCH // (4 * frames), frames)
        started = time.perf_counter()
        loss = batch_loss(model, batch, bf16)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        times.append(time.perf_counter() - started)
    return float(np.median(times[1:]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    default_data = (shared_data_dir() or Path(".")) / "jsb" / "Jsb16thSeparated.json"
    parser.add_argument("--data", default=str(default_data))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    sampler = WindowSampler(load_jsb(args.data)["train"], seed=0)
    print(f"training step, {CELLS_PER_BATCH} cells, median of {args.steps} ({args.threads} threads)")
    print(f"{'window':>8}{'fp32 s':>10}{'bf16 s':>10}{'fp32/bf16':>11}")
    for frames in (64, 128):
        fp32 = seconds_per_step(sampler, frames, bf16=False, steps=args.steps)
        bf16 = seconds_per_step(sampler, frames, bf16=True, steps=args.steps)
        print(f"{frames:>8}{fp32:>10.2f}{bf16:>10.2f}{fp32 / bf16:>11.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
