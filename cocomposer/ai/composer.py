"""The AI engine: harmonize, continue and infill requests on a Song, answered with a Suggestion.

Builds the model's grid for the request (context before and after, given and free cells, locked
notes given), constrains pitches by key and per-voice range, decodes variants with mask-predict in
chunks of at most MAX_CHUNK_FRAMES, and turns the written cells back into notes on the right tracks.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Callable

import numpy as np

from cocomposer.ai.decode import FREE_RANK, HIDDEN_RANK, mask_predict
from cocomposer.ai.errors import RequestError
from cocomposer.ai.grid import (SILENT, Lane, frame_ticks, lane_extent, locked_frames, octave_shift, pitches_to_notes,
                                read_lane, voice_lanes)
from cocomposer.ai.model_session import ModelSession
from cocomposer.ai.suggestions import Suggestion, Variant
from cocomposer.ai.vocabulary import (GIVEN_RANK, MAX_PITCH, MIN_PITCH, NUM_CLASSES, NUM_VOICES, REST, VOICE_NAMES,
                                      pitch_to_token, token_to_pitch)
from cocomposer.core import KeySignature, Note, Song, Track, VoiceRole
from cocomposer.core.key_detection import detect_key

# Comfortable choral ranges (MIDI pitches), used as default per-voice limits.
DEFAULT_VOICE_RANGES = {0: (60, 81), 1: (53, 74), 2: (48, 69), 3: (36, 62)}
TYPICAL_PITCH = (70, 64, 58, 50)  # medians of the JSB voices: where the model is most at home
CONTEXT_FRAMES = 64
MAX_CHUNK_FRAMES = 128
HARMONY_PROGRAMS = {1: 41, 2: 42, 3: 43}  # viola, cello, contrabass
HARMONY_COLOURS = {0: "#e8b04a", 1: "#5fb878", 2: "#4a9fe8", 3: "#b46ad9"}


@dataclass
class GenerationSettings:
    """How the AI should write; saved with the project in song.ai_settings."""

    temperature: float = 0.8
    variants: int = 1
    seed: int | None = None
    key: str | None = None  # a key name like "D minor"; None = the song's key or a detected one
    chromatic: bool = False  # no key constraint
    voice_ranges: dict[int, tuple[int, int]] = field(default_factory=lambda: dict(DEFAULT_VOICE_RANGES))
    passes: int | None = None
    voice_rules: bool = True  # the written voices make no parallel fifths/octaves and cross no voice

    def __post_init__(self) -> None:
        if not 1 <= self.variants <= 8:
            raise RequestError(f"variants must be 1..8, not {self.variants}")
        if not 0 <= self.temperature <= 3:
            raise RequestError(f"creativity (temperature) must be 0..3, not {self.temperature}")
        self.voice_ranges = {int(v): (int(lo), int(hi)) for v, (lo, hi) in self.voice_ranges.items()}
        for voice, (low, high) in self.voice_ranges.items():
            if low > high:
                raise RequestError(f"{VOICE_NAMES[voice]} range is empty ({low} > {high})")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["voice_ranges"] = {str(v): list(r) for v, r in self.voice_ranges.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "GenerationSettings":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "voice_ranges" in known:
            known["voice_ranges"] = {int(v): tuple(r) for v, r in known["voice_ranges"].items()}
        return cls(**known)


def add_harmony_tracks(song: Song, melody_track: int,
                       voices: tuple[int, ...] = (1, 2, 3)) -> tuple[dict[int, int], dict[int, Track]]:
    """Voice -> track for harmonizing `melody_track`: existing A/T/B tracks, new ones where missing.

    The melody track becomes the soprano for the request (its role is not changed in the song).
    Only the `voices` to be written get new tracks. Returns (voice_tracks, new_tracks); new tracks get
    indices after the existing ones.
    """
    voice_tracks: dict[int, int] = {}
    new_tracks: dict[int, Track] = {}
    next_index = len(song.tracks)
    used_channels = {t.channel for t in song.tracks}
    for voice in (1, 2, 3):
        role = list(VoiceRole)[voice]
        existing = next((i for i, t in enumerate(song.tracks) if t.voice == role and i != melody_track), None)
        if existing is not None:
            voice_tracks[voice] = existing
            continue
        if voice not in voices:
            continue
        channel = next(c for c in range(16) if c != 9 and c not in used_channels)
        used_channels.add(channel)
        new_tracks[voice] = Track(name=role.value.capitalize(), program=HARMONY_PROGRAMS[voice], channel=channel,
                                  color=HARMONY_COLOURS[voice], voice=role)
        voice_tracks[voice] = next_index
        next_index += 1
    return voice_tracks, new_tracks


class Composer:
    """Answers requests with suggestions; holds the loaded model (load it once, reuse it)."""

    def __init__(self, model: ModelSession) -> None:
        self.model = model

    # --- the three requests ------------------------------------------------------------------
    def harmonize(self, song: Song, melody_track: int, settings: GenerationSettings,
                  start_tick: int | None = None, end_tick: int | None = None, voices: list[int] | None = None,
                  **callbacks) -> Suggestion:
        """Write alto, tenor and bass (or only the harmony `voices` among 1-3) under the melody.

        The whole melody, or [start_tick, end_tick); harmony voices not written stay as they are.
        """
        melody = song.tracks[melody_track]
        if not melody.notes:
            raise RequestError(f"track {melody.name!r} has no notes to harmonize")
        written = [1, 2, 3] if voices is None else sorted(set(voices) & {1, 2, 3})
        if not written:
            raise RequestError("choose at least one of alto, tenor and bass to harmonize")
        first, last = lane_extent(melody)
        start = first if start_tick is None else start_tick
        end = last if end_tick is None else end_tick
        voice_tracks, new_tracks = add_harmony_tracks(song, melody_track, tuple(written))
        voice_tracks[0] = melody_track
        return self._suggest("harmonize", song, voice_tracks, new_tracks, written, start, end, settings, **callbacks)

    def continue_(self, song: Song, voices: list[int] | None, from_tick: int, bars: int,
                  settings: GenerationSettings, **callbacks) -> Suggestion:
        """Write `bars` bars of the given voices (default: every voice with a track) after `from_tick`."""
        if not 1 <= bars <= 16:
            raise RequestError(f"continue length must be 1..16 bars, not {bars}")
        voice_tracks = self._lane_tracks(song)
        voices = self._writable(song, voice_tracks, voices)
        bar = song.tick_to_bar_beat(from_tick)[0]
        start = from_tick
        end = song.bar_to_tick(bar + bars) if song.bar_to_tick(bar) == from_tick else from_tick + (
            song.bar_to_tick(bar + bars) - song.bar_to_tick(bar))
        return self._suggest("continue", song, voice_tracks, {}, voices, start, end, settings, **callbacks)

    def infill(self, song: Song, voices: list[int] | None, start_tick: int, end_tick: int,
               settings: GenerationSettings, **callbacks) -> Suggestion:
        """Rewrite [start_tick, end_tick) of the given voices, with what surrounds it as context."""
        voice_tracks = self._lane_tracks(song)
        voices = self._writable(song, voice_tracks, voices)
        return self._suggest("infill", song, voice_tracks, {}, voices, start_tick, end_tick, settings, **callbacks)

    # --- shared machinery -----------------------------------------------------------------------
    @staticmethod
    def _lane_tracks(song: Song) -> dict[int, int]:
        lanes = voice_lanes(song)
        return {v: lane.track_index for v, lane in enumerate(lanes) if lane is not None}

    @staticmethod
    def _writable(song: Song, voice_tracks: dict[int, int], voices: list[int] | None) -> list[int]:
        if not voice_tracks:
            raise RequestError("the song has no tracks with notes; draw a melody first")
        chosen = sorted(voice_tracks) if voices is None else sorted(set(voices))
        missing = [VOICE_NAMES[v] for v in chosen if v not in voice_tracks]
        if missing:
            raise RequestError(f"no track has the voice role {', '.join(missing)}; set it in the track panel")
        writable = [v for v in chosen if not song.tracks[voice_tracks[v]].locked]
        if not writable:
            raise RequestError("every chosen track is locked")
        return writable

    def _suggest(self, task: str, song: Song, voice_tracks: dict[int, int], new_tracks: dict[int, Track],
                 voices: list[int], start_tick: int, end_tick: int, settings: GenerationSettings,
                 cancelled: Callable[[], bool] | None = None,
                 progress: Callable[[float], None] | None = None) -> Suggestion:
        if end_tick <= start_tick:
            raise RequestError("the region to write is empty")
        ticks = frame_ticks(song)
        region_first, region_end = start_tick // ticks, math.ceil(end_tick / ticks)
        window_first = max(0, region_first - CONTEXT_FRAMES)
        window_end = region_end + CONTEXT_FRAMES
        frames = window_end - window_first
        origin = window_first * ticks
        region = slice(region_first - window_first, region_end - window_first)

        pitches = np.full((frames, NUM_VOICES), SILENT, dtype=np.int64)
        rank = np.full((frames, NUM_VOICES), HIDDEN_RANK, dtype=np.int64)
        replaced: dict[int, list[Note]] = {}
        velocities = []
        lanes = voice_lanes(song)
        for voice, track_index in voice_tracks.items():
            if track_index >= len(song.tracks):
                continue  # a harmony track that does not exist yet: nothing to read
            track = song.tracks[track_index]
            lane = lanes[voice] if lanes[voice] and lanes[voice].track_index == track_index else None
            lane = lane or Lane(track_index)
            if voice in voices:
                replaced[voice] = [n for n in track.notes if start_tick <= n.start < end_tick and not n.locked
                                   and not track.locked]
                gone = {id(n) for n in replaced[voice]}
                track = track.copy(notes=[n for n in track.notes if id(n) not in gone])
            velocities += [n.velocity for n in track.notes]
            pitches[:, voice] = read_lane(track, lane, origin, frames, ticks)
            first, last = lane_extent(track)
            if last > first:
                lo = max(0, int(round(first / ticks)) - window_first)
                hi = min(frames, int(round(last / ticks)) - window_first)
                rank[lo:hi, voice] = GIVEN_RANK
            if voice in voices:
                kept = locked_frames(track, origin, frames, ticks) | (pitches[:, voice] != SILENT)
                column = rank[:, voice]
                column[region] = np.where(kept[region], GIVEN_RANK, FREE_RANK)
        for voice in voices:
            if voice not in replaced:  # new harmony track: every region cell is free
                rank[region, voice] = FREE_RANK
        if task == "harmonize":
            # Where the melody is silent inside its own span, the harmony is silent too.
            quiet = (pitches[:, 0] == SILENT) & (rank[:, 0] == GIVEN_RANK)
            for voice in voices:
                cells = quiet & (rank[:, voice] == FREE_RANK)
                rank[cells, voice] = GIVEN_RANK
        if not (rank == FREE_RANK).any():
            raise RequestError("nothing to write: every cell in the region is locked or given")

        given_pitches = {v: pitches[:, v][rank[:, v] == GIVEN_RANK] for v in range(NUM_VOICES)}
        shift = octave_shift(given_pitches, TYPICAL_PITCH)
        tokens = np.full((frames, NUM_VOICES), REST, dtype=np.int64)
        sounding = pitches != SILENT
        model_pitches = np.where(sounding, pitches + shift, SILENT)
        while (model_pitches[sounding] > MAX_PITCH).any() or (model_pitches[sounding] < MIN_PITCH).any():
            model_pitches = np.where(sounding & (model_pitches > MAX_PITCH), model_pitches - 12, model_pitches)
            model_pitches = np.where(sounding & (model_pitches < MIN_PITCH), model_pitches + 12, model_pitches)
        tokens[sounding] = model_pitches[sounding] - MIN_PITCH + 1

        key = self._key(song, settings, start_tick, end_tick)
        allowed = self._allowed(settings, key, shift, allow_rest=task != "harmonize")
        seed = settings.seed if settings.seed is not None else int(np.random.default_rng().integers(1 << 31))
        batch_tokens = np.repeat(tokens[None], settings.variants, axis=0)
        batch_rank = np.repeat(rank[None], settings.variants, axis=0)
        confidence = np.ones(batch_tokens.shape, dtype=np.float32)
        chunk_starts = list(range(region.start, region.stop, MAX_CHUNK_FRAMES))
        for n, chunk_start in enumerate(chunk_starts):
            chunk_end = min(chunk_start + MAX_CHUNK_FRAMES, region.stop)
            lo, hi = max(0, chunk_start - CONTEXT_FRAMES), min(frames, chunk_end + CONTEXT_FRAMES)
            sub_rank = batch_rank[:, lo:hi].copy()
            later = np.zeros(sub_rank.shape[1], dtype=bool)
            later[chunk_end - lo:] = True
            sub_rank[:, later] = np.where(sub_rank[:, later] == FREE_RANK, HIDDEN_RANK, sub_rank[:, later])
            visible = np.flatnonzero((sub_rank[0] != HIDDEN_RANK).any(axis=1))  # crop frames nobody sees
            lo, hi = lo + visible[0], lo + visible[-1] + 1
            sub_rank, later = sub_rank[:, visible[0]:visible[-1] + 1], later[visible[0]:visible[-1] + 1]
            chunk_progress = (lambda f, n=n: progress((n + f) / len(chunk_starts))) if progress else None
            result = mask_predict(self.model, batch_tokens[:, lo:hi], sub_rank, allowed, (window_first + lo) % 4,
                                  settings.variants, settings.temperature, seed + n, settings.passes,
                                  cancelled, chunk_progress, settings.voice_rules)
            written = (batch_rank[:, lo:hi] == FREE_RANK) & ~later[None, :, None]
            batch_tokens[:, lo:hi] = np.where(written, result.tokens, batch_tokens[:, lo:hi])
            confidence[:, lo:hi] = np.where(written, result.confidence, confidence[:, lo:hi])
            batch_rank[:, lo:hi] = np.where(written, GIVEN_RANK, batch_rank[:, lo:hi])

        free = rank == FREE_RANK
        velocity = int(np.median(velocities)) if velocities else 90
        variants = []
        for b in range(settings.variants):
            notes = {}
            for voice in voices:
                column = np.where(free[region, voice], batch_tokens[b, region, voice], REST)
                song_pitches = np.array([token_to_pitch(int(t)) for t in column])
                song_pitches = np.where(song_pitches >= 0, song_pitches - shift, SILENT)
                notes[voice] = [n for n in pitches_to_notes(song_pitches, region_first * ticks, ticks, velocity)
                                if n.start < end_tick]
                notes[voice] = [n.moved(duration=min(n.duration, end_tick - n.start)) for n in notes[voice]]
            variants.append(Variant(notes, confidence[b, region]))
        return Suggestion(task, start_tick, end_tick, {v: voice_tracks[v] for v in voice_tracks},
                          {v: t for v, t in new_tracks.items() if v in voices}, replaced, variants, key, seed,
                          settings.to_dict())

    @staticmethod
    def _key(song: Song, settings: GenerationSettings, start_tick: int, end_tick: int) -> KeySignature | None:
        if settings.chromatic:
            return None
        if settings.key:
            return KeySignature.parse(settings.key)
        return song.key_at(start_tick) or detect_key(song)

    @staticmethod
    def _allowed(settings: GenerationSettings, key: KeySignature | None, shift: int, allow_rest: bool) -> np.ndarray:
        """(4, NUM_CLASSES) classes each voice may write, in the model's (shifted) register."""
        allowed = np.zeros((NUM_VOICES, NUM_CLASSES), dtype=bool)
        scale = key.scale_pitch_classes() if key else frozenset(range(12))
        for voice in range(NUM_VOICES):
            low, high = settings.voice_ranges.get(voice, (0, 127))
            for pitch in range(max(low, MIN_PITCH - shift), min(high, MAX_PITCH - shift) + 1):
                if pitch % 12 in scale:
                    allowed[voice, pitch_to_token(pitch + shift)] = True
            if not allowed[voice].any():
                raise RequestError(f"no pitch fits the {VOICE_NAMES[voice]} range {low}-{high} in "
                                   f"{key.name if key else 'any key'}")
            allowed[voice, REST] = allow_rest
        return allowed
