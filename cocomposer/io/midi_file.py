"""Standard MIDI Files <-> Song: import types 0, 1 and 2, export type 1 with a conductor track.

mido reads and writes the bytes (running status, meta messages); this module checks the chunk
layout first so damaged or hostile files fail fast with a `MidiFileError`, then turns events into
notes with numpy. All times here are ticks unless a name says seconds.
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Callable, Iterable
from contextlib import redirect_stdout
from dataclasses import dataclass, field

import mido
import numpy as np

from cocomposer.core import KeySignature, Note, Song, TempoChange, TimeSignature, Track, VoiceRole
from cocomposer.core.song import DRUM_CHANNEL
from cocomposer.atomic_files import atomic_write_bytes
from cocomposer.io.errors import MidiFileError

# mido keeps every message as a Python object (a few hundred bytes each), so the file size bounds memory.
MAX_MIDI_FILE_BYTES = 16 * 1024 * 1024
MAX_PPQ = 0x7FFF  # the header's metrical division is 15 bits
SMPTE_SONG_PPQ = 480
SMPTE_SONG_BPM = 120.0  # with 480 PPQ: 960 ticks per second, finer than any SMPTE file we meet
VOLUME_CONTROLLER = 7
PAN_CONTROLLER = 10
MIN_TEMPO_MICROSECONDS, MAX_TEMPO_MICROSECONDS = 1, 0xFFFFFF

# Key spellings mido accepts for each tonic pitch class (flats for flat keys, as musicians write them).
_MAJOR_KEY_NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_MINOR_KEY_NAMES = ("Cm", "C#m", "Dm", "Ebm", "Em", "Fm", "F#m", "Gm", "G#m", "Am", "Bbm", "Bm")


# --- import ------------------------------------------------------------------------------------

def load_midi(path: str | os.PathLike[str]) -> Song:
    """Read a Standard MIDI File (type 0, 1 or 2) into a new Song; raises MidiFileError if it cannot."""
    data = _read_file_bytes(path)
    layout = _check_chunk_layout(data, path)
    try:
        midi = mido.MidiFile(file=io.BytesIO(layout.mido_bytes()), clip=True)
    except Exception as error:  # mido raises a zoo of types (OSError, EOFError, KeyError, ...) for bad bytes
        raise MidiFileError(f"{path}: damaged MIDI data ({_describe(error)})") from error
    try:
        return _song_from_tracks(midi.tracks, layout)
    except ValueError as error:
        raise MidiFileError(f"{path}: {error}") from error


@dataclass
class _ChunkLayout:
    """What the file header says, and the raw MTrk chunks found (any other chunk types dropped)."""

    midi_format: int
    division: int
    track_chunks: list[bytes]

    @property
    def is_smpte(self) -> bool:
        return bool(self.division & 0x8000)

    def seconds_per_smpte_tick(self) -> float:
        frames_code = 256 - (self.division >> 8)  # the high byte is -frames per second
        frames_per_second = 29.97 if frames_code == 29 else float(frames_code)
        return 1.0 / (frames_per_second * (self.division & 0xFF))

    def mido_bytes(self) -> bytes:
        header = struct.pack(">4sLHHH", b"MThd", 6, self.midi_format, len(self.track_chunks), self.division)
        return header + b"".join(self.track_chunks)


def _read_file_bytes(path: str | os.PathLike[str]) -> bytes:
    try:
        size = os.path.getsize(path)
        if size > MAX_MIDI_FILE_BYTES:
            raise MidiFileError(f"{path}: file is {size / 2**20:.0f} MiB; CoComposer opens MIDI files up to "
                                f"{MAX_MIDI_FILE_BYTES // 2**20} MiB")
        with open(path, "rb") as file:
            return file.read(MAX_MIDI_FILE_BYTES + 1)
    except OSError as error:
        raise MidiFileError(f"{path}: cannot read ({error.strerror or error})") from error


def _check_chunk_layout(data: bytes, path: str | os.PathLike[str]) -> _ChunkLayout:
    """Walk the chunk headers (never trusting a length beyond the bytes present) before mido parses."""
    if len(data) < 14 or data[:4] != b"MThd":
        raise MidiFileError(f"{path}: not a MIDI file (no 'MThd' header)")
    header_length, midi_format, track_count, division = struct.unpack(">LHHH", data[4:14])
    if header_length < 6 or 8 + header_length > len(data):
        raise MidiFileError(f"{path}: damaged MIDI header (length {header_length})")
    if midi_format not in (0, 1, 2):
        raise MidiFileError(f"{path}: unknown MIDI file type {midi_format} (expected 0, 1 or 2)")
    if division == 0 or (division & 0x8000 and (256 - (division >> 8) not in (24, 25, 29, 30) or not division & 0xFF)):
        raise MidiFileError(f"{path}: invalid time division 0x{division:04x}")

    chunks: list[bytes] = []
    position = 8 + header_length
    while len(chunks) < track_count:
        if position + 8 > len(data):
            raise MidiFileError(f"{path}: file is truncated: the header announces {track_count} tracks "
                                f"but only {len(chunks)} are present")
        chunk_type, chunk_length = struct.unpack(">4sL", data[position:position + 8])
        end = position + 8 + chunk_length
        if end > len(data):
            raise MidiFileError(f"{path}: file is truncated: a chunk claims {chunk_length} bytes but only "
                                f"{len(data) - position - 8} remain")
        if chunk_type == b"MTrk":
            chunks.append(data[position:end])
        position = end
    return _ChunkLayout(midi_format, division, chunks)


def _describe(error: Exception) -> str:
    if isinstance(error, EOFError):
        return "a track ends in the middle of an event"
    return str(error).strip() or type(error).__name__


@dataclass
class _TrackEvents:
    """One MTrk chunk boiled down: note events as flat lists plus the settings that describe its parts."""

    name: str = ""
    end_tick: int = 0
    note_ticks: list[int] = field(default_factory=list)
    note_keys: list[int] = field(default_factory=list)  # channel * 128 + pitch
    note_velocities: list[int] = field(default_factory=list)  # 0 marks a note-off
    program_changes: list[tuple[int, int, int]] = field(default_factory=list)  # (tick, channel, program)
    volumes: dict[int, int] = field(default_factory=dict)
    pans: dict[int, int] = field(default_factory=dict)
    tempos: list[tuple[int, int]] = field(default_factory=list)  # (tick, microseconds per quarter)
    time_signatures: list[tuple[int, int, int]] = field(default_factory=list)
    keys: list[tuple[int, str]] = field(default_factory=list)

    @property
    def programs(self) -> dict[int, int]:
        """Channel -> its first program in this track."""
        first: dict[int, int] = {}
        for _, channel, program in self.program_changes:
            first.setdefault(channel, program)
        return first

    @property
    def has_channel_events(self) -> bool:
        return bool(self.note_ticks or self.programs or self.volumes or self.pans)


def _scan_track(track: Iterable[mido.Message], tick_offset: int) -> _TrackEvents:
    """One pass over a track's messages; the hot loop of import, so it only appends to lists."""
    events = _TrackEvents()
    ticks, keys, velocities = events.note_ticks, events.note_keys, events.note_velocities
    tick = tick_offset
    for message in track:
        tick += message.time
        kind = message.type
        if kind == "note_on":
            ticks.append(tick)
            keys.append(message.channel * 128 + message.note)
            velocities.append(message.velocity)
        elif kind == "note_off":
            ticks.append(tick)
            keys.append(message.channel * 128 + message.note)
            velocities.append(0)
        elif kind == "program_change":
            events.program_changes.append((tick, message.channel, message.program))
        elif kind == "control_change":
            if message.control == VOLUME_CONTROLLER:
                events.volumes.setdefault(message.channel, message.value)
            elif message.control == PAN_CONTROLLER:
                events.pans.setdefault(message.channel, message.value)
        elif kind == "set_tempo":
            events.tempos.append((tick, message.tempo))
        elif kind == "time_signature":
            events.time_signatures.append((tick, message.numerator, message.denominator))
        elif kind == "key_signature":
            events.keys.append((tick, message.key))
        elif kind == "track_name" and not events.name:
            events.name = _text_from_meta(message.name).strip()
    events.end_tick = tick
    return events


