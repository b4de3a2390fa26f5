"""Piano-roll speed: repaint, scroll and zoom of a 20,000-note song, opening a 100,000-note MIDI file,
and launch-to-window with the demo song. Prints medians in milliseconds.

The roll is rendered offscreen into a QImage, so the figures are CPU painting time (what a frame
costs); the launch is timed in a fresh interpreter from process start to the first paint of the roll.

    QT_QPA_PLATFORM=offscreen python bench/bench_piano_roll.py [--runs 60] [--launches 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cocomposer.ui  # noqa: E402,F401  (the PySide6 None-refcount guard)
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402

from cocomposer.core import KeySignature, Note, Song, Track  # noqa: E402
from cocomposer.io.song_files import load_song, save_song  # noqa: E402
from cocomposer.ui.app import create_application  # noqa: E402
from cocomposer.ui.document import SongDocument  # noqa: E402
from cocomposer.ui.main_window import MainWindow  # noqa: E402
from cocomposer.ui.theme import TRACK_COLORS  # noqa: E402

PPQ = 480
ROLL_SIZE = (1200, 640)  # pixels of the note canvas, about what a 1400x860 window gives it
LAUNCH_SCRIPT = """
import sys, time
started = float(sys.argv[1])
from PySide6.QtCore import QEvent, QObject
from cocomposer.ui.app import create_application, run
from cocomposer.ui.pianoroll.roll import NoteCanvas
app = create_application()
class FirstRollPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Paint and isinstance(watched, NoteCanvas) and watched.isVisible():
            print(f"{(time.time() - started) * 1000:.1f}", flush=True)
            app.quit()
        return False
watcher = FirstRollPaint()
app.installEventFilter(watcher)
run()
"""


def dense_song(notes: int, tracks: int, seed: int = 7) -> Song:
    """`notes` notes spread evenly over `tracks` tracks: 16th-note grid, mixed lengths, pitches 36-96."""
    rng = random.Random(seed)
    per_track = notes // tracks
    bars = max(per_track // 16, 1)  # about 16 notes per bar per track
    song_tracks = []
    for index in range(tracks):
        low = 36 + (index * 6) % 40
        song_tracks.append(Track(
            name=f"Track {index + 1}", channel=index, color=TRACK_COLORS[index % len(TRACK_COLORS)],
            notes=[Note(rng.randint(low, low + 20), rng.randrange(0, bars * 4 * PPQ, PPQ // 4),
                        rng.choice((120, 240, 480, 960)), rng.randint(40, 127)) for _ in range(per_track)]))
    return Song(PPQ, song_tracks, keys=[KeySignature(0)])


def median_ms(action, runs: int) -> float:
    action()  # warm-up: caches built, fonts loaded
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def roll_benchmarks(runs: int, settings: QSettings) -> dict[str, float]:
    song = dense_song(20_000, 8)
    window = MainWindow(SongDocument(song), settings=settings)
    window.resize(1400, 860)
    window.show()
    editor = window.editor
    canvas = editor.canvas
    canvas.resize(*ROLL_SIZE)
    editor.viewport.set_size(*ROLL_SIZE)
    editor.viewport.set_left_tick(40 * 4 * PPQ)  # bar 41, in the middle of the song
    editor.viewport.center_on_pitch(66)
    image = QImage(canvas.size(), QImage.Format_ARGB32_Premultiplied)
    full = QImage(editor.size(), QImage.Format_ARGB32_Premultiplied)
    viewport = editor.viewport

    def repaint() -> None:
        canvas.render(image)

    scroll_direction = [1]

    def scroll() -> None:
        viewport.scroll_ticks(scroll_direction[0] * PPQ)
        scroll_direction[0] *= -1
        canvas.render(image)

    zoom_factor = [1.1]

    def zoom() -> None:
        viewport.zoom_time(zoom_factor[0], 600)
        zoom_factor[0] = 1 / zoom_factor[0]
        canvas.render(image)

    def whole_editor() -> None:
        editor.render(full)

    visible = sum(len(editor.note_index.index_for(t).visible(*viewport.visible_ticks(), *viewport.visible_pitches()))
                  for t in song.tracks)
    results = {
        f"repaint, typical zoom ({visible} notes in view)": median_ms(repaint, runs),
        "scroll by a beat + repaint": median_ms(scroll, runs),
        "zoom 10% + repaint": median_ms(zoom, runs),
        "whole editor (ruler, keys, roll, velocity)": median_ms(whole_editor, runs),
    }
    editor.zoom_to_song()
    results[f"repaint, whole song in view ({song.note_count} notes)"] = median_ms(repaint, max(runs // 4, 5))
    window.doc.undo_stack.setClean()
    window.close()
    return results


def open_large_midi(settings: QSettings, runs: int) -> tuple[float, float, float, int]:
    """Load a 100,000-note MIDI file through the window and paint it: the user's wait on File > Open.

    Returns medians of (load + show ms, load_song ms, editor ms, notes loaded). Each run does what
    File > Open does (load_song, then the document takes the song and the window paints), timing both phases.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.mid"
        save_song(dense_song(100_000, 8, seed=11), path)
        window = MainWindow(settings=settings)
        window.resize(1400, 860)
        window.show()
        image = QImage(window.size(), QImage.Format_ARGB32_Premultiplied)
        totals, loads, shows = [], [], []
        for _ in range(runs):
            start = time.perf_counter()
            song = load_song(path)
            loaded = time.perf_counter()
            window.doc.replace_song(song, path)
            window.render(image)
            shown = time.perf_counter()
            totals.append((shown - start) * 1000)
            loads.append((loaded - start) * 1000)
            shows.append((shown - loaded) * 1000)
        notes = window.doc.song.note_count  # MIDI merges the few random notes that overlap on one pitch
        window.close()
    return statistics.median(totals), statistics.median(loads), statistics.median(shows), notes


def launch_to_window(launches: int) -> float:
    samples = []
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory() as config:
        env["XDG_CONFIG_HOME"] = config  # fresh settings: no saved layout or recent files
        for _ in range(launches):
            output = subprocess.run([sys.executable, "-c", LAUNCH_SCRIPT, repr(time.time())], env=env,
                                    cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True,
                                    timeout=60, check=True).stdout
            samples.append(float(output.strip().splitlines()[-1]))
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60, help="timed repaints per figure")
    parser.add_argument("--launches", type=int, default=5, help="fresh processes for the launch figure")
    args = parser.parse_args()
    create_application()
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "bench.ini"), QSettings.IniFormat)
        print("20,000 notes on 8 tracks, roll canvas "
              f"{ROLL_SIZE[0]}x{ROLL_SIZE[1]} px, median of {args.runs} (ms):")
        for name, value in roll_benchmarks(args.runs, settings).items():
            print(f"  {name:55s} {value:8.2f}")
        total, load, show, notes = open_large_midi(settings, 5)
        print(f"open a 100,000-note MIDI file ({notes} notes after load) and paint the window, median of 5:")
        print(f"  {'load + show':55s} {total:8.1f}")
        print(f"  {'  load_song (cocomposer.io)':55s} {load:8.1f}")
        print(f"  {'  show: document, note index, panels, paint':55s} {show:8.1f}")
    print(f"launch to first paint of the roll with the demo song, median of {args.launches}:")
    print(f"  {'process start to window painted':55s} {launch_to_window(args.launches):8.1f}")


if __name__ == "__main__":
    main()
