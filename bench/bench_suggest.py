"""Co-writing latency in the editor: from triggering an AI action to its ghost notes painted on the roll.

Runs the real main window offscreen with the shipped model (loaded once beforehand, as the panel does
when it first shows), on the demo tune (8 bars, one melody track). Harmonize is timed with 1 and 4
variants; Continue writes 4 bars of all four voices after a harmonization was accepted. Variants are
written one after another and shown as each is ready, so two times are printed: to the first ghost
notes painted, and to every variant listed. Each run rejects the suggestion before the next. Prints
medians in milliseconds and the machine's load.

    QT_QPA_PLATFORM=offscreen python bench/bench_suggest.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cocomposer.ui  # noqa: E402,F401  (the PySide6 None-refcount guard)
from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402

from cocomposer.io.song_files import load_song  # noqa: E402
from cocomposer.paths import demo_song_path  # noqa: E402
from cocomposer.ui.app import create_application  # noqa: E402
from cocomposer.ui.document import SongDocument  # noqa: E402
from cocomposer.ui.main_window import MainWindow  # noqa: E402

TIMEOUT_MS = 15_000


def wait_for(signal, accept=lambda *args: True) -> None:
    """Run the event loop until `signal` fires with arguments `accept` likes (or the timeout)."""
    loop = QEventLoop()

    def check(*args) -> None:
        if accept(*args):
            loop.quit()

    signal.connect(check)
    QTimer.singleShot(TIMEOUT_MS, loop.quit)
    loop.exec()
    signal.disconnect(check)


def time_to_ghosts(window: MainWindow, action: str) -> tuple[float, float]:
    """Milliseconds from triggering `action` to the overlay painting ghost notes, and to the last variant."""
    tools = window.suggestions
    painted = []
    loop = QEventLoop()

    def on_paint(count: int) -> None:
        if count > 0 and not painted:
            painted.append(time.perf_counter())
            loop.quit()

    tools.ghosts.painted.connect(on_paint)
    started = time.perf_counter()
    tools.panel.action_collection[action].trigger()
    QTimer.singleShot(TIMEOUT_MS, loop.quit)
    loop.exec()
    tools.ghosts.painted.disconnect(on_paint)
    if not painted:
        raise SystemExit(f"{action}: no ghost notes ({tools.panel.message_label.text()})")
    if tools.session.busy:
        wait_for(tools.session.busy_changed, lambda busy: not busy)
    return (painted[0] - started) * 1000, (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (the median is printed)")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    app = create_application([])
    window = MainWindow(SongDocument(load_song(demo_song_path())),
                        settings=QSettings(os.devnull, QSettings.IniFormat))
    window.resize(1400, 860)
    window.show()
    window.editor.zoom_to_song()
    tools = window.suggestions
    session, panel = tools.session, tools.panel
    started = time.perf_counter()
    if not session.model_ready:
        session.prepare_model()
        wait_for(session.model_changed)
    if session.model_problem:
        raise SystemExit(session.model_problem)
    load_ms = (time.perf_counter() - started) * 1000
    app.processEvents()

    figures: list[tuple[str, list[tuple[float, float]]]] = []

    def measure(label: str, action: str, variants: int) -> None:
        panel.variants_box.setValue(variants)
        time_to_ghosts(window, action)  # warm-up: first-run allocations in onnxruntime
        session.reject()
        times = []
        for _ in range(args.runs):
            times.append(time_to_ghosts(window, action))
            session.reject()
        figures.append((label, times))

    measure("Harmonize 8 bars, 1 variant", "ai_harmonize", 1)
    measure("Harmonize 8 bars, 4 variants", "ai_harmonize", 4)
    panel.variants_box.setValue(1)
    time_to_ghosts(window, "ai_harmonize")
    session.accept()  # now four voice tracks; Continue writes all of them
    panel.bars_box.setValue(4)
    measure("Continue 4 bars (4 voices), 1 variant", "ai_continue", 1)
    measure("Continue 4 bars (4 voices), 4 variants", "ai_continue", 4)
    load_after = os.getloadavg()

    print(f"model: {session.model_note}; first load {load_ms:.0f} ms (in the background, before the first request)")
    print(f"median of {args.runs} runs (min-max), ms     first ghost notes painted   all variants listed")
    for label, times in figures:
        first, every = [t[0] for t in times], [t[1] for t in times]
        print(f"  {label:<40} {statistics.median(first):7.0f} ({min(first):.0f}-{max(first):.0f})"
              f"   {statistics.median(every):7.0f} ({min(every):.0f}-{max(every):.0f})")
    print(f"load average (1 min) before/after: {load_before[0]:.2f} / {load_after[0]:.2f} on {os.cpu_count()} CPUs")
    window.doc.replace_song(window.doc.song)  # nothing to save: closing must not ask
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
