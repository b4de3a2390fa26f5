"""Offline rendering of a Song to audio (a numpy array or a 16/24-bit WAV file), faster than real time.

FluidSynth starts and stops notes only on its 64-frame block boundaries, whatever the caller does
between reads. Each event is therefore applied at the block boundary nearest its exact frame, which
bounds the timing error by half a block (32 frames, 0.73 ms at 44.1 kHz); stopping the read exactly
at the event's frame would instead delay it to the *next* boundary (up to 63 frames, 1.4 ms late).
Event-free spans are rendered in one call straight into the output buffer, so Python does work per
distinct event time, never per frame.
"""

from __future__ import annotations

import math
import os
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from cocomposer.atomic_files import atomic_output
from cocomposer.audio.schedule import EventSchedule, schedule_song
from cocomposer.audio.synth import DEFAULT_GAIN, DEFAULT_SAMPLE_RATE, FLUIDSYNTH_BLOCK_FRAMES, SoundFontSynth
from cocomposer.core import Song, Track

SUPPORTED_BIT_DEPTHS = (16, 24)
MIN_SAMPLE_RATE, MAX_SAMPLE_RATE = 8000, 96000  # what FluidSynth accepts
MAX_TAIL_SECONDS = 5.0  # longest release/reverb tail kept after the last note-off
SILENCE_THRESHOLD = 10 ** (-80 / 20)  # -80 dBFS: a tail quieter than this is over
TAIL_CHUNK_FRAMES = 64 * FLUIDSYNTH_BLOCK_FRAMES  # tail rendered in steps of 4096 frames (~93 ms)
SPAN_CHUNK_FRAMES = 1024 * FLUIDSYNTH_BLOCK_FRAMES  # long event-free spans report progress every ~1.5 s of audio
WAV_WRITE_CHUNK_FRAMES = 1 << 18  # converted to PCM a piece at a time to bound extra memory
PROGRESS_STEP = 0.01  # report progress at most every 1 %
RENDER_SHARE_OF_PROGRESS = 0.95  # the WAV writer reports the last 5 %

ProgressCallback = Callable[[float], object]


@dataclass(frozen=True)
class RenderResult:
    """What render_to_wav wrote: where, in which format, how long and how loud."""

    path: Path
    sample_rate: int
    bit_depth: int
    frames: int
    peak: float  # largest absolute sample before conversion to PCM; 1.0 is full scale

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate

    @property
    def clipped(self) -> bool:
        """True when some samples exceeded full scale and were clipped (lower the gain)."""
        return self.peak > 1.0


class _ProgressReporter:
    """Calls `progress(fraction)` with fractions scaled into [low, high], at most every PROGRESS_STEP."""

    def __init__(self, progress: ProgressCallback | None, low: float = 0.0, high: float = 1.0) -> None:
        self._progress, self._low, self._high = progress, low, high
        self._last_reported = -1.0

    def __call__(self, fraction: float) -> None:
        if self._progress is None:
            return
        fraction = min(max(fraction, 0.0), 1.0)
        if fraction >= 1.0 or fraction - self._last_reported >= PROGRESS_STEP:
            self._last_reported = fraction
            self._progress(self._low + (self._high - self._low) * fraction)


def _block_aligned_frames(schedule: EventSchedule, sample_rate: int) -> np.ndarray:
    """Each event's frame index rounded to the nearest FluidSynth block boundary (see module docstring)."""
    blocks = np.rint(schedule.seconds * (sample_rate / FLUIDSYNTH_BLOCK_FRAMES)).astype(np.int64)
    return blocks * FLUIDSYNTH_BLOCK_FRAMES


def render_schedule(
    synth: SoundFontSynth,
    schedule: EventSchedule,
    progress: ProgressCallback | None = None,
    max_tail_seconds: float = MAX_TAIL_SECONDS,
) -> np.ndarray:
    """Render `schedule` on a fresh `synth` (its 64-frame block grid starts at our frame 0) as
    (frames, 2) float32 stereo at the synth's rate.

    The result covers the schedule's duration plus the release tail, which ends when the output stays
    below -80 dBFS or after `max_tail_seconds`. `progress(fraction)` is called as rendering advances;
    an exception raised from it aborts the render.
    """
    rate = synth.sample_rate
    report = _ProgressReporter(progress)
    event_frames = _block_aligned_frames(schedule, rate)
    song_frames = max(int(math.ceil(schedule.duration_seconds * rate)), int(event_frames.max(initial=0)))
    tail_frames = int(math.ceil(max_tail_seconds * rate / TAIL_CHUNK_FRAMES)) * TAIL_CHUNK_FRAMES
    output = np.empty((song_frames + tail_frames, 2), np.float32)  # every frame kept is rendered

    group_starts = np.flatnonzero(np.diff(event_frames, prepend=-1))
    group_stops = np.append(group_starts[1:], len(event_frames))
    cursor = 0  # frames rendered so far

    def render_until(target: int) -> None:
        nonlocal cursor
        while cursor < target:
            step = min(target - cursor, SPAN_CHUNK_FRAMES)
            synth.render_into(output[cursor:cursor + step])
            cursor += step
            report(cursor / song_frames)

    for first, stop in zip(group_starts.tolist(), group_stops.tolist()):
        render_until(int(event_frames[first]))
        synth.apply_events(schedule, first, stop)
    render_until(song_frames)

    while cursor < len(output):
        chunk = output[cursor:cursor + TAIL_CHUNK_FRAMES]
        synth.render_into(chunk)
        cursor += len(chunk)
        if np.abs(chunk).max() < SILENCE_THRESHOLD:
            break
    audible = np.flatnonzero(np.abs(output[song_frames:cursor]).max(axis=1) >= SILENCE_THRESHOLD)
    end = song_frames + (int(audible[-1]) + 1 if len(audible) else 0)
    report(1.0)
    return output[:end]


