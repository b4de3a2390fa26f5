"""How fast load_midi imports a big file compared with mido parsing the same bytes alone.

Goal: importing a 100,000-note type 1 file takes at most twice as long as `mido.MidiFile(path)`.
Export (save_midi) of the same song is timed too.
Run: .venv/bin/python bench/bench_midi_import.py [--notes N] [--runs R]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import mido

from cocomposer.core import Note, Song, TempoChange, Track
from cocomposer.io.midi_file import load_midi, save_midi


def build_song(note_count: int, seed: int = 1) -> Song:
    """Eight tracks of random notes and a few tempo changes; pitches cycle so no same-pitch notes overlap."""
    rng = random.Random(seed)
    tracks = [Track(f"Part {i + 1}", program=i * 8, channel=i) for i in range(8)]
    cursor = [0] * len(tracks)
    for index in range(note_count):
        track_index = index % len(tracks)
        cursor[track_index] += rng.choice((0, 60, 120, 240))
        pitch = 36 + (index // len(tracks) * 7) % 60
        tracks[track_index].notes.append(Note(pitch, cursor[track_index], rng.choice((60, 120, 240, 480)),
                                              rng.randint(40, 120)))
    tempos = [TempoChange(i * 48_000, 90 + 10 * i) for i in range(5)]
    return Song(ppq=480, tracks=tracks, tempos=tempos, title="Import benchmark")


def seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=100_000, help="notes in the generated file (default 100000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement; the median is printed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.mid"
        save_midi(build_song(args.notes), path)
        loaded = load_midi(path)
        print(f"file: {args.notes} notes, {path.stat().st_size / 1024:.0f} KiB, {loaded.note_count} notes imported")
        # Interleaved, so a busy machine slows both sides alike.
        mido_runs, import_runs, export_runs = [], [], []
        for _ in range(args.runs):
            mido_runs.append(seconds(lambda: mido.MidiFile(path)))
            import_runs.append(seconds(lambda: load_midi(path)))
            export_runs.append(seconds(lambda: save_midi(loaded, Path(folder) / "again.mid")))
    mido_seconds, import_seconds = statistics.median(mido_runs), statistics.median(import_runs)
    print(f"mido.MidiFile(path)  median of {args.runs}: {mido_seconds:.3f} s")
    print(f"load_midi(path)      median of {args.runs}: {import_seconds:.3f} s")
    print(f"ratio load_midi / mido: {import_seconds / mido_seconds:.2f} (goal <= 2.0)")
    print(f"save_midi(song)      median of {args.runs}: {statistics.median(export_runs):.3f} s")


if __name__ == "__main__":
    main()