@dataclass
class _NoteArrays:
    """Paired notes of one track: parallel int64 arrays, ticks in the file's own time base."""

    channels: np.ndarray
    pitches: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    velocities: np.ndarray


def _pair_notes(events: _TrackEvents, end_tick: int) -> _NoteArrays:
    """Match note-ons to note-offs first-in-first-out per (channel, pitch), without a Python loop.

    A note-on with velocity 0 is a note-off; a note-off with no sounding note is ignored; a note
    never switched off lasts until `end_tick`.
    """
    ticks = np.asarray(events.note_ticks, dtype=np.int64)
    keys = np.asarray(events.note_keys, dtype=np.int64)
    velocities = np.asarray(events.note_velocities, dtype=np.int64)
    order = np.lexsort((np.arange(len(keys)), keys))  # by key, then file order (already time order)
    ticks, keys, velocities = ticks[order], keys[order], velocities[order]
    is_on = velocities > 0

    # Running count of sounding notes within each key: a note-off that would take it below zero is stray.
    # running = cumulative sum of +1/-1 restarted per key; an off is stray when `running` hits a new low
    # below zero (the clamped count was already zero before it).
    first_of_key = np.ones(len(keys), dtype=bool)
    first_of_key[1:] = keys[1:] != keys[:-1]
    key_index = np.cumsum(first_of_key) - 1
    steps = np.where(is_on, 1, -1)
    totals = np.cumsum(steps)
    running = totals - (totals - steps)[first_of_key][key_index]
    # Shift each key's values far below the previous keys' so one cumulative minimum restarts per key.
    shift = key_index * (2 * len(keys) + 2)
    lowest_before = np.minimum.accumulate(np.concatenate(([0], running - shift)))[:-1] + shift
    lowest_before[first_of_key] = 0
    lowest_before = np.minimum(lowest_before, 0)
    stray_off = ~is_on & (running < lowest_before)

    keep = ~stray_off
    ticks, keys, velocities, is_on = ticks[keep], keys[keep], velocities[keep], is_on[keep]

    # Now the k-th note-off of a key closes the k-th note-on of that key.
    on_ticks, on_keys, on_velocities = ticks[is_on], keys[is_on], velocities[is_on]
    off_ticks, off_keys = ticks[~is_on], keys[~is_on]
    ends = np.full(len(on_ticks), end_tick, dtype=np.int64)
    if len(off_ticks):
        first_on_of_key = np.searchsorted(on_keys, off_keys, side="left")
        rank_of_off = np.arange(len(off_keys)) - np.searchsorted(off_keys, off_keys, side="left")
        ends[first_on_of_key + rank_of_off] = off_ticks
    return _NoteArrays(on_keys // 128, on_keys % 128, on_ticks, np.maximum(ends, on_ticks), on_velocities)


def _song_from_tracks(tracks: list[mido.MidiTrack], layout: _ChunkLayout) -> Song:
    scanned: list[_TrackEvents] = []
    offset = 0
    for track in tracks:
        events = _scan_track(track, offset)
        scanned.append(events)
        if layout.midi_format == 2:  # type 2 tracks are independent patterns played one after another
            offset = events.end_tick

    song, to_song_ticks = _song_with_time_base(layout, scanned)
    song.meter.set_signatures([
        TimeSignature(int(to_song_ticks(tick)), numerator, denominator)
        for events in scanned for tick, numerator, denominator in events.time_signatures
        if numerator >= 1 and denominator in (1, 2, 4, 8, 16, 32, 64)
    ])
    song.keys = sorted((KeySignature.parse(name, int(to_song_ticks(tick)))
                        for events in scanned for tick, name in events.keys), key=lambda key: key.tick)
    if scanned and (layout.midi_format == 0 or (layout.midi_format == 1 and not scanned[0].has_channel_events)):
        song.title = scanned[0].name  # type 0's only track, or type 1's conductor track
    fallback = _FileWideSettings(scanned)
    for source_index, events in enumerate(scanned):
        if events.has_channel_events:
            song.tracks += _tracks_from_events(events, source_index, layout.midi_format, to_song_ticks, fallback)
    _assign_voices_from_names(song.tracks)
    return song


def _song_with_time_base(layout: _ChunkLayout, scanned: list[_TrackEvents]) -> tuple[Song, Callable]:
    """An empty Song with the file's PPQ and tempo map, and a function from file ticks to song ticks.

    SMPTE files count absolute time, so their ticks go through seconds onto a fixed 480 PPQ, 120 bpm grid.
    """
    if layout.is_smpte:
        song_ticks_per_file_tick = layout.seconds_per_smpte_tick() * SMPTE_SONG_PPQ * SMPTE_SONG_BPM / 60.0

        def smpte_to_song_ticks(ticks):
            return np.rint(np.asarray(ticks, dtype=np.float64) * song_ticks_per_file_tick).astype(np.int64)

        return Song(ppq=SMPTE_SONG_PPQ, tempos=[TempoChange(0, SMPTE_SONG_BPM)]), smpte_to_song_ticks

    def same_ticks(ticks):
        return np.asarray(ticks, dtype=np.int64)

    tempos = [TempoChange(int(tick), _bpm_from_microseconds(tempo))
              for events in scanned for tick, tempo in events.tempos if tempo > 0]
    return Song(ppq=layout.division, tempos=tempos or None), same_ticks


class _FileWideSettings:
    """Per channel, the first program, volume and pan anywhere in the file.

    A program or mix setting may sit in another track than the notes (a "setup" track).
    """

    def __init__(self, scanned: list[_TrackEvents]) -> None:
        self.programs: dict[int, int] = {}
        self.volumes: dict[int, int] = {}
        self.pans: dict[int, int] = {}
        for events in scanned:
            for found, merged in ((events.programs, self.programs), (events.volumes, self.volumes),
                                  (events.pans, self.pans)):
                for channel, value in found.items():
                    merged.setdefault(channel, value)


def _tracks_from_events(events: _TrackEvents, source_index: int, midi_format: int, to_song_ticks: Callable,
                        fallback: _FileWideSettings) -> list[Track]:
    """One Track per channel the MIDI track plays on, with its notes sorted by start and pitch."""
    notes = _pair_notes(events, events.end_tick)
    starts, ends = to_song_ticks(notes.starts), to_song_ticks(notes.ends)
    durations = np.maximum(ends - starts, 1)  # a note switched off as it starts still sounds for a tick
    # A part with settings but no notes yet (an empty exported track) still becomes a Track.
    programs = events.programs
    channels = sorted(set(notes.channels.tolist())) or sorted({**programs, **events.volumes, **events.pans})[:1]
    tracks = []
    for channel in channels:
        chosen = np.flatnonzero(notes.channels == channel)
        chosen = chosen[np.lexsort((notes.pitches[chosen], starts[chosen]))]
        if len(channels) == 1:
            name = events.name or f"Track {source_index + 1}"
        elif events.name and midi_format != 0:  # a type 0 track's name is the song's title
            name = f"{events.name} (channel {channel + 1})"
        else:
            name = f"Channel {channel + 1}"
        first_program = programs.get(channel, fallback.programs.get(channel, 0))
        parts = _split_by_program(events, channel, notes.starts[chosen], chosen, first_program)
        for program, part in parts:
            tracks.append(Track(
                name=name if len(parts) == 1 else f"{name} ({_instrument_name(program)})",
                program=program,
                channel=channel,
                is_drum=channel == DRUM_CHANNEL,
                volume=events.volumes.get(channel, fallback.volumes.get(channel, 100)),
                pan=events.pans.get(channel, fallback.pans.get(channel, 64)),
                notes=list(map(Note, notes.pitches[part].tolist(), starts[part].tolist(),
                               durations[part].tolist(), notes.velocities[part].tolist())),
            ))
    return tracks


def _instrument_name(program: int) -> str:
    """The General MIDI name of `program`, from pretty_midi's table (imported only for the rare file
    that needs it: pretty_midi loads pyfluidsynth, which prints where it found FluidSynth when CI is set)."""
    with redirect_stdout(io.StringIO()):
        import pretty_midi
    return pretty_midi.program_to_instrument_name(program)


def _split_by_program(events: _TrackEvents, channel: int, note_starts: np.ndarray, chosen: np.ndarray,
                      first_program: int) -> list[tuple[int, np.ndarray]]:
    """The channel's notes grouped by the program sounding where each starts, in order of first use.

    A track holds one instrument, so a part that changes instrument mid-song becomes one track per
    instrument (as DAWs import it) instead of playing everything with its first sound.
    """
    changes = [(tick, program) for tick, ch, program in events.program_changes if ch == channel]
    if len({program for _, program in changes}) <= 1:
        return [(first_program, chosen)]
    change_ticks = np.array([tick for tick, _ in changes])
    change_programs = np.array([first_program] + [program for _, program in changes])
    programs = change_programs[np.searchsorted(change_ticks, note_starts, side="right")]
    order = dict.fromkeys(programs.tolist())
    return [(program, chosen[programs == program]) for program in order]


def _text_from_meta(text: str) -> str:
    """mido decodes meta text as latin-1; most programs (and our export) write UTF-8, so prefer that."""
    raw = text.encode("latin-1")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text


def _text_for_meta(text: str) -> str:
    """Text for mido (which writes latin-1): latin-1 where that reads back unchanged, else UTF-8 bytes."""
    try:
        text.encode("latin-1")
        if _text_from_meta(text) == text:
            return text
    except UnicodeEncodeError:
        pass
    return text.encode("utf-8").decode("latin-1")


def _bpm_from_microseconds(microseconds_per_quarter: int) -> float:
    """Tempo in bpm, rounded to 0.001 so 140 bpm written as 428571 microseconds reads back as 140."""
    return round(60_000_000 / microseconds_per_quarter, 3)


def _assign_voices_from_names(tracks: list[Track]) -> None:
    """Tracks named Soprano/Alto/Tenor/Bass (as chorale files are) become those AI voice lanes."""
    taken: set[VoiceRole] = set()
    for track in tracks:
        for role in VoiceRole:
            if track.name.strip().lower() == role.value and role not in taken:
                track.voice = role
                taken.add(role)


# --- export ------------------------------------------------------------------------------------

def save_midi(song: Song, path: str | os.PathLike[str]) -> None:
    """Write `song` as a type 1 Standard MIDI File (atomically); raises MidiFileError if it cannot."""
    midi = song_to_midi_file(song)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    try:
        atomic_write_bytes(path, buffer.getvalue())
    except OSError as error:
        raise MidiFileError(f"{path}: cannot write ({error.strerror or error})") from error


def song_to_midi_file(song: Song) -> mido.MidiFile:
    """The song as a mido type 1 file: a conductor track (title, meter, key, tempo) then one per Track.

    A MIDI channel sounds one note per key, so where two notes of the same pitch overlap in a track
    the earlier one is cut where the later starts; everything else comes back unchanged on import.
    """
    if song.ppq > MAX_PPQ:
        raise MidiFileError(f"PPQ {song.ppq} is too fine for a MIDI file (at most {MAX_PPQ})")
    midi = mido.MidiFile(type=1, ticks_per_beat=song.ppq)
    midi.tracks.append(_conductor_track(song))
    for track, channel in zip(song.tracks, _export_channels(song.tracks)):
        midi.tracks.append(_note_track(track, channel))
    return midi


def _export_channels(tracks: list[Track]) -> list[int]:
    """A channel per track for other players, keeping each track's own where it can.

    A channel has one program, volume and pan at a time, so a track whose sound differs from a track
    already on its channel moves to a free channel; drums go to channel 10 and melodic tracks never do.
    """
    sound_of_channel: dict[int, tuple[int, int, int]] = {}
    channels = []
    for track in tracks:
        sound = (track.program, track.volume, track.pan)
        channel = DRUM_CHANNEL if track.is_drum else track.channel
        if not track.is_drum and (channel == DRUM_CHANNEL or sound_of_channel.get(channel, sound) != sound):
            free = [c for c in range(16) if c != DRUM_CHANNEL and c not in sound_of_channel]
            channel = free[0] if free else (0 if channel == DRUM_CHANNEL else channel)
        sound_of_channel.setdefault(channel, sound)
        channels.append(channel)
    return channels


def _conductor_track(song: Song) -> mido.MidiTrack:
    timed: list[tuple[int, mido.MetaMessage]] = []
    for signature in song.time_signatures:
        timed.append((signature.tick, mido.MetaMessage(
            "time_signature", numerator=signature.numerator, denominator=signature.denominator)))
    for key in song.keys:
        names = _MAJOR_KEY_NAMES if key.mode == "major" else _MINOR_KEY_NAMES
        timed.append((key.tick, mido.MetaMessage("key_signature", key=names[key.tonic])))
    for change in song.tempos:
        microseconds = min(max(round(60_000_000 / change.bpm), MIN_TEMPO_MICROSECONDS), MAX_TEMPO_MICROSECONDS)
        timed.append((change.tick, mido.MetaMessage("set_tempo", tempo=microseconds)))
    timed.sort(key=lambda item: item[0])  # stable: meter, key, tempo at the same tick
    track = mido.MidiTrack()
    if song.title:
        track.append(mido.MetaMessage("track_name", name=_text_for_meta(song.title)))
    previous = 0
    for tick, message in timed:
        message.time = tick - previous
        previous = tick
        track.append(message)
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def _note_track(track: Track, channel: int) -> mido.MidiTrack:
    pitches, starts, ends, velocities = _playable_notes(track.notes)
    # Note-offs sort before note-ons at the same tick, so back-to-back repeats of a pitch stay apart.
    event_ticks = np.concatenate((ends, starts))
    event_pitches = np.concatenate((pitches, pitches))
    event_velocities = np.concatenate((np.zeros_like(velocities), velocities))
    event_is_on = np.concatenate((np.zeros(len(ends), dtype=bool), np.ones(len(starts), dtype=bool)))
    order = np.lexsort((event_pitches, event_is_on, event_ticks))
    deltas = np.diff(event_ticks[order], prepend=0)

    midi_track = mido.MidiTrack()
    midi_track.append(mido.MetaMessage("track_name", name=_text_for_meta(track.name)))
    midi_track.append(mido.Message("program_change", channel=channel, program=track.program))
    midi_track.append(mido.Message("control_change", channel=channel, control=VOLUME_CONTROLLER, value=track.volume))
    midi_track.append(mido.Message("control_change", channel=channel, control=PAN_CONTROLLER, value=track.pan))
    # Note-offs are written as note-on velocity 0 so running status can drop most status bytes.
    midi_track.extend(
        mido.Message("note_on", skip_checks=True, channel=channel, note=pitch, velocity=velocity, time=delta)
        for pitch, velocity, delta in zip(event_pitches[order].tolist(), event_velocities[order].tolist(),
                                          deltas.tolist())
    )
    midi_track.append(mido.MetaMessage("end_of_track", time=0))
    return midi_track


def _playable_notes(notes: list[Note]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(pitches, starts, ends, velocities) with same-pitch overlaps cut at the next start.

    Of notes of one pitch starting together, the longest stays.
    """
    if not notes:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    table = np.array([(n.pitch, n.start, n.end, n.velocity) for n in notes], dtype=np.int64)
    table = table[np.lexsort((table[:, 2], table[:, 1], table[:, 0]))]
    pitches, starts, ends, velocities = table.T.copy()
    same_pitch_next = np.zeros(len(table), dtype=bool)
    same_pitch_next[:-1] = pitches[1:] == pitches[:-1]
    next_starts = np.append(starts[1:], 0)
    ends = np.where(same_pitch_next, np.minimum(ends, next_starts), ends)
    keep = ends > starts
    return pitches[keep], starts[keep], ends[keep], velocities[keep]