def _check_format(sample_rate: int, bit_depth: int) -> None:
    if not MIN_SAMPLE_RATE <= sample_rate <= MAX_SAMPLE_RATE:
        raise ValueError(f"sample rate must be {MIN_SAMPLE_RATE}..{MAX_SAMPLE_RATE} Hz, not {sample_rate}")
    if bit_depth not in SUPPORTED_BIT_DEPTHS:
        raise ValueError(f"bit depth must be 16 or 24, not {bit_depth}")


def render_to_array(
    song: Song,
    soundfont: str | os.PathLike | None = None,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    progress: ProgressCallback | None = None,
    extra_tracks: Iterable[Track] | None = None,
    start_tick: int = 0,
    end_tick: int | None = None,
    gain: float = DEFAULT_GAIN,
    effects: bool = True,
    max_tail_seconds: float = MAX_TAIL_SECONDS,
) -> np.ndarray:
    """The audible tracks of `song` (plus `extra_tracks`) between start_tick and end_tick as
    (frames, 2) float32 stereo at `sample_rate`, release tail included.

    `soundfont` None means the bundled General MIDI SoundFont; `effects` switches reverb and chorus.
    """
    _check_format(sample_rate, SUPPORTED_BIT_DEPTHS[0])
    schedule = schedule_song(song, start_tick, end_tick, extra_tracks or ())
    with SoundFontSynth(soundfont, sample_rate, gain, reverb=effects, chorus=effects) as synth:
        return render_schedule(synth, schedule, progress, max_tail_seconds)


def _pcm_bytes(frames: np.ndarray, bit_depth: int) -> bytes:
    """Interleaved little-endian signed PCM for float frames in [-1, 1] (clipped beyond)."""
    clipped = np.clip(frames, -1.0, 1.0)
    if bit_depth == 16:
        return np.rint(clipped * 32767.0).astype("<i2").tobytes()
    as_int32 = np.rint(clipped.astype(np.float64) * 8388607.0).astype("<i4")
    return as_int32.reshape(-1, 1).view(np.uint8)[:, :3].tobytes()  # low three bytes of each sample


def write_wav(audio: np.ndarray, path: str | os.PathLike, sample_rate: int, bit_depth: int = 16,
              progress: ProgressCallback | None = None) -> Path:
    """Write (frames, 2) float audio as PCM WAV via a temporary file renamed over `path`, so a failure
    part-way never leaves a truncated file where the user expects their export."""
    _check_format(sample_rate, bit_depth)
    target = Path(path)
    report = _ProgressReporter(progress)
    with atomic_output(target) as stream:
        with wave.open(stream, "wb") as writer:
            writer.setnchannels(2)
            writer.setsampwidth(bit_depth // 8)
            writer.setframerate(sample_rate)
            for start in range(0, len(audio), WAV_WRITE_CHUNK_FRAMES):
                writer.writeframes(_pcm_bytes(audio[start:start + WAV_WRITE_CHUNK_FRAMES], bit_depth))
                report((start + WAV_WRITE_CHUNK_FRAMES) / len(audio))
    report(1.0)
    return target


def render_to_wav(
    song: Song,
    path: str | os.PathLike,
    soundfont: str | os.PathLike | None = None,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    bit_depth: int = 16,
    progress: ProgressCallback | None = None,
    extra_tracks: Iterable[Track] | None = None,
    gain: float = DEFAULT_GAIN,
    effects: bool = True,
) -> RenderResult:
    """Render `song` to a stereo 16- or 24-bit PCM WAV at `path` and describe what was written.

    `progress(fraction)` runs in the calling thread; raising from it cancels the export and leaves
    any existing file at `path` untouched.
    """
    _check_format(sample_rate, bit_depth)
    audio = render_to_array(song, soundfont, sample_rate, _ProgressReporter(progress, 0.0, RENDER_SHARE_OF_PROGRESS),
                            extra_tracks, gain=gain, effects=effects)
    written = write_wav(audio, path, sample_rate, bit_depth, _ProgressReporter(progress, RENDER_SHARE_OF_PROGRESS, 1.0))
    peak = float(max(audio.max(initial=0.0), -audio.min(initial=0.0)))  # no |audio| temporary
    return RenderResult(written, sample_rate, bit_depth, len(audio), peak)
