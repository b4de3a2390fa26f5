"""Offline WAV render speed: CoComposer's renderer against the `fluidsynth` command line, same run.

Builds a 4-track, 3-minute General MIDI song (piano, strings, bass, drums), writes it as a MIDI file
with mido, then times, interleaved, `render_to_wav` and `fluidsynth -ni -F out.wav -r RATE sf file.mid`
with the same SoundFont and settings (gain 0.2, reverb and chorus on: the command line's defaults;
dynamic sample loading on, as CoComposer uses it). The stock command line, which decodes the whole
SoundFont first, is timed too. Prints median wall-clock and CPU seconds and the ratios.

    python bench/bench_render.py [--runs 5] [--rate 44100] [--soundfont PATH]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mido
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cocomposer.audio.render import render_to_wav  # noqa: E402
from cocomposer.core import Note, Song, TempoChange, Track  # noqa: E402
from cocomposer.paths import default_soundfont_path  # noqa: E402

PPQ = 480
BPM = 120.0
BARS = 90  # 90 bars of 4/4 at 120 bpm = 3 minutes
BAR_TICKS = 4 * PPQ
CLI_GAIN = 0.2  # the command line's default gain, so both write the same signal


def benchmark_song(seed: int = 7) -> Song:
    """A busy but ordinary arrangement: 8th-note piano melody, sustained string chords, bass, drum groove."""
    rng = np.random.default_rng(seed)
    chord_roots = [60, 57, 53, 55]  # C Am F G
    melody, strings, bass, drums = [], [], [], []
    for bar in range(BARS):
        bar_start = bar * BAR_TICKS
        root = chord_roots[bar % 4]
        for step in range(8):
            pitch = int(root + 12 + rng.choice([0, 2, 4, 7, 9, 12]))
            melody.append(Note(pitch, bar_start + step * PPQ // 2, PPQ // 2 - 20, int(rng.integers(70, 110))))
        for interval in (0, 4, 7):
            strings.append(Note(root + interval, bar_start, BAR_TICKS - 10, 70))
        for beat in range(4):
            bass.append(Note(root - 24 + (7 if beat == 2 else 0), bar_start + beat * PPQ, PPQ - 40, 95))
        for step in range(8):
            drums.append(Note(42, bar_start + step * PPQ // 2, PPQ // 4, 80))  # closed hi-hat
        for beat in (0, 2):
            drums.append(Note(36, bar_start + beat * PPQ, PPQ // 4, 110))  # kick
        for beat in (1, 3):
            drums.append(Note(38, bar_start + beat * PPQ, PPQ // 4, 100))  # snare
    tracks = [
        Track("Piano", program=0, channel=0, notes=melody),
        Track("Strings", program=48, channel=1, volume=90, pan=40, notes=strings),
        Track("Bass", program=33, channel=2, pan=80, notes=bass),
        Track("Drums", program=0, channel=9, is_drum=True, notes=drums),
    ]
    return Song(PPQ, tracks, [TempoChange(0, BPM)], title="render benchmark")


def write_midi(song: Song, path: Path) -> None:
    """The song as a type-1 MIDI file: a tempo track, then one track per part with its set-up events."""
    midi = mido.MidiFile(type=1, ticks_per_beat=song.ppq)
    midi.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(BPM), time=0)]))
    for track in song.tracks:
        events = [(0, 0, mido.Message("program_change", channel=track.channel, program=track.program)),
                  (0, 0, mido.Message("control_change", channel=track.channel, control=7, value=track.volume)),
                  (0, 0, mido.Message("control_change", channel=track.channel, control=10, value=track.pan))]
        for note in track.notes:
            events.append((note.start, 2, mido.Message("note_on", channel=track.channel, note=note.pitch,
                                                       velocity=note.velocity)))
            events.append((note.end, 1, mido.Message("note_off", channel=track.channel, note=note.pitch)))
        events.sort(key=lambda event: (event[0], event[1]))
        midi_track, previous_tick = mido.MidiTrack(), 0
        for tick, _, message in events:
            midi_track.append(message.copy(time=tick - previous_tick))
            previous_tick = tick
        midi.tracks.append(midi_track)
    midi.save(path)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children: steadier than wall time on a busy machine."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_seconds(action) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds) that `action()` took."""
    wall_started, cpu_started = time.perf_counter(), cpu_seconds()
    action()
    return time.perf_counter() - wall_started, cpu_seconds() - cpu_started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rate", type=int, default=44100)
    parser.add_argument("--soundfont", type=Path, default=default_soundfont_path())
    arguments = parser.parse_args()
    cli = shutil.which("fluidsynth")
    if cli is None:
        sys.exit("the fluidsynth command line is not installed (apt install fluidsynth)")

    song = benchmark_song()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        midi_path = work / "bench.mid"
        write_midi(song, midi_path)
        command = [cli, "-ni", "-q", "-r", str(arguments.rate), "-F", str(work / "cli.wav")]
        contenders = {
            "cocomposer render_to_wav": lambda: render_to_wav(song, work / "ours.wav", arguments.soundfont,
                                                              arguments.rate, 16, gain=CLI_GAIN),
            "fluidsynth CLI, same settings": lambda: subprocess.run(
                command + ["-o", "synth.dynamic-sample-loading=1", str(arguments.soundfont), str(midi_path)],
                check=True, capture_output=True),
            "fluidsynth CLI, stock": lambda: subprocess.run(
                command + [str(arguments.soundfont), str(midi_path)], check=True, capture_output=True),
        }
        timings: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
        for _ in range(arguments.runs):
            for name, action in contenders.items():
                timings[name].append(time_seconds(action))

        audio_seconds = render_to_wav(song, work / "ours.wav", arguments.soundfont, arguments.rate, 16,
                                      gain=CLI_GAIN).seconds
    print(f"song: {len(song.tracks)} tracks, {song.note_count} notes, {song.length_seconds:.1f} s "
          f"(+ tail = {audio_seconds:.1f} s of audio) at {arguments.rate} Hz, 16-bit; "
          f"median of {arguments.runs} runs, SoundFont {arguments.soundfont.name}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    ours = "cocomposer render_to_wav"
    for column, label in ((0, "wall"), (1, "CPU")):
        medians = {name: statistics.median(run[column] for run in runs) for name, runs in timings.items()}
        print(f"{label} seconds:")
        for name, median in medians.items():
            runs = ", ".join(f"{run[column]:.2f}" for run in timings[name])
            print(f"  {name:32s} {median:6.2f} s   ({runs})")
        for name, median in medians.items():
            if name != ours:
                print(f"  ratio cocomposer / {name}: {medians[ours] / median:.2f}")


if __name__ == "__main__":
    main()
