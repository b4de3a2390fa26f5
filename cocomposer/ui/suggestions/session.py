"""Asking the AI from the editor, and keeping its answer apart from the song until the person decides.

The session turns the editor's state (current track, selected notes, loop region, playhead, the AI
panel's settings) into a harmonize / continue / infill request, runs it on the job pool with the model
loaded once, shows the answer as a Proposal, and turns decisions into undo commands. An answer that
arrives after the song changed is set aside: it was written for a song that no longer exists.

Variants are written one after another and each is shown as soon as it is ready: on a CPU a batch of
four costs about four single ones, so the first ghost notes come as fast as a one-variant request.
"""

from __future__ import annotations

import os
import random
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QThreadPool, Signal

from cocomposer.ai import model_session
from cocomposer.ai.composer import Composer, GenerationSettings
from cocomposer.ai.decode import Cancelled
from cocomposer.ai.errors import AIError, ModelError, RequestError
from cocomposer.ai.grid import voice_lanes
from cocomposer.ai.suggestions import Suggestion
from cocomposer.ai.vocabulary import NUM_VOICES
from cocomposer.core import Song, Track, VoiceRole
from cocomposer.core.editing import span
from cocomposer.ui.document import SongDocument
from cocomposer.ui.jobs import Job, JobCancelled, ProgressCallback
from cocomposer.ui.playback import PlaybackController
from cocomposer.ui.suggestions.commands import AcceptSuggestionCommand
from cocomposer.ui.suggestions.proposal import GhostNote, NoteEdit, Proposal

VOICE_LABELS = ("Soprano", "Alto", "Tenor", "Bass")
TASK_VERBS = {"harmonize": "Harmonizing", "continue": "Continuing", "infill": "Rewriting"}
TASK_NOUNS = {"harmonize": "harmony", "continue": "continuation", "infill": "rewrite"}
MAX_INFERENCE_THREADS = 4


def how_to_decide(variants: int) -> str:
    """The keys and clicks that decide on a shown suggestion, for the panel and the status bar."""
    cycle = "Tab cycles variants, " if variants > 1 else ""
    return f"{cycle}Enter accepts, Esc rejects, click a ghost note to take just that note"


def inference_threads() -> int:
    """onnxruntime threads for the editor: every core but one, which the window keeps for painting.

    On 2 shared cores one thread harmonized 8 bars in 485 ms where onnxruntime's default (2 spinning
    threads) took 905 ms (docs/BENCHMARKS.md).
    """
    return max(1, min((os.cpu_count() or 2) - 1, MAX_INFERENCE_THREADS))


@dataclass
class AISettings:
    """Everything the AI panel steers, saved with the project in song.ai_settings (never the seed)."""

    generation: GenerationSettings = field(default_factory=GenerationSettings)
    continue_bars: int = 4
    voices: tuple[int, ...] = (0, 1, 2, 3)  # voices the AI may write

    def to_dict(self) -> dict:
        data = self.generation.to_dict()
        data.pop("seed")
        data["continue_bars"] = self.continue_bars
        data["voices"] = list(self.voices)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "AISettings":
        """Settings from a project; anything damaged falls back to the defaults rather than blocking the AI."""
        try:
            generation = GenerationSettings.from_dict({k: v for k, v in data.items() if k != "seed"})
            bars = min(max(int(data.get("continue_bars", 4)), 1), 16)
            voices = tuple(sorted({int(v) for v in data.get("voices", range(NUM_VOICES)) if 0 <= int(v) < NUM_VOICES}))
        except (AIError, TypeError, ValueError, AttributeError):
            return cls()
        return cls(generation, bars, voices)


@dataclass(frozen=True)
class Ask:
    """What a request is about and the settings it is asked with, fixed when it is made so Regenerate can ask
    the same again (with a new seed)."""

    task: str  # "harmonize" | "continue" | "infill"
    voices: tuple[int, ...]
    start_tick: int | None
    end_tick: int | None
    settings: GenerationSettings
    melody_track: Track | None = None  # harmonize: the track that is the soprano
    bars: int = 0  # continue: how many bars

    def run(self, composer: Composer, song: Song, melody_index: int, settings: GenerationSettings,
            **callbacks) -> Suggestion:
        if self.task == "harmonize":
            return composer.harmonize(song, melody_index, settings, self.start_tick, self.end_tick,
                                      voices=list(self.voices), **callbacks)
        if self.task == "continue":
            return composer.continue_(song, list(self.voices), self.start_tick, self.bars, settings, **callbacks)
        return composer.infill(song, list(self.voices), self.start_tick, self.end_tick, settings, **callbacks)


