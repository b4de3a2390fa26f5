"""Live playback for the editor through FluidSynth's own audio driver, with the playhead on the audio clock.

Notes go through a FluidSynth sequencer that the synth itself advances as the audio driver pulls
samples, so events fire on the audio timeline and `position_ticks` reads that same clock: the playhead
cannot drift from what is heard, whatever the UI's timer does. A small feeder thread keeps the next
LOOKAHEAD_MS of the shared EventSchedule queued (and queues the next pass of a loop), so long songs
never flood the queue. No Qt here: the editor wraps Player and polls `position_ticks`.
"""

from __future__ import annotations

import ctypes
import enum
import os
import sys
import threading
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from cocomposer.audio.errors import AudioDeviceError, AudioError
from cocomposer.audio.schedule import DRUM_BANK, EventKind, EventSchedule, schedule_song
from cocomposer.audio.synth import (DEFAULT_GAIN, DEFAULT_SAMPLE_RATE, SoundFontSynth, collected_fluidsynth_errors,
                                    fluidsynth)
from cocomposer.core import Song, Track
from cocomposer.core.song import DRUM_CHANNEL

SEQUENCER_TICKS_PER_SECOND = 1000  # the sequencer's clock counts milliseconds of rendered audio
START_DELAY_MS = 30  # first events are queued this far ahead so they are never late
LOOKAHEAD_MS = 500  # how much of the song is queued in the sequencer at any moment
FEED_INTERVAL_SECONDS = 0.1  # how often the feeder thread tops the queue up
FINISH_GRACE_MS = 200  # after the last note-off, playback counts as finished this much later

# FluidSynth audio drivers to try, best first. JACK is left out (opening it may start a JACK server), and
# so is SDL2 (FluidSynth needs the application to have initialised SDL first).
PLATFORM_DRIVERS = {
    "linux": ("pipewire", "pulseaudio", "alsa", "oss"),
    "darwin": ("coreaudio", "portaudio"),
    "win32": ("wasapi", "dsound", "waveout"),
}

_library = fluidsynth._fl
_new_sequencer = _library.new_fluid_sequencer2
_new_sequencer.argtypes, _new_sequencer.restype = [ctypes.c_int], ctypes.c_void_p
_delete_sequencer = _library.delete_fluid_sequencer
_delete_sequencer.argtypes, _delete_sequencer.restype = [ctypes.c_void_p], None
_register_synth = _library.fluid_sequencer_register_fluidsynth
_register_synth.argtypes, _register_synth.restype = [ctypes.c_void_p, ctypes.c_void_p], ctypes.c_short
_get_tick = _library.fluid_sequencer_get_tick
_get_tick.argtypes, _get_tick.restype = [ctypes.c_void_p], ctypes.c_uint
_send_at = _library.fluid_sequencer_send_at
_send_at.argtypes, _send_at.restype = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint, ctypes.c_int], ctypes.c_int
_remove_events = _library.fluid_sequencer_remove_events
_remove_events.argtypes = [ctypes.c_void_p, ctypes.c_short, ctypes.c_short, ctypes.c_int]
_remove_events.restype = None
_new_event = _library.new_fluid_event
_new_event.argtypes, _new_event.restype = [], ctypes.c_void_p
_delete_event = _library.delete_fluid_event
_delete_event.argtypes, _delete_event.restype = [ctypes.c_void_p], None
_event_set_source = _library.fluid_event_set_source
_event_set_source.argtypes, _event_set_source.restype = [ctypes.c_void_p, ctypes.c_short], None
_event_set_dest = _library.fluid_event_set_dest
_event_set_dest.argtypes, _event_set_dest.restype = [ctypes.c_void_p, ctypes.c_short], None
_event_noteon = _library.fluid_event_noteon
_event_noteon.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_short, ctypes.c_short]
_event_noteon.restype = None
_event_noteoff = _library.fluid_event_noteoff
_event_noteoff.argtypes, _event_noteoff.restype = [ctypes.c_void_p, ctypes.c_int, ctypes.c_short], None
_settings_setstr = _library.fluid_settings_setstr
_settings_setstr.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
_settings_setstr.restype = ctypes.c_int
_settings_getint = _library.fluid_settings_getint
_settings_getint.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
_settings_getint.restype = ctypes.c_int
_new_audio_driver = _library.new_fluid_audio_driver
_new_audio_driver.argtypes, _new_audio_driver.restype = [ctypes.c_void_p, ctypes.c_void_p], ctypes.c_void_p
_delete_audio_driver = _library.delete_fluid_audio_driver
_delete_audio_driver.argtypes, _delete_audio_driver.restype = [ctypes.c_void_p], None


