"""How long saving and opening a big .ccsong project takes (the editor's Save and Open).

Run: .venv/bin/python bench/bench_project_file.py [--notes N] [--runs R]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench_midi_import import build_song
from cocomposer.io.project_file import load_project, save_project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=100_000, help="notes in the generated song (default 100000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement; the median is printed")
    args = parser.parse_args()

    song = build_song(args.notes)
    save_runs, load_runs = [], []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.ccsong"
        for _ in range(args.runs):
            start = time.perf_counter()
            save_project(song, path)  # atomic: temp file, fsync, rename
            save_runs.append(time.perf_counter() - start)
            start = time.perf_counter()
            load_project(path)
            load_runs.append(time.perf_counter() - start)
        size = path.stat().st_size
    print(f"file: {args.notes} notes, {size / 2**20:.1f} MiB")
    print(f"save_project median of {args.runs}: {statistics.median(save_runs):.3f} s")
    print(f"load_project median of {args.runs}: {statistics.median(load_runs):.3f} s")


if __name__ == "__main__":
    main()