class PendingRequest(QObject):
    """One request on the job pool. A child of the session, so its slots die with the session."""

    variant_ready = Signal(object)  # the Suggestion so far, emitted from the worker after each variant

    def __init__(self, session: "SuggestionSession", ask: Ask, variants: int,
                 work: Callable[["PendingRequest", ProgressCallback], object]) -> None:
        super().__init__(session)
        self.session, self.ask, self.variants = session, ask, variants
        self.revision = session.revision
        self.track_roles = session.track_roles()
        self.cancel_event = threading.Event()
        self.job = Job(lambda report: work(self, report))
        self.job.signals.progress.connect(session.progress)
        self.variant_ready.connect(self.grown)
        self.job.signals.succeeded.connect(self.succeeded)
        self.job.signals.failed.connect(self.failed)
        self.job.signals.cancelled.connect(self.cancelled)

    def start(self) -> None:
        QThreadPool.globalInstance().start(self.job)

    def cancel(self) -> None:
        self.cancel_event.set()
        self.job.cancel()

    def grown(self, suggestion: Suggestion) -> None:
        self.session._variants_arrived(self, suggestion)

    def succeeded(self, suggestion: Suggestion) -> None:
        self.session._request_finished(self)
        self.deleteLater()

    def failed(self, message: str) -> None:
        self.session._request_failed(self, message)
        self.deleteLater()

    def cancelled(self) -> None:
        self.session._request_cancelled(self)
        self.deleteLater()


