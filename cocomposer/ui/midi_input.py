"""Recording from a MIDI keyboard (mido + python-rtmidi) onto the current track at the playhead.

Port callbacks arrive on rtmidi's thread and are handed to the UI thread through a queued signal;
everything recorded in one take becomes one undo step. Played keys sound through the live synth. Notes
are timed by the audio clock; with no audio device (nothing plays) by the wall clock since arming,
through the song's tempo map, and the playhead follows that clock until the take ends, then goes back to
where the take began, as Stop does after playing.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from cocomposer.core import Note
from cocomposer.core.editing import quantize_note
from cocomposer.ui import commands
from cocomposer.ui.document import SongDocument
from cocomposer.ui.pianoroll.tools import EditSettings
from cocomposer.ui.playback import POLL_INTERVAL_MS, PlaybackController


def midi_input_ports() -> tuple[list[str], str | None]:
    """(names of MIDI input ports, None) or ([], why recording is unavailable)."""
    try:
        import mido

        names = mido.get_input_names()
    except Exception as error:  # noqa: BLE001 - rtmidi raises its own SystemError types when there is no MIDI system
        return [], f"MIDI recording unavailable: no MIDI system ({error})"
    if not names:
        return [], "MIDI recording unavailable: no MIDI input port found; connect a keyboard and press Record again"
    return names, None


class MidiRecorder(QObject):
    """Listens to one input port while armed; note-ons and -offs become Notes at the playhead clock."""

    message_received = Signal(int, int, bool)  # pitch, velocity, note on? (queued from the port thread)

    def __init__(self, doc: SongDocument, playback: PlaybackController, settings: EditSettings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc, self.playback, self.settings = doc, playback, settings
        self.ports, self.unavailable_reason = midi_input_ports()
        self.quantize_input = False  # snap each take to the roll's grid before it lands
        self._port = None
        self._held: dict[int, tuple[int, int]] = {}  # pitch -> (start tick, velocity)
        self._take: list[Note] = []
        self._armed_tick = 0  # the playhead when the take began
        self._armed_at = 0.0  # time.monotonic() then
        self.message_received.connect(self.handle_note)
        self._wall_clock_timer = QTimer(self)  # moves the playhead when no audio clock does
        self._wall_clock_timer.setInterval(POLL_INTERVAL_MS)
        self._wall_clock_timer.timeout.connect(lambda: self.playback.set_playhead(self._tick_now()))

    @property
    def available(self) -> bool:
        return bool(self.ports)

    @property
    def armed(self) -> bool:
        return self._port is not None

    def rescan(self) -> bool:
        """Look for MIDI input ports again (a keyboard may have been plugged in since); True when there is one."""
        self.ports, self.unavailable_reason = midi_input_ports()
        return self.available

    def arm(self, port_name: str | None = None) -> None:
        """Open the port and start a take at the playhead; mido/rtmidi errors (a port gone since the scan) pass up."""
        import mido

        self._take, self._held = [], {}
        self._armed_tick, self._armed_at = self.playback.current_tick(), time.monotonic()
        self._port = mido.open_input(port_name or self.ports[0], callback=self._on_port_message)
        if self.playback.unavailable_reason is not None:
            self._wall_clock_timer.start()

    def _on_port_message(self, message) -> None:
        if message.type == "note_on" and message.velocity > 0:
            self.message_received.emit(message.note, message.velocity, True)
        elif message.type in ("note_off", "note_on"):
            self.message_received.emit(message.note, 0, False)

    def _tick_now(self) -> int:
        """Where a key lands: the audio clock, or with no audio device the wall clock since arming."""
        if self.playback.unavailable_reason is None:
            return self.playback.current_tick()
        song = self.doc.song
        seconds = float(song.tick_to_seconds(self._armed_tick)) + time.monotonic() - self._armed_at
        return int(song.seconds_to_tick(seconds))

    def handle_note(self, pitch: int, velocity: int, on: bool) -> None:
        """Note-on sounds the key and remembers where it began; note-off turns it into a Note of the take."""
        if not self.armed:
            return  # a message still queued when the take ended
        tick = self._tick_now()
        if on:
            self.playback.hold_note(pitch, velocity)
            self._held[pitch] = (tick, velocity)
            return
        self.playback.release_note(pitch)
        started = self._held.pop(pitch, None)
        if started is not None:
            start, velocity = started
            self._take.append(Note(pitch, start, max(tick - start, 1), velocity))

    def disarm(self) -> int:
        """Close the port and put the take on the current track as one undo step; returns its size."""
        for pitch in list(self._held):  # keys still down end now, by the take's clock
            self.handle_note(pitch, 0, False)
        if self._port is not None:
            self._port.close()
            self._port = None
        if self._wall_clock_timer.isActive():
            self._wall_clock_timer.stop()
            self.playback.set_playhead(self._armed_tick)
        take, self._take = self._take, []
        track = self.doc.current_track
        if take and track is not None:
            grid = self.settings.grid_ticks(self.doc.song)
            if self.quantize_input and grid:
                take = [quantize_note(n, grid, starts=True, lengths=True) for n in take]
            self.doc.push(commands.add_notes(self.doc, track, take, "Record MIDI"))
        return len(take)
