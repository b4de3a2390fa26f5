"""The one place a Song becomes timed MIDI events, shared by offline rendering and live playback.

What you hear while editing is what you export because both read the same EventSchedule.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from cocomposer.core import Note, Song, Track
from cocomposer.core.song import DRUM_CHANNEL
from cocomposer.core.timing import TempoMap

DRUM_BANK = 128  # FluidSynth's bank number for General MIDI percussion kits
CONTROL_VOLUME = 7
CONTROL_PAN = 10
CLICK_ACCENT_PITCH = 76  # GM percussion: Hi Wood Block, the first beat of a bar
CLICK_PITCH = 77  # GM percussion: Low Wood Block, the other beats
CLICK_ACCENT_VELOCITY = 127
CLICK_VELOCITY = 90
CLICK_DURATION_BEATS = 0.25


class EventKind(enum.IntEnum):
    """MIDI event types; the value is also the order of events that share a time.

    Sound set-up comes first, then note-offs, then note-ons, so a repeated pitch re-strikes
    instead of being cut by the previous note's note-off.
    """

    PROGRAM = 0  # data1 = GM program, data2 = bank (0, or 128 for drum kits)
    CONTROL = 1  # data1 = controller number, data2 = value
    NOTE_OFF = 2  # data1 = pitch, data2 = 0
    NOTE_ON = 3  # data1 = pitch, data2 = velocity


@dataclass(frozen=True, eq=False)
class EventSchedule:
    """Time-ordered MIDI events as parallel numpy arrays (one row per event).

    `seconds` counts from the start of the schedule: the count-in (if any) starts at 0 and the song
    window starts at `count_in_seconds`. `ticks` are the song ticks each event belongs to
    (count-in clicks carry the window's start tick).
    """

    kinds: np.ndarray  # uint8 EventKind
    channels: np.ndarray  # uint8 MIDI channel 0-15
    data1: np.ndarray  # int16
    data2: np.ndarray  # int16
    ticks: np.ndarray  # int64 song ticks
    seconds: np.ndarray  # float64 seconds from the start of the schedule
    start_tick: int
    end_tick: int
    count_in_seconds: float
    tempo_map: TempoMap

    def __len__(self) -> int:
        return len(self.kinds)

    @property
    def duration_seconds(self) -> float:
        """Seconds from the start of the schedule to the end of the window (the last note-off)."""
        return self.count_in_seconds + self.tempo_map.tick_to_seconds(self.end_tick) - self.window_start_seconds

    @property
    def window_start_seconds(self) -> float:
        """Song seconds at `start_tick`, i.e. what schedule time `count_in_seconds` corresponds to."""
        return self.tempo_map.tick_to_seconds(self.start_tick)

    def sample_positions(self, sample_rate: int) -> np.ndarray:
        """Each event's frame index (int64) at `sample_rate` frames per second, rounded to nearest."""
        return np.rint(self.seconds * sample_rate).astype(np.int64)

    def tick_at(self, schedule_seconds: float) -> float:
        """The song tick sounding `schedule_seconds` after the schedule starts (held at start during a count-in)."""
        song_seconds = self.window_start_seconds + max(schedule_seconds - self.count_in_seconds, 0.0)
        return min(float(self.tempo_map.seconds_to_tick(song_seconds)), float(self.end_tick))


@dataclass(frozen=True)
class _TrackSound:
    """What a MIDI channel must be set to for a track: tracks that agree can share a channel."""

    program: int
    bank: int
    volume: int
    pan: int


def _sound_of(track: Track) -> _TrackSound:
    return _TrackSound(track.program, DRUM_BANK if track.is_drum else 0, track.volume, track.pan)


def assign_channels(tracks: Sequence[Track]) -> list[int]:
    """A MIDI channel per track, keeping each track's own channel unless another track needs it
    with a different sound (then the later track moves to a free channel).

    Drum tracks ask for channel 9; any channel can play a kit because programs are selected with
    an explicit bank. With more distinct sounds than 16 channels the last ones share channel 15.
    """
    sound_by_channel: dict[int, _TrackSound] = {}
    channels = []
    for track in tracks:
        wanted = DRUM_CHANNEL if track.is_drum else track.channel
        sound = _sound_of(track)
        if sound_by_channel.get(wanted, sound) != sound:
            free = [c for c in range(16) if c not in sound_by_channel and c != DRUM_CHANNEL]
            free += [c for c in range(16) if c not in sound_by_channel]
            wanted = free[0] if free else 15
        sound_by_channel.setdefault(wanted, sound)
        channels.append(wanted)
    return channels


def metronome_track(song: Song, start_tick: int, end_tick: int) -> Track:
    """A drum track with a click on every beat in [start_tick, end_tick), accented on bar lines."""
    notes = []
    for bar_tick in song.meter.bar_lines(song.meter.bar_to_tick(song.tick_to_bar_beat(start_tick)[0]), end_tick):
        signature = song.meter.signature_at(bar_tick)
        beat_ticks = song.meter.ticks_per_beat(signature)
        click_ticks = max(int(beat_ticks * CLICK_DURATION_BEATS), 1)
        for beat in range(signature.numerator):
            tick = bar_tick + beat * beat_ticks
            if start_tick <= tick < end_tick:
                accent = beat == 0
                notes.append(Note(CLICK_ACCENT_PITCH if accent else CLICK_PITCH, tick, click_ticks,
                                  CLICK_ACCENT_VELOCITY if accent else CLICK_VELOCITY))
    return Track(name="Metronome", is_drum=True, channel=DRUM_CHANNEL, notes=notes)


def _count_in_clicks(song: Song, start_tick: int, bars: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Pitches, velocities and onset seconds (from the count-in's start) of `bars` bars of clicks at
    the tempo and meter found at `start_tick`, plus the length of one beat in seconds."""
    signature = song.meter.signature_at(start_tick)
    seconds_per_beat = 60.0 / song.tempo_map.bpm_at(start_tick) * 4 / signature.denominator
    beats = np.arange(bars * signature.numerator)
    accents = beats % signature.numerator == 0
    pitches = np.where(accents, CLICK_ACCENT_PITCH, CLICK_PITCH)
    velocities = np.where(accents, CLICK_ACCENT_VELOCITY, CLICK_VELOCITY)
    return pitches, velocities, beats * seconds_per_beat, seconds_per_beat


def _note_arrays(notes: list[Note]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pitch, start tick, end tick and velocity of each note, as int64 arrays."""
    count = len(notes)
    pitches = np.fromiter((n.pitch for n in notes), np.int64, count)
    starts = np.fromiter((n.start for n in notes), np.int64, count)
    ends = starts + np.fromiter((n.duration for n in notes), np.int64, count)
    velocities = np.fromiter((n.velocity for n in notes), np.int64, count)
    return pitches, starts, ends, velocities


def schedule_song(
    song: Song,
    start_tick: int = 0,
    end_tick: int | None = None,
    extra_tracks: Iterable[Track] = (),
    metronome: bool = False,
    count_in_bars: int = 0,
) -> EventSchedule:
    """Turn the audible tracks of `song` (mute/solo honoured) plus `extra_tracks` (e.g. AI suggestions
    auditioned in place) into time-ordered events for the window [start_tick, end_tick).

    Notes that start inside the window play; notes still sounding at `end_tick` are released there
    (so a loop region never leaves hanging notes). `end_tick` defaults to the end of the last note.
    Each track gets a program change and CC7 volume / CC10 pan at the window start. `metronome`
    adds a click on every beat; `count_in_bars` adds that many bars of clicks before the window.
    """
    tracks = list(song.audible_tracks()) + list(extra_tracks)
    if end_tick is None:
        end_tick = max([song.length_ticks] + [t.end for t in tracks])
    end_tick = max(end_tick, start_tick)
    if metronome:
        tracks.append(metronome_track(song, start_tick, end_tick))
    channels = assign_channels(tracks)

    empty = np.zeros(0, np.int64)
    kinds, chans, data1, data2, ticks = [empty], [empty], [empty], [empty], [empty]

    def add(kind: EventKind, channel: int, first: np.ndarray | int, second: np.ndarray | int,
            at_ticks: np.ndarray | int) -> None:
        first, second, at_ticks = np.broadcast_arrays(np.atleast_1d(first), np.atleast_1d(second),
                                                      np.atleast_1d(at_ticks))
        kinds.append(np.full(first.shape, kind, np.uint8))
        chans.append(np.full(first.shape, channel, np.uint8))
        data1.append(first.astype(np.int16))
        data2.append(second.astype(np.int16))
        ticks.append(at_ticks.astype(np.int64))

    set_up_channels = set()
    for track, channel in zip(tracks, channels):
        if channel not in set_up_channels:
            set_up_channels.add(channel)
            sound = _sound_of(track)
            add(EventKind.PROGRAM, channel, sound.program, sound.bank, start_tick)
            add(EventKind.CONTROL, channel, CONTROL_VOLUME, sound.volume, start_tick)
            add(EventKind.CONTROL, channel, CONTROL_PAN, sound.pan, start_tick)
        if not track.notes:
            continue
        pitches, starts, ends, velocities = _note_arrays(track.notes)
        inside = (starts >= start_tick) & (starts < end_tick)
        pitches, starts, ends, velocities = pitches[inside], starts[inside], ends[inside], velocities[inside]
        add(EventKind.NOTE_ON, channel, pitches, velocities, starts)
        add(EventKind.NOTE_OFF, channel, pitches, 0, np.minimum(ends, end_tick))

    all_ticks = np.concatenate(ticks)
    window_start_seconds = song.tempo_map.tick_to_seconds(start_tick)
    seconds = np.asarray(song.tempo_map.tick_to_seconds(all_ticks), dtype=np.float64) - window_start_seconds
    all_kinds, all_channels = np.concatenate(kinds).astype(np.uint8), np.concatenate(chans).astype(np.uint8)
    all_data1, all_data2 = np.concatenate(data1).astype(np.int16), np.concatenate(data2).astype(np.int16)

    count_in_seconds = 0.0
    if count_in_bars > 0:
        click_track = metronome_track(song, 0, 0)
        click_channel = assign_channels(tracks + [click_track])[-1]
        pitches, velocities, click_seconds, seconds_per_beat = _count_in_clicks(song, start_tick, count_in_bars)
        count_in_seconds = len(click_seconds) * seconds_per_beat
        count = len(pitches)
        sound = _sound_of(click_track)
        set_up = ([EventKind.PROGRAM, EventKind.CONTROL, EventKind.CONTROL],
                  [sound.program, CONTROL_VOLUME, CONTROL_PAN], [sound.bank, sound.volume, sound.pan])
        seconds = np.concatenate([np.zeros(3), click_seconds + seconds_per_beat * CLICK_DURATION_BEATS,
                                  click_seconds, seconds + count_in_seconds])
        all_kinds = np.concatenate([set_up[0], np.full(count, EventKind.NOTE_OFF),
                                    np.full(count, EventKind.NOTE_ON), all_kinds]).astype(np.uint8)
        all_channels = np.concatenate([np.full(2 * count + 3, click_channel), all_channels]).astype(np.uint8)
        all_data1 = np.concatenate([set_up[1], pitches, pitches, all_data1]).astype(np.int16)
        all_data2 = np.concatenate([set_up[2], np.zeros(count), velocities, all_data2]).astype(np.int16)
        all_ticks = np.concatenate([np.full(2 * count + 3, start_tick), all_ticks]).astype(np.int64)

    order = np.lexsort((all_data1, all_channels, all_kinds, seconds))
    return EventSchedule(
        kinds=all_kinds[order], channels=all_channels[order], data1=all_data1[order], data2=all_data2[order],
        ticks=all_ticks[order], seconds=seconds[order], start_tick=start_tick, end_tick=end_tick,
        count_in_seconds=count_in_seconds, tempo_map=song.tempo_map,
    )