class SuggestionSession(QObject):
    """The one place the editor talks to the AI: asking, showing, cycling, accepting and rejecting."""

    proposal_changed = Signal()
    busy_changed = Signal(bool)
    progress = Signal(float)  # 0..1 of the running request
    message = Signal(str)  # one line for the panel and the status bar
    model_changed = Signal()  # the model became ready or unusable
    settings_changed = Signal()  # another song's settings were loaded

    def __init__(self, doc: SongDocument, playback: PlaybackController, model_path: str | Path | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc, self.playback = doc, playback
        self.model_path = Path(model_path) if model_path else model_session.default_model_path()
        self.settings = AISettings.from_dict(doc.song.ai_settings)
        self.revision = 0  # counts edits to the song; a request remembers it to know its answer is current
        self.proposal: Proposal | None = None
        self.model_note = ""
        self.model_problem: str | None = None
        self._composer: Composer | None = None
        self._model_lock = threading.Lock()
        self._warm_up: Job | None = None
        self._pending: PendingRequest | None = None  # the request being written, maybe already partly shown
        self._growing: PendingRequest | None = None  # the request whose variants the shown proposal collects
        self._last_ask: Ask | None = None
        self._last_seed: int | None = None
        self._own_edit = False
        self._check_model_file()
        for signal in (doc.notes_changed, doc.tracks_changed, doc.timing_changed):
            signal.connect(self._song_edited)
        doc.track_changed.connect(self._track_changed)
        doc.song_replaced.connect(self._song_replaced)

    # --- the model ---------------------------------------------------------------------------------
    @property
    def model_ready(self) -> bool:
        return self._composer is not None

    def _check_model_file(self) -> None:
        if not self.model_path.is_file():
            self.model_problem = (f"The AI model is missing ({self.model_path}). Editing and playback work as "
                                  "usual; reinstall CoComposer to get the model back.")

    def look_for_model_again(self) -> None:
        """After a missing model was put back: try again without restarting."""
        self.model_problem = None
        self._check_model_file()
        self.model_changed.emit()
        self.prepare_model()

    def prepare_model(self) -> None:
        """Load the model in the background now (once), so the first request does not wait for it."""
        if self._composer is not None or self.model_problem or self._warm_up is not None:
            return
        job = Job(lambda progress: self._load_composer())
        job.signals.succeeded.connect(self._model_loaded)
        job.signals.failed.connect(self._model_failed)
        self._warm_up = job
        QThreadPool.globalInstance().start(job)

    def _load_composer(self) -> Composer:
        """On a worker thread: the Composer, loading the model the first time (ModelError says why not)."""
        with self._model_lock:
            if self._composer is None:
                try:
                    model = model_session.load_model(self.model_path, threads=inference_threads())
                except ModelError as error:
                    self.model_problem = f"The AI is unavailable: {error}. Editing and playback work as usual."
                    self.model_changed.emit()  # queued to the UI thread
                    raise
                self.model_note = f"{self.model_path.name}, {model.device_note}"
                self._composer = Composer(model)
                self.model_changed.emit()
            return self._composer

    def _model_loaded(self, _composer) -> None:
        self._warm_up = None

    def _model_failed(self, message: str) -> None:
        self._warm_up = None
        self.message.emit(self.model_problem or message)

    # --- asking ------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._pending is not None

    @property
    def variant_total(self) -> int:
        """Variants of the shown proposal, counting those still being written."""
        if self.proposal is None:
            return 0
        coming = self._pending.variants if self._pending is not None and self._pending is self._growing else 0
        return max(self.proposal.variant_count, coming)

    def update_settings(self, settings: AISettings) -> None:
        """Use `settings` from now on and store them in the song (only when they differ, so an unchanged
        song stays byte-for-byte the same); the song then has unsaved changes."""
        self.settings = settings
        data = settings.to_dict()
        if self.doc.song.ai_settings != data:
            self.doc.set_ai_settings(data)

    def ask(self, task: str) -> bool:
        """Start a harmonize / continue / infill request on what the editor has selected; False if it cannot."""
        if self.model_problem:
            self.message.emit(self.model_problem)
            return False
        try:
            ask = self.scope(task)
        except RequestError as error:
            self.message.emit(str(error))
            return False
        self._start(ask)
        return True

    def regenerate(self) -> bool:
        """The last request again with the settings it was asked with (not what the panel shows now) and a new
        seed: another throw of the same dice. Harmonize, Continue and Rewrite take the panel's settings as they are."""
        if self._last_ask is None or self.model_problem:
            return False
        if self._last_ask.melody_track is not None and all(t is not self._last_ask.melody_track
                                                           for t in self.doc.song.tracks):
            self.message.emit("The melody track of the last request is gone; ask again")
            return False
        self._start(self._last_ask)
        return True

    @property
    def can_regenerate(self) -> bool:
        return self._last_ask is not None and not self.model_problem

    def scope(self, task: str) -> Ask:
        """The request `task` would make now: on the selected notes, else the loop region, else the playhead.
        A rewrite of selected notes writes only their track; a loop region, every track the AI may write."""
        doc, playback, song = self.doc, self.playback, self.doc.song
        selection = doc.selection
        loop = playback.loop_region if playback.loop_enabled else None
        playhead = playback.playhead
        allowed, settings = set(self.settings.voices), self.settings.generation
        if task == "harmonize":
            track = doc.current_track
            if track is None or not track.notes:
                raise RequestError("Choose a track with a melody to harmonize")
            locked_roles = {t.voice for t in song.tracks if t.locked and t is not track}
            voices = tuple(v for v in (1, 2, 3) if v in allowed and list(VoiceRole)[v] not in locked_roles)
            if not voices:
                raise RequestError("Tick alto, tenor or bass under 'The AI may write' (and unlock its track) "
                                   "to harmonize")
            start, end = span(selection) if selection else loop if loop else (playhead or None, None)
            return Ask(task, voices, start, end, settings, melody_track=track)
        lanes = voice_lanes(song)
        voices = tuple(v for v in sorted(allowed)
                       if lanes[v] is not None and not song.tracks[lanes[v].track_index].locked)
        if not voices:
            raise RequestError("No track the AI may write: tick a voice under 'The AI may write', or unlock its track")
        if task == "continue":
            start = span(selection)[1] if selection else loop[1] if loop else playhead or song.length_ticks
            return Ask(task, voices, start, None, settings, bars=self.settings.continue_bars)
        if task == "infill":
            if selection:  # rewrite the selected notes: their track only, not every voice the AI may write
                start, end = span(selection)
                track = doc.current_track
                voices = tuple(v for v in voices if song.tracks[lanes[v].track_index] is track)
                if not voices:
                    raise RequestError(f"The AI may not write {track.name}: tick its voice under 'The AI may write' "
                                       "(and unlock the track) to rewrite these notes")
            elif loop:
                start, end = loop
            else:
                raise RequestError("Select notes or set a loop region to choose what to rewrite")
            return Ask(task, voices, start, end, settings)
        raise ValueError(f"unknown AI task {task!r}")

    def _start(self, ask: Ask) -> None:
        self._drop_pending()
        song = self.doc.song.copy()  # the worker reads its own copy while the person keeps editing
        melody_index = next((i for i, t in enumerate(self.doc.song.tracks) if t is ask.melody_track), 0)
        seed = random.randrange(1 << 31)
        while seed == self._last_seed:
            seed = random.randrange(1 << 31)
        settings = replace(ask.settings, seed=seed)
        count = settings.variants

        def work(request: PendingRequest, report: ProgressCallback) -> Suggestion:
            """On the worker: one variant at a time, each passed on as soon as it is written."""
            composer = self._load_composer()
            written: Suggestion | None = None
            for k in range(count):
                one = replace(settings, variants=1, seed=(seed + k) % (1 << 31))
                try:
                    part = ask.run(composer, song, melody_index, one, cancelled=request.cancel_event.is_set,
                                   progress=lambda f, k=k: report((k + f) / count))
                except Cancelled:
                    raise JobCancelled() from None
                written = part if written is None else replace(written, variants=written.variants + part.variants)
                request.variant_ready.emit(replace(written, settings=settings.to_dict()))
            return written

        pending = PendingRequest(self, ask, count, work)
        self._pending = pending
        self.busy_changed.emit(True)
        self.message.emit(f"{TASK_VERBS[ask.task]} {self.describe(ask)}…")
        pending.start()

    def describe(self, ask: Ask) -> str:
        """Where a request writes, in bars (1-based), for messages."""
        song = self.doc.song
        if ask.task == "continue":
            first = song.tick_to_bar_beat(ask.start_tick)[0] + 1
            return f"{ask.bars} bar{'s' if ask.bars != 1 else ''} from bar {first}"
        start = ask.start_tick if ask.start_tick is not None else min(n.start for n in ask.melody_track.notes)
        end = ask.end_tick if ask.end_tick is not None else max(n.end for n in ask.melody_track.notes)
        first, last = song.tick_to_bar_beat(start)[0] + 1, song.tick_to_bar_beat(max(end - 1, start))[0] + 1
        bars = f"bar {first}" if first == last else f"bars {first}–{last}"
        return f"{bars} of {ask.melody_track.name}" if ask.melody_track is not None else bars

    def cancel(self) -> None:
        """Stop the running request; variants already on screen stay, nothing more is shown."""
        if self._pending is not None:
            total = self.variant_total
            self._drop_pending()
            if self.proposal is None:
                self.message.emit("Cancelled")
            else:
                self.message.emit(f"Stopped: {self.proposal.variant_count} of {total} variants written")
                self.proposal_changed.emit()

    def _drop_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.cancel()
            self.busy_changed.emit(False)

    def _variants_arrived(self, request: PendingRequest, suggestion: Suggestion) -> None:
        """Show the first variant of an answer at once; later ones join the list as they come."""
        if request is not self._pending:
            return  # cancelled or replaced by a newer request
        if request.revision != self.revision or request.track_roles != self.track_roles():
            self._drop_pending()
            self.message.emit("The song changed while the AI was writing, so its answer was set aside; ask again")
            return
        if self.proposal is not None and self._growing is request:
            self._show(replace(self.proposal, suggestion=suggestion))
            return
        self._last_ask, self._last_seed, self._growing = request.ask, suggestion.seed, request
        self._show(Proposal.from_suggestion(suggestion, self.doc.song))
        self.message.emit(f"AI {TASK_NOUNS[request.ask.task]}: {how_to_decide(request.variants)}")

    def _request_finished(self, request: PendingRequest) -> None:
        if request is self._pending:
            self._pending = None
            self.busy_changed.emit(False)
            self.proposal_changed.emit()

    def _request_failed(self, request: PendingRequest, message: str) -> None:
        if request is self._pending:
            self._pending = None
            self.busy_changed.emit(False)
        self.message.emit(self.model_problem or message)

    def _request_cancelled(self, request: PendingRequest) -> None:
        if request is self._pending:
            self._pending = None
            self.busy_changed.emit(False)

    # --- showing and deciding ------------------------------------------------------------------------
    def ghost_notes(self) -> list[GhostNote]:
        return self.proposal.ghost_notes() if self.proposal else []

    def show_variant(self, index: int) -> None:
        if self.proposal is not None and index % self.proposal.variant_count != self.proposal.variant_index:
            self._show(self.proposal.showing(index))

    def next_variant(self) -> None:
        if self.proposal is not None:
            self.show_variant(self.proposal.variant_index + 1)

    def previous_variant(self) -> None:
        if self.proposal is not None:
            self.show_variant(self.proposal.variant_index - 1)

    def accept(self) -> None:
        """Take the shown variant (every voice still open) as one undo step."""
        proposal = self.proposal
        if proposal is None:
            return
        voices = proposal.open_voices
        text = f"Accept AI {TASK_NOUNS[proposal.suggestion.task]}"
        if proposal.variant_count > 1:
            text += f" (variant {proposal.variant_index + 1})"
        self._push_accept(text, proposal, voices, proposal.voice_edits(voices), None)

    def accept_voice(self, voice: int) -> None:
        """Take one voice (one track) of the shown variant; the other voices stay proposed."""
        proposal = self.proposal
        if proposal is None or voice not in proposal.open_voices:
            return
        self._push_accept(f"Accept AI {VOICE_LABELS[voice].lower()}", proposal, [voice], proposal.voice_edits([voice]),
                          proposal.with_voices_accepted([voice]))

    def accept_note(self, ghost: GhostNote) -> None:
        """Take one proposed note in place of the song notes it overlaps in its voice; the rest stay proposed."""
        proposal = self.proposal
        if proposal is None:
            return
        self._push_accept("Accept AI note", proposal, [ghost.voice], [proposal.note_edit(ghost.voice, ghost.note)],
                          proposal.with_note_accepted(ghost.voice, ghost.note))

    def _push_accept(self, text: str, before: Proposal, voices: list[int], edits: list[NoteEdit],
                     after: Proposal | None) -> None:
        self._drop_pending()  # the person has chosen: no more variants of this answer
        new_tracks = before.missing_tracks(self.doc.song, voices)
        self.doc.push(AcceptSuggestionCommand(self, text, new_tracks, edits, before, after))

    def reject(self) -> None:
        """Throw the suggestion away; the song is exactly as it was."""
        if self.proposal is not None:
            self._drop_pending()
            self._show(None)
            self.message.emit("Suggestion rejected")

    def dismiss(self) -> None:
        """Esc: reject what is shown (and stop writing more of it), else stop the running request."""
        if self.proposal is not None:
            self.reject()
        else:
            self.cancel()

    def apply_own_edit(self, change: Callable[[], None], proposal: Proposal | None, accepting: bool) -> None:
        """Run an accept command's edit (`accepting`) or its undo, then show `proposal`, what remains on offer,
        and say so: after an undo the suggestion is back and "Accepted" would be wrong."""
        self._own_edit = True
        try:
            change()
        finally:
            self._own_edit = False
        self._show(proposal)
        if accepting:
            self.message.emit("Accepted — Undo brings the suggestion back" if proposal is None
                              else "Accepted; the rest is still proposed")
        else:
            self.message.emit(f"Undone; the AI {TASK_NOUNS[proposal.suggestion.task]} is back: "
                              f"{how_to_decide(proposal.variant_count)}")

    def _show(self, proposal: Proposal | None) -> None:
        self.proposal = proposal
        self.playback.play_instead(proposal.audition_song(self.doc.song) if proposal else None)
        self.proposal_changed.emit()

    # --- keeping up with the song ----------------------------------------------------------------------
    def track_roles(self) -> tuple:
        """What about the tracks decides what a request may write: which tracks, their voice roles and locks."""
        return tuple((id(t), t.voice, t.locked) for t in self.doc.song.tracks)

    def _song_edited(self, *_) -> None:
        self.revision += 1
        if not self._own_edit and self.proposal is not None:
            self._show(None)
            self.message.emit("The song was edited, so the suggestion was withdrawn")

    def _track_changed(self, _track) -> None:
        if self.proposal is not None and not self._own_edit:  # mute, solo or mix: audition what is heard now
            self.playback.play_instead(self.proposal.audition_song(self.doc.song))

    def _song_replaced(self) -> None:
        self.revision += 1
        self._drop_pending()
        self._last_ask = None
        self._show(None)
        self.settings = AISettings.from_dict(self.doc.song.ai_settings)
        self.settings_changed.emit()
