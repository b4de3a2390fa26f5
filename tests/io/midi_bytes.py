"""Build small Standard MIDI Files for tests: mido writes the events, helpers bend the header."""

from __future__ import annotations

import io
import struct

import mido


def midi_bytes(tracks: list[list[mido.Message | mido.MetaMessage]], midi_format: int = 1,
               ticks_per_beat: int = 480) -> bytes:
    """A file whose tracks hold `tracks` (delta times in each message's `time`), written by mido."""
    midi = mido.MidiFile(type=midi_format, ticks_per_beat=ticks_per_beat)
    for messages in tracks:
        midi.tracks.append(mido.MidiTrack(messages))
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def with_division(data: bytes, division: int) -> bytes:
    """The same file with its header's time division field replaced (e.g. an SMPTE division)."""
    return data[:12] + struct.pack(">H", division) + data[14:]


def with_track_count(data: bytes, track_count: int) -> bytes:
    return data[:10] + struct.pack(">H", track_count) + data[12:]


def on(note: int, time: int = 0, velocity: int = 90, channel: int = 0) -> mido.Message:
    return mido.Message("note_on", note=note, velocity=velocity, time=time, channel=channel)


def off(note: int, time: int = 0, channel: int = 0) -> mido.Message:
    return mido.Message("note_off", note=note, velocity=0, time=time, channel=channel)