def platform_drivers() -> tuple[str, ...]:
    """FluidSynth audio driver names worth trying on this operating system, best first."""
    return PLATFORM_DRIVERS.get(sys.platform, PLATFORM_DRIVERS["linux"])


class PlayerState(enum.Enum):
    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"


@dataclass
class _Pass:
    """One pass over a schedule (the whole window, or one turn of a loop) placed on the sequencer clock."""

    schedule: EventSchedule
    start_ms: int  # sequencer time (ms of rendered audio) at which schedule second 0 plays
    event_ms: np.ndarray = field(init=False)  # each event's sequencer time
    next_event: int = 0  # index of the first event not yet queued

    def __post_init__(self) -> None:
        self.event_ms = self.start_ms + np.rint(self.schedule.seconds * SEQUENCER_TICKS_PER_SECOND).astype(np.int64)

    @property
    def end_ms(self) -> int:
        return self.start_ms + int(round(self.schedule.duration_seconds * SEQUENCER_TICKS_PER_SECOND))


class Player:
    """Plays a Song live: play/pause/stop, loop regions, metronome with count-in, note preview.

    Construction opens the audio device and raises AudioDeviceError (with the reason) when none can
    be opened; rendering to WAV does not need a Player. Public methods are thread-safe. Edits to
    `song` made while playing are heard after reschedule().
    """

    def __init__(
        self,
        song: Song,
        soundfont: str | os.PathLike | None = None,
        sample_rate: int = DEFAULT_SAMPLE_RATE,
        gain: float = DEFAULT_GAIN,
        drivers: Sequence[str] | None = None,
        driver_settings: dict[str, str | int | float] | None = None,
    ) -> None:
        """`drivers` are FluidSynth audio driver names to try in order (default: the platform's);
        `driver_settings` are extra FluidSynth settings such as `audio.file.name` for the file driver."""
        self.song = song
        self.metronome_enabled = False
        self.count_in_bars = 0
        self._synth = SoundFontSynth(soundfont, sample_rate, gain, extra_settings=driver_settings)
        self.soundfont_path = self._synth.soundfont_path  # what it sounds through (the bundled one for None)
        self._lock = self._synth.lock
        self._sequencer = _new_sequencer(0)  # 0: advanced by the synth's sample clock, not the system timer
        self._synth_client = _register_synth(self._sequencer, self._synth.handle)
        if self._synth_client < 0:
            _delete_sequencer(self._sequencer)
            self._synth.close()
            raise AudioError("FluidSynth could not attach its sequencer to the synthesizer")
        self._event = _new_event()
        _event_set_source(self._event, -1)
        _event_set_dest(self._event, self._synth_client)
        self._driver = None
        try:
            self.driver_name = self._open_audio_driver(tuple(drivers) if drivers is not None else platform_drivers())
        except AudioDeviceError:
            self._release_native()
            raise
        self.output_latency_ms = self._buffer_latency_ms()
        self.state = PlayerState.STOPPED
        self._passes: list[_Pass] = []
        self._loop: tuple[int, int] | None = None
        self._loop_schedule: EventSchedule | None = None  # one pass of the loop region, reused every turn
        self._extra_tracks: list[Track] = []
        self._resume_tick = 0
        self._wake = threading.Event()
        self._closed = False
        self._feeder = threading.Thread(target=self._feed_forever, name="cocomposer-playback-feeder", daemon=True)
        self._feeder.start()

    # --- device ---------------------------------------------------------------------------------
    def _open_audio_driver(self, drivers: Sequence[str]) -> str:
        """Start the first driver in `drivers` that opens a device and return its name; otherwise raise
        AudioDeviceError carrying FluidSynth's own reason for each failure."""
        reasons: list[str] = []
        for name in drivers:
            with collected_fluidsynth_errors() as errors:
                if _settings_setstr(self._synth.settings_handle, b"audio.driver", name.encode()) == 0:
                    driver = _new_audio_driver(self._synth.settings_handle, self._synth.handle)
                else:
                    driver, errors = None, ["not available in this FluidSynth build"]
            if driver:
                self._driver = driver
                return name
            reasons.append(f"{name}: {errors[0].rstrip('.') if errors else 'failed'}")
        tried = "; ".join(reasons) if reasons else "no driver to try"
        raise AudioDeviceError(f"no audio output device could be opened ({tried}). Rendering to WAV still works.")

    def _buffer_latency_ms(self) -> int:
        """How far the rendered (sequencer) clock runs ahead of what is heard: the driver's buffer."""
        period_frames, periods = ctypes.c_int(0), ctypes.c_int(0)
        _settings_getint(self._synth.settings_handle, b"audio.period-size", ctypes.byref(period_frames))
        _settings_getint(self._synth.settings_handle, b"audio.periods", ctypes.byref(periods))
        return int(round(period_frames.value * periods.value * 1000 / self._synth.sample_rate))

    @property
    def audio_clock_ms(self) -> int:
        """Milliseconds of audio the driver has pulled from the synth since the player opened."""
        return int(_get_tick(self._sequencer))

    # --- transport ------------------------------------------------------------------------------
    @property
    def is_playing(self) -> bool:
        return self.state is PlayerState.PLAYING

    @property
    def position_ticks(self) -> float:
        """The song tick being heard now (while playing), or where play() will resume."""
        with self._lock:
            if self.state is not PlayerState.PLAYING or not self._passes:
                return float(self._resume_tick)
            heard_ms = self.audio_clock_ms - self.output_latency_ms
            current = next((p for p in reversed(self._passes) if p.start_ms <= heard_ms), self._passes[0])
            return current.schedule.tick_at((heard_ms - current.start_ms) / SEQUENCER_TICKS_PER_SECOND)

    def play(self, from_tick: int | None = None, loop: tuple[int, int] | None = None,
             extra_tracks: Iterable[Track] | None = None) -> None:
        """Play the song's audible tracks (plus `extra_tracks`, e.g. AI suggestions being auditioned)
        from `from_tick` (None: where it paused or stopped), after the count-in if one is set. With
        `loop` = (start_tick, end_tick) the region repeats until stopped; a start outside the region
        starts at the region's start."""
        with self._lock:
            start_tick = self._resume_tick if from_tick is None else max(int(from_tick), 0)
            self._start(start_tick, loop, list(extra_tracks or []), self.count_in_bars)

    def _start(self, start_tick: int, loop: tuple[int, int] | None, extra_tracks: list[Track],
               count_in_bars: int) -> None:
        self._check_open()
        if loop is not None:
            loop = (int(loop[0]), int(loop[1]))
            if loop[1] <= loop[0]:
                raise ValueError(f"loop end ({loop[1]} ticks) must be after its start ({loop[0]} ticks)")
            if not loop[0] <= start_tick < loop[1]:
                start_tick = loop[0]
        self._cancel_queued()
        self._loop, self._extra_tracks = loop, extra_tracks
        schedule = schedule_song(self.song, start_tick, loop[1] if loop else None, extra_tracks,
                                 self.metronome_enabled, count_in_bars)
        self._loop_schedule = (schedule_song(self.song, loop[0], loop[1], extra_tracks, self.metronome_enabled)
                               if loop else None)
        self._set_up_channels(schedule)
        self._passes = [_Pass(schedule, self.audio_clock_ms + START_DELAY_MS)]
        self._resume_tick = start_tick
        self.state = PlayerState.PLAYING
        self._feed()
        self._wake.set()

    def pause(self) -> None:
        """Stop where we are, letting sounding notes release; play() resumes from here."""
        with self._lock:
            if self.state is PlayerState.PLAYING:
                self._resume_tick = int(self.position_ticks)
                self._cancel_queued()
                self.state = PlayerState.PAUSED

    def stop(self) -> None:
        """Silence everything at once (all sound off on every channel) and stop; the position stays."""
        with self._lock:
            if self.state is PlayerState.PLAYING:
                self._resume_tick = int(self.position_ticks)
            self._cancel_queued()
            self._synth.silence()
            self.state = PlayerState.STOPPED

    def set_metronome(self, enabled: bool, count_in_bars: int | None = None) -> None:
        """Click on every beat (accent on bar lines); with `count_in_bars`, that many bars of clicks
        precede each play(). Takes effect at once when playing."""
        with self._lock:
            self.metronome_enabled = bool(enabled)
            if count_in_bars is not None:
                self.count_in_bars = max(int(count_in_bars), 0)
            if self.is_playing:
                self.reschedule()

    def reschedule(self) -> None:
        """Pick up edits to the song (or metronome) while playing, continuing from the current position."""
        with self._lock:
            if self.is_playing:
                self._start(int(self.position_ticks), self._loop, self._extra_tracks, count_in_bars=0)

    def play_note(self, channel: int, program: int, pitch: int, velocity: int = 96, seconds: float = 0.5) -> None:
        """Sound one note now for `seconds` (clicking the keyboard, drawing a note); channel 9 plays drums."""
        with self._lock:
            self.note_on(channel, program, pitch, velocity)
            _event_noteoff(self._event, channel, pitch)
            _send_at(self._sequencer, self._event, int(round(seconds * SEQUENCER_TICKS_PER_SECOND)), 0)

    def note_on(self, channel: int, program: int, pitch: int, velocity: int = 96) -> None:
        """Start one note now that sounds until note_off (a key held on a MIDI keyboard); channel 9 plays drums."""
        with self._lock:
            self._check_open()
            self._synth.select_program(channel, program, DRUM_BANK if channel == DRUM_CHANNEL else 0)
            self._synth.apply(EventKind.NOTE_ON, channel, pitch, velocity)

    def note_off(self, channel: int, pitch: int) -> None:
        """Release a note started by note_on."""
        with self._lock:
            self._check_open()
            self._synth.apply(EventKind.NOTE_OFF, channel, pitch, 0)

    # --- scheduling -----------------------------------------------------------------------------
    def _set_up_channels(self, schedule: EventSchedule) -> None:
        """Apply programs, volumes and pans now, in this thread, so SoundFont samples load before the
        audio thread needs them; the sequencer then carries only notes."""
        set_up = np.flatnonzero(schedule.kinds <= EventKind.CONTROL)
        for index in set_up.tolist():
            self._synth.apply(int(schedule.kinds[index]), int(schedule.channels[index]),
                              int(schedule.data1[index]), int(schedule.data2[index]))

    def _check_open(self) -> None:
        if self._closed:
            raise AudioError("the player is closed")

    def _cancel_queued(self) -> None:
        """Drop every queued event and release notes still held by the previous playback."""
        _remove_events(self._sequencer, -1, -1, -1)
        if self._passes:
            self._synth.release_all()
        self._passes = []

    def _queue(self, playing: _Pass, horizon_ms: int) -> None:
        """Send `playing`'s note events due before `horizon_ms` to the sequencer."""
        schedule = playing.schedule
        stop = int(np.searchsorted(playing.event_ms, horizon_ms, side="left"))
        for index in range(playing.next_event, stop):
            kind = schedule.kinds[index]
            channel, pitch = int(schedule.channels[index]), int(schedule.data1[index])
            if kind == EventKind.NOTE_ON:
                _event_noteon(self._event, channel, pitch, int(schedule.data2[index]))
            elif kind == EventKind.NOTE_OFF:
                _event_noteoff(self._event, channel, pitch)
            else:
                continue
            _send_at(self._sequencer, self._event, int(playing.event_ms[index]), 1)
        playing.next_event = max(playing.next_event, stop)

    def _feed(self) -> None:
        """Queue what is due within LOOKAHEAD_MS, start the next loop pass, notice the end of the song."""
        now_ms = self.audio_clock_ms
        horizon_ms = now_ms + LOOKAHEAD_MS
        current = self._passes[-1]
        self._queue(current, horizon_ms)
        # Loop passes shorter than the look-ahead need several turns queued at once; a pass that
        # rounds to zero milliseconds would never end, so it is not repeated.
        while self._loop_schedule is not None and current.start_ms < current.end_ms < horizon_ms:
            current = _Pass(self._loop_schedule, current.end_ms)
            self._passes.append(current)
            self._queue(current, horizon_ms)
        self._passes = [p for p in self._passes if p.end_ms > now_ms - self.output_latency_ms] or self._passes[-1:]
        if self._loop is None and now_ms - self.output_latency_ms > current.end_ms + FINISH_GRACE_MS:
            self._resume_tick = current.schedule.end_tick
            self._passes = []
            self.state = PlayerState.STOPPED

    def _feed_forever(self) -> None:
        while not self._closed:
            self._wake.wait(FEED_INTERVAL_SECONDS)
            self._wake.clear()
            with self._lock:
                if self.state is PlayerState.PLAYING and not self._closed:
                    self._feed()

    # --- lifetime -------------------------------------------------------------------------------
    def _release_native(self) -> None:
        """Free the driver first (it calls into the synth from its thread), then sequencer, then synth."""
        if self._driver:
            _delete_audio_driver(self._driver)
            self._driver = None
        _delete_event(self._event)
        _delete_sequencer(self._sequencer)
        self._synth.close()

    def close(self) -> None:
        """Stop playback and free the audio device; the Player is unusable afterwards. Safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._cancel_queued()
        self._wake.set()
        self._feeder.join()
        with self._lock:
            self._release_native()

    def __enter__(self) -> "Player":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
