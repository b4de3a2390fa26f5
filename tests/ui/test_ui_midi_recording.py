"""Recording from a MIDI keyboard: a fake input port (no MIDI device can exist here) feeds real mido
messages from its own thread, as rtmidi does; the synth is real (FluidSynth's file driver stands in for a
sound card) or absent, as on this machine."""

from __future__ import annotations

import threading
import wave

import mido
import numpy as np
import pytest
from PySide6.QtCore import Qt

from cocomposer.core import Note
from cocomposer.ui.document import SongDocument
from cocomposer.ui.midi_input import MidiRecorder
from cocomposer.ui.pianoroll.tools import EditSettings
from cocomposer.ui.playback import PlaybackController
from ui_helpers import build_song, melody


class FakePort:
    """What mido.open_input returns: calls `callback` with each message, on a thread of its own."""

    def __init__(self, name: str, callback) -> None:
        self.name, self.callback, self.closed = name, callback, False

    def send(self, kind: str, note: int, velocity: int = 0) -> None:
        sender = threading.Thread(target=self.callback, args=(mido.Message(kind, note=note, velocity=velocity),))
        sender.start()
        sender.join()

    def close(self) -> None:
        self.closed = True


class FakeKeyboard:
    """Stands in for the MIDI system: `names` are the input ports mido reports; `port` is the one opened."""

    def __init__(self, monkeypatch) -> None:
        self.names: list[str] = []
        self.port: FakePort | None = None
        monkeypatch.setattr(mido, "get_input_names", lambda: list(self.names))
        monkeypatch.setattr(mido, "open_input", self._open)

    def _open(self, name: str, callback) -> FakePort:
        assert name in self.names
        self.port = FakePort(name, callback)
        return self.port

    def tap(self, qtbot, pitch: int, velocity: int, held_ms: int) -> None:
        self.port.send("note_on", pitch, velocity)
        qtbot.wait(held_ms)
        self.port.send("note_off", pitch)
        qtbot.wait(20)


@pytest.fixture
def keyboard(monkeypatch) -> FakeKeyboard:
    return FakeKeyboard(monkeypatch)


def press_record(qtbot, window) -> None:
    window.editor.canvas.setFocus()
    qtbot.keyClick(window.editor.canvas, Qt.Key_R)


def file_driver(tmp_path) -> dict:
    return {"drivers": ["file"], "driver_settings": {"audio.file.name": str(tmp_path / "live.wav")}}


def test_record_without_a_keyboard_says_why_on_each_press_and_finds_one_plugged_in_later(qtbot, keyboard, window):
    record = window.action_collection["transport_record"]
    qtbot.waitUntil(lambda: "no MIDI input port" in record.toolTip())  # the start-up probe
    for _ in range(2):
        window.statusBar().clearMessage()
        press_record(qtbot, window)
        assert "no MIDI input port found" in window.statusBar().currentMessage()
        assert not record.isChecked() and not window.recorder.armed
    keyboard.names = ["Fake Keyboard"]
    press_record(qtbot, window)
    assert window.recorder.armed and record.isChecked() and keyboard.port.name == "Fake Keyboard"
    assert "Recording from Fake Keyboard" in window.statusBar().currentMessage()
    assert "MIDI input port" not in record.toolTip()
    press_record(qtbot, window)
    assert not window.recorder.armed and keyboard.port.closed


def test_a_port_that_vanished_since_the_scan_is_reported(qtbot, keyboard, window, monkeypatch):
    keyboard.names = ["Fake Keyboard"]

    def unplugged(name, callback):
        raise OSError(f"unknown port {name!r}")

    monkeypatch.setattr(mido, "open_input", unplugged)
    press_record(qtbot, window)
    assert "MIDI recording failed: unknown port 'Fake Keyboard'" in window.statusBar().currentMessage()
    assert not window.action_collection["transport_record"].isChecked() and not window.recorder.armed


def test_without_audio_a_take_is_timed_by_the_wall_clock_and_lands_as_one_step(qtbot, keyboard, window):
    if window.playback.available:
        pytest.skip("an audio device is present here")
    keyboard.names = ["Fake Keyboard"]
    track, stack = melody(window), window.doc.undo_stack
    window.playback.set_playhead(3840)
    press_record(qtbot, window)
    assert "computer's clock" in window.statusBar().currentMessage()
    keyboard.tap(qtbot, 67, 100, held_ms=500)  # 500 ms = 480 ticks at 120 bpm
    keyboard.tap(qtbot, 69, 80, held_ms=250)
    assert window.playback.playhead > 3840 + 600  # the playhead follows the take's clock on screen
    press_record(qtbot, window)
    first, second = sorted((n for n in track.notes if n.start >= 3840), key=lambda n: n.start)
    assert (first.pitch, first.velocity, second.pitch, second.velocity) == (67, 100, 69, 80)
    assert 3840 <= first.start < 3840 + 300
    assert 380 <= first.duration <= 800 and 190 <= second.duration <= 500
    assert second.start >= first.end
    assert window.playback.playhead == 3840 and not window.playback.is_playing  # back where the take began
    stack.undo()
    assert len(track.notes) == 4


def test_quantized_take_snaps_to_the_grid(qtbot, keyboard, window):
    keyboard.names = ["Fake Keyboard"]
    window.action_collection["transport_quantize_input"].trigger()
    press_record(qtbot, window)
    keyboard.tap(qtbot, 67, 100, held_ms=300)
    press_record(qtbot, window)
    if window.playback.is_playing:
        window.playback.stop()
    recorded = next(n for n in melody(window).notes if n.pitch == 67)
    assert recorded.start % 120 == 0 and recorded.duration % 120 == 0 and recorded.duration >= 120


def test_keys_held_when_the_take_ends_are_ended_there(qtbot, keyboard, window):
    keyboard.names = ["Fake Keyboard"]
    press_record(qtbot, window)
    keyboard.port.send("note_on", 72, 90)
    qtbot.waitUntil(lambda: 72 in window.recorder._held)
    press_record(qtbot, window)
    assert any(n.pitch == 72 and n.velocity == 90 for n in melody(window).notes)
    keyboard.port.send("note_off", 72)  # arrives after the take: ignored
    qtbot.wait(20)
    assert [n.pitch for n in melody(window).notes].count(72) == 1


def test_played_keys_sound_through_the_live_synth_and_land_at_the_playhead_clock(qtbot, keyboard, tmp_path):
    keyboard.names = ["Fake Keyboard"]
    doc = SongDocument(build_song())
    playback = PlaybackController(doc, file_driver(tmp_path))
    recorder = MidiRecorder(doc, playback, EditSettings())
    assert playback.available
    recorder.arm()
    playback.set_playhead(1920)
    keyboard.port.send("note_on", 72, 110)
    qtbot.waitUntil(lambda: 72 in recorder._held)
    playback.set_playhead(2400)
    qtbot.wait(300)
    keyboard.port.send("note_off", 72)
    qtbot.waitUntil(lambda: 72 not in recorder._held)
    assert recorder.disarm() == 1
    assert Note(72, 1920, 480, 110) in doc.song.tracks[0].notes
    playback.close()
    with wave.open(str(tmp_path / "live.wav")) as wav:
        samples = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
    assert np.abs(samples).max() > 300  # the key was heard: nothing else played
