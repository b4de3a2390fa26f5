"""AI latency on this machine's CPU: harmonize 8 bars and continue 4 bars, 1 and 4 variants.

Prints the median of N runs after warm-up for each request, and, as the reference measured in the
same run, one single model pass over the same 8-bar window: the ratio says how many passes' worth
of time the whole request (grid building, decoding passes, notes back) costs.

    .venv/bin/python bench/bench_model.py [--repeats 20] [--model FILE] [--data ../shared/data/jsb/Jsb16thSeparated.json]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cocomposer.ai.composer import Composer, GenerationSettings  # noqa: E402
from cocomposer.ai.evaluation import grid_song, load_split, median_ms, to_tokens  # noqa: E402
from cocomposer.ai.grid import frame_ticks  # noqa: E402
from cocomposer.ai.model_session import load_model  # noqa: E402
from cocomposer.paths import shared_data_dir  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--model")
    default_data = (shared_data_dir() or Path(".")) / "jsb" / "Jsb16thSeparated.json"
    parser.add_argument("--data", default=str(default_data))
    args = parser.parse_args()

    model = load_model(args.model)
    composer = Composer(model)
    chorale = load_split(args.data, "test", 1)[0]
    melody = grid_song(chorale[:128], voices=[0])
    context = grid_song(chorale[:64])
    ticks = frame_ticks(melody)

    tokens = to_tokens(chorale[:128])[None]
    rank = np.zeros_like(tokens)
    rank[..., 1:] = 1  # soprano given, the rest queried: the first pass of a harmonization
    one_pass = median_ms(lambda: model.grid_log_probs(tokens, rank, np.zeros(1, dtype=np.int64)), args.repeats)
    print(f"reference: one model pass over 128 frames (S given, A/T/B queried): {one_pass:.1f} ms")
    print(f"{'request':34}{'median ms':>10}{'x one pass':>12}")
    for variants in (1, 4):
        settings = GenerationSettings(variants=variants, seed=0)
        for name, run in (
            (f"harmonize 8 bars, {variants} variant(s)",
             lambda: composer.harmonize(melody, 0, settings, start_tick=0, end_tick=128 * ticks)),
            (f"continue 4 bars, {variants} variant(s)",
             lambda: composer.continue_(context, None, 64 * ticks, 4, settings)),
        ):
            ms = median_ms(run, args.repeats)
            print(f"{name:34}{ms:10.1f}{ms / one_pass:12.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
