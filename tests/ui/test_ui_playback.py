"""The transport against a real Player on FluidSynth's real-time 'file' driver (no sound card needed)."""

from __future__ import annotations

import pytest

from cocomposer.core import Note
from cocomposer.ui.document import SongDocument
from cocomposer.ui.playback import PlaybackController
from ui_helpers import build_song


@pytest.fixture
def playback(qtbot, tmp_path):
    song = build_song()
    song.tracks[0].notes.extend(Note(60 + i % 7, 1920 + i * 240, 240) for i in range(40))
    controller = PlaybackController(SongDocument(song), player_options={
        "drivers": ["file"], "driver_settings": {"audio.file.name": str(tmp_path / "live.wav")}})
    assert controller.available, controller.unavailable_reason
    yield controller
    controller.close()


def test_play_moves_the_playhead_from_the_audio_clock_and_pause_keeps_it(qtbot, playback):
    moves = []
    playback.playhead_moved.connect(moves.append)
    playback.toggle_play()
    assert playback.is_playing
    qtbot.waitUntil(lambda: playback.playhead > 240, timeout=5000)
    playback.toggle_play()
    assert not playback.is_playing
    paused_at = playback.playhead
    assert paused_at > 240 and moves == sorted(moves)
    qtbot.wait(200)
    assert playback.playhead == paused_at


def test_stop_goes_back_to_where_play_began_then_to_the_start(qtbot, playback):
    playback.set_playhead(960)
    playback.play()
    qtbot.waitUntil(lambda: playback.playhead > 1100, timeout=5000)
    playback.stop()
    assert playback.playhead == 960 and not playback.is_playing
    playback.stop()
    assert playback.playhead == 0


def test_loop_region_keeps_the_playhead_inside(qtbot, playback):
    playback.set_loop_region(480, 960)
    playback.play()
    seen = []
    playback.playhead_moved.connect(seen.append)
    qtbot.wait(1500)  # 960 ticks = 0.5 s at 120 bpm: several turns of the loop
    playback.stop()
    assert seen and all(480 <= tick < 960 for tick in seen)
    assert min(seen) < 600 and max(seen) > 840


def test_audition_and_metronome_with_a_device(qtbot, playback):
    playback.audition(64, 100)
    playback.set_metronome(True)
    playback.set_count_in(True)
    playback.play()
    assert playback.is_playing
    playback.stop()
