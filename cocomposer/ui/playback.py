"""Playhead, loop region and live playback for the editor, on top of audio.playback.Player.

The playhead position always comes from the player's audio clock; the QTimer here only asks for it
about 30 times a second so the views can repaint. Without an audio device the editor keeps working
and says once why it cannot play.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from cocomposer.audio.errors import AudioError, SoundFontError
from cocomposer.core import Song, Track
from cocomposer.core.song import DRUM_CHANNEL
from cocomposer.ui.document import SongDocument

POLL_INTERVAL_MS = 33
RESCHEDULE_DELAY_MS = 60  # edits while playing are gathered this long before the player re-queues
AUDITION_SECONDS = 0.4


class PlaybackController(QObject):
    """Transport state (playhead, loop, metronome) and the one Player, created on first use."""

    playhead_moved = Signal(int)  # ticks
    state_changed = Signal()  # playing / paused / stopped, loop or metronome toggled
    loop_changed = Signal()  # loop region moved or cleared
    unavailable = Signal(str)  # why playback cannot work; emitted once (again only after a new SoundFont fails)
    ready = Signal()  # a player opened: playback works

    def __init__(self, doc: SongDocument, player_options: dict | None = None, parent: QObject | None = None) -> None:
        """`player_options` go to audio.playback.Player (drivers, soundfont...), e.g. FluidSynth's file driver in tests."""
        super().__init__(parent)
        self.doc = doc
        self.player_options = dict(player_options or {})
        self.playhead = 0
        self.play_started_at = 0
        self.loop_region: tuple[int, int] | None = None
        self.loop_enabled = False
        self.metronome = False
        self.count_in = False
        self.is_playing = False
        self.unavailable_reason: str | None = None
        self._soundfont_failed = False  # the reason is the SoundFont, which another one can cure
        self.audition_song: Song | None = None  # played instead of the document while an AI suggestion is shown
        self._held_channels: dict[int, int] = {}  # pitch -> channel of each note held by hold_note
        self._player = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_INTERVAL_MS)
        self._timer.timeout.connect(self._follow_audio_clock)
        self._reschedule_timer = QTimer(self)
        self._reschedule_timer.setSingleShot(True)
        self._reschedule_timer.setInterval(RESCHEDULE_DELAY_MS)
        self._reschedule_timer.timeout.connect(self._reschedule)
        doc.song_replaced.connect(self._on_song_replaced)
        for signal in (doc.notes_changed, doc.track_changed, doc.tracks_changed, doc.timing_changed):
            signal.connect(self._reschedule_soon)

    # --- the player ------------------------------------------------------------------------
    def _ensure_player(self):
        """The Player, or None (after announcing why once) when there is no audio device or SoundFont."""
        if self._player is not None or self.unavailable_reason is not None:
            return self._player
        try:
            from cocomposer.audio.playback import Player

            self._player = Player(self.doc.song, **self.player_options)
        except AudioError as error:
            self.unavailable_reason = f"Playback unavailable: {error}"
            self._soundfont_failed = isinstance(error, SoundFontError)
            self.unavailable.emit(self.unavailable_reason)
            return None
        self.ready.emit()
        return self._player

    @property
    def available(self) -> bool:
        return self._ensure_player() is not None

    def set_soundfont(self, path: str | None) -> None:
        """Play through another SoundFont (None: the bundled one). An open player is rebuilt on it and
        carries on where it was; a player that failed for want of a usable SoundFont is tried again."""
        self.player_options["soundfont"] = path
        if self._player is not None:
            resume = self.is_playing
            self.pause()
            self._player.close()
            self._player = None
            if resume:
                self.play()
        elif self._soundfont_failed:
            self.unavailable_reason = None
            self._ensure_player()

    # --- transport -------------------------------------------------------------------------
    def toggle_play(self) -> None:
        if self.is_playing:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        player = self._ensure_player()
        if player is None:
            return
        loop = self.loop_region if self.loop_enabled and self.loop_region else None
        start = self.playhead
        if loop and not loop[0] <= start < loop[1]:
            start = loop[0]
        player.song = self.audition_song or self.doc.song
        player.set_metronome(self.metronome, 1 if self.count_in else 0)
        try:
            player.play(start, loop=loop)
        except AudioError as error:
            self.unavailable.emit(f"Playback failed: {error}")
            return
        self.play_started_at = start
        self.is_playing = True
        self._timer.start()
        self.state_changed.emit()

    def pause(self) -> None:
        if not self.is_playing:
            return
        self._player.pause()
        self.is_playing = False
        self._timer.stop()
        self._move_playhead(int(self._player.position_ticks))
        self.state_changed.emit()

    def stop(self) -> None:
        """Stop; the playhead goes back to where play began, or to the start when already stopped there."""
        if self.is_playing:
            self._player.stop()
            self.is_playing = False
            self._timer.stop()
            self._move_playhead(self.play_started_at)
            self.state_changed.emit()
        else:
            self._move_playhead(0)

    def set_playhead(self, tick: int) -> None:
        """Move the playhead (a ruler click); while playing, playback jumps there."""
        tick = max(int(tick), 0)
        if self.is_playing:
            self._player.stop()
            self.is_playing = False
            self._move_playhead(tick)
            self.play()
        else:
            self._move_playhead(tick)

    def current_tick(self) -> int:
        """Where the music is now: the audio clock while playing, else the playhead (ticks)."""
        if self.is_playing and self._player is not None:
            return int(self._player.position_ticks)
        return self.playhead

    def _move_playhead(self, tick: int) -> None:
        if tick != self.playhead:
            self.playhead = tick
            self.playhead_moved.emit(tick)

    def _follow_audio_clock(self) -> None:
        player = self._player
        if player is None:
            return
        self._move_playhead(int(player.position_ticks))
        if not player.is_playing:
            self.is_playing = False
            self._timer.stop()
            self.state_changed.emit()

    # --- loop and metronome ------------------------------------------------------------------
    def set_loop_region(self, start: int, end: int) -> None:
        start, end = sorted((max(int(start), 0), max(int(end), 0)))
        self.loop_region = (start, end) if end > start else None
        self.loop_enabled = self.loop_region is not None
        self.loop_changed.emit()
        self.state_changed.emit()
        self._replay_from_here()

    def set_loop_enabled(self, enabled: bool) -> None:
        self.loop_enabled = bool(enabled and self.loop_region)
        self.loop_changed.emit()
        self.state_changed.emit()
        self._replay_from_here()

    def _replay_from_here(self) -> None:
        """While playing, pick up a new loop setting without a gap in the playhead."""
        if self.is_playing:
            self._move_playhead(self.current_tick())
            self.play()

    def set_metronome(self, enabled: bool) -> None:
        self.metronome = enabled
        if self._player is not None:
            self._player.set_metronome(enabled)
        self.state_changed.emit()

    def set_count_in(self, enabled: bool) -> None:
        self.count_in = enabled
        self.state_changed.emit()

    # --- auditioning ---------------------------------------------------------------------------
    def play_instead(self, song: Song | None) -> None:
        """Play `song` (the document with an AI suggestion in place) instead of the document; None goes back.

        While playing, the change is heard from the current position on.
        """
        self.audition_song = song
        if self._player is not None:
            self._player.song = song or self.doc.song
            self._reschedule_soon()

    def _channel_and_program(self, track: Track | None) -> tuple[int, int]:
        """Where `track` (default: the current one) sounds, so a preview sounds like the track."""
        track = track or self.doc.current_track
        if track is None:
            return 0, 0
        return (DRUM_CHANNEL, 0) if track.is_drum else (track.channel, track.program)

    def audition(self, pitch: int, velocity: int = 96, track: Track | None = None) -> None:
        """Sound a pitch briefly (a drawn or moved note, a keyboard click); silent without a device."""
        player = self._ensure_player()
        if player is None:
            return
        channel, program = self._channel_and_program(track)
        try:
            player.play_note(channel, program, pitch, velocity, AUDITION_SECONDS)
        except AudioError:
            pass  # a failed preview beep is not worth interrupting the edit for

    def hold_note(self, pitch: int, velocity: int) -> None:
        """Sound a pitch on the current track until release_note (a key held on the MIDI keyboard while
        recording); silent without a device."""
        player = self._ensure_player()
        if player is None:
            return
        channel, program = self._channel_and_program(None)
        try:
            player.note_on(channel, program, pitch, velocity)
        except AudioError:
            return  # recording goes on unheard rather than stop over a failed note
        self._held_channels[pitch] = channel

    def release_note(self, pitch: int) -> None:
        channel = self._held_channels.pop(pitch, None)
        if channel is None or self._player is None:
            return
        try:
            self._player.note_off(channel, pitch)
        except AudioError:
            pass

    def _reschedule_soon(self, *_) -> None:
        if self.is_playing:
            self._reschedule_timer.start()

    def _reschedule(self) -> None:
        """Edits made while playing are heard from the current position on."""
        if self.is_playing and self._player is not None:
            self._player.reschedule()

    def close(self) -> None:
        """Free the audio device (on quit)."""
        self._timer.stop()
        if self._player is not None:
            self._player.close()
            self._player = None

    def _on_song_replaced(self) -> None:
        if self.is_playing:
            self.stop()
        if self._player is not None:
            self._player.song = self.doc.song
        self.audition_song = None
        self.loop_region = None
        self.loop_enabled = False
        self._move_playhead(0)
        self.loop_changed.emit()
        self.state_changed.emit()
