"""The main window: piano roll in the middle, tracks on the left, transport on top, menus from one action table.

The right-hand dock holds the AI panel (cocomposer.ui.suggestions): ask, audition and accept suggestions.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QActionGroup, QCloseEvent
from PySide6.QtWidgets import (QComboBox, QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox, QToolBar,
                               QWidget)

from cocomposer.audio.errors import AudioError
from cocomposer.core import KeySignature, Song, Track
from cocomposer.core.editing import pitch_name, rescaled_notes
from cocomposer.io.errors import FileFormatError
from cocomposer.io.song_files import load_song, save_song
from cocomposer.paths import default_soundfont_path, is_bundled
from cocomposer.ui import commands, theme
from cocomposer.ui.actions import ActionCollection
from cocomposer.ui.document import SongDocument
from cocomposer.ui.jobs import JobRunner
from cocomposer.ui.midi_input import MidiRecorder
from cocomposer.ui.note_editing import NoteEditing
from cocomposer.ui.pianoroll import PianoRollEditor
from cocomposer.ui.pianoroll.tools import EditSettings, Tool
from cocomposer.ui.pianoroll.viewport import SNAP_VALUES
from cocomposer.ui.playback import PlaybackController
from cocomposer.ui.suggestions import install as install_suggestions
from cocomposer.ui.track_panel import TrackPanel
from cocomposer.ui.transport import TransportFields

APP_NAME = "CoComposer"
PROJECT_FILTER = "CoComposer project (*.ccsong)"
SONG_FILTER = "Songs (*.ccsong *.mid *.midi);;CoComposer project (*.ccsong);;MIDI file (*.mid *.midi)"
MIDI_FILTER = "MIDI file (*.mid *.midi)"
WAV_FILTER = "WAV audio (*.wav)"
SOUNDFONT_FILTER = "SoundFont (*.sf2 *.sf3)"
MAX_RECENT_FILES = 10
RECENT_FILES_KEY = "files/recent"
LAST_DIRECTORY_KEY = "files/last_directory"
SOUNDFONT_KEY = "audio/soundfont"  # the chosen .sf2/.sf3; absent means the bundled General MIDI SoundFont
STATUS_MESSAGE_MS = 6000
PLAYBACK_PROBE_DELAY_MS = 250  # open the audio device just after the window shows, not before

# Edits whose keys (arrows, Delete) also mean something in text fields: they act only while the roll has focus.
ROLL_FOCUS_ACTIONS = ("edit_transpose_up", "edit_transpose_down", "edit_octave_up", "edit_octave_down",
                      "edit_nudge_left", "edit_nudge_right", "edit_delete")


def new_song() -> Song:
    """What File > New starts with: one piano track in C major at 120 bpm."""
    return Song(tracks=[Track(name="Piano", color=theme.TRACK_COLORS[0])], keys=[KeySignature(0)])


class MainWindow(QMainWindow):
    def __init__(self, doc: SongDocument | None = None, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or QSettings()
        self.doc = doc or SongDocument(new_song())
        self.doc.setParent(self)
        self.edit_settings = EditSettings(self)
        self.chosen_soundfont, soundfont_problem = self._stored_soundfont()
        self.playback = PlaybackController(self.doc, {"soundfont": self.chosen_soundfont}, parent=self)
        self.note_editing = NoteEditing(self.doc, self.edit_settings, lambda: self.playback.playhead, self)
        self.jobs = JobRunner(self)
        self.recorder = MidiRecorder(self.doc, self.playback, self.edit_settings, self)
        self.setObjectName("MainWindow")
        self.setDockNestingEnabled(True)

        self.editor = PianoRollEditor(self.doc, self.edit_settings, self.playback, self)
        self.setCentralWidget(self.editor)
        self.track_panel = TrackPanel(self.doc, self)
        self.tracks_dock = QDockWidget("Tracks", self)
        self.tracks_dock.setObjectName("TracksDock")
        self.tracks_dock.setWidget(self.track_panel)
        self.tracks_dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
        self.addDockWidget(Qt.LeftDockWidgetArea, self.tracks_dock)

        self.action_collection = ActionCollection(self)
        self._build_menus_and_toolbars()
        self.suggestions = install_suggestions(self)
        self._build_status_bar()
        self._connect_document()
        self._restore_layout()
        self.update_title()
        if soundfont_problem:
            self.show_message(soundfont_problem)
        # A timer object, not QTimer.singleShot(callable): PySide6 6.12 crashes when such a functor fires
        # from processEvents().
        self._probe_timer = QTimer(self)
        self._probe_timer.setSingleShot(True)
        self._probe_timer.timeout.connect(self._probe_devices)
        self._probe_timer.start(PLAYBACK_PROBE_DELAY_MS)

    # --- construction ---------------------------------------------------------------------------
    def _build_menus_and_toolbars(self) -> None:
        actions, bar = self.action_collection, self.menuBar()
        file_menu = actions.add_menu(bar, "&File", ["file_new", "file_open"])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        actions.fill_menu(file_menu, [None, "file_save", "file_save_as", None, "file_import_midi", "file_export_midi",
                                      "file_export_wav", None, "file_choose_soundfont", None, "file_quit"])
        actions.add_menu(bar, "&Edit", ["edit_undo", "edit_redo", None, "edit_cut", "edit_copy", "edit_paste",
                                        "edit_duplicate", "edit_delete", None, "edit_select_all", "edit_select_none", None,
                                        "edit_quantize", "edit_quantize_starts", None, "edit_transpose_up",
                                        "edit_transpose_down", "edit_octave_up", "edit_octave_down", "edit_nudge_left",
                                        "edit_nudge_right", None, "edit_lock"])
        actions.add_menu(bar, "&View", ["tool_draw", "tool_select", "tool_erase", None, "view_zoom_in",
                                        "view_zoom_out", "view_zoom_song"])
        actions.add_menu(bar, "&Track", ["track_add", "track_remove", None, "track_up", "track_down"])
        actions.add_menu(bar, "T&ransport", ["transport_play", "transport_stop", None, "transport_loop",
                                             "transport_metronome", "transport_count_in", None, "transport_record",
                                             "transport_quantize_input"])
        for name in ROLL_FOCUS_ACTIONS:
            action = actions[name]
            action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            self.editor.addAction(action)

        tools = QActionGroup(self)
        for name in ("tool_draw", "tool_select", "tool_erase"):
            tools.addAction(actions[name])
        actions["tool_select"].setChecked(True)

        file_bar = self._toolbar("File", ["file_new", "file_open", "file_save", None, "edit_undo", "edit_redo"])
        transport_bar = self._toolbar("Transport", ["transport_play", "transport_stop", None, "transport_loop",
                                                    "transport_metronome", "transport_count_in", "transport_record"])
        self.transport_fields = TransportFields(self.doc, self.playback, self)
        transport_bar.addWidget(self.transport_fields)
        self.addToolBarBreak()
        edit_bar = self._toolbar("Edit", ["tool_draw", "tool_select", "tool_erase", None])
        snap_label = QLabel(" Snap ")
        snap_label.setStyleSheet("color: #8a9099;")
        edit_bar.addWidget(snap_label)
        self.snap_box = QComboBox()
        self.snap_box.setObjectName("SnapBox")
        self.snap_box.addItems([s.label for s in SNAP_VALUES])
        self.snap_box.setCurrentText(self.edit_settings.snap.label)
        self.snap_box.setToolTip("Grid that drawing, moving, nudging and quantizing snap to (hold Alt to bypass)")
        self.snap_box.currentTextChanged.connect(self.edit_settings.set_snap_label)
        edit_bar.addWidget(self.snap_box)
        self.action_collection.fill_toolbar(edit_bar, [None, "edit_quantize", "edit_duplicate", "edit_delete", None,
                                             "view_zoom_in", "view_zoom_out", "view_zoom_song"])
        for bar_widget in (file_bar, transport_bar, edit_bar):
            bar_widget.setToolButtonStyle(Qt.ToolButtonIconOnly if bar_widget is not edit_bar else Qt.ToolButtonTextBesideIcon)
        self.track_panel.add_button(actions["track_add"])
        self.track_panel.add_button(actions["track_remove"])
        self.track_panel.add_button(actions["track_up"])
        self.track_panel.add_button(actions["track_down"])
        self.track_panel.finish_buttons()

    def _toolbar(self, title: str, names) -> QToolBar:
        toolbar = self.addToolBar(title)
        toolbar.setObjectName(f"{title}ToolBar")
        toolbar.setMovable(False)
        return self.action_collection.fill_toolbar(toolbar, names)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.cursor_label = QLabel()
        self.selection_label = QLabel()
        self.soundfont_label = QLabel()
        for label in (self.cursor_label, self.selection_label, self.soundfont_label):
            label.setMinimumWidth(150)
            status.addPermanentWidget(label)
        self._show_soundfont()
        self.editor.canvas.hovered.connect(self._show_cursor)
        self._show_selection()

    def _connect_document(self) -> None:
        doc, actions = self.doc, self.action_collection
        doc.dirty_changed.connect(self.update_title)
        doc.path_changed.connect(self.update_title)
        doc.selection_changed.connect(self._show_selection)
        doc.notes_changed.connect(self._show_selection)
        doc.current_track_changed.connect(self._show_selection)
        stack = doc.undo_stack
        stack.canUndoChanged.connect(actions["edit_undo"].setEnabled)
        stack.canRedoChanged.connect(actions["edit_redo"].setEnabled)
        stack.undoTextChanged.connect(lambda text: actions["edit_undo"].setText(f"&Undo {text}".strip()))
        stack.redoTextChanged.connect(lambda text: actions["edit_redo"].setText(f"&Redo {text}".strip()))
        actions["edit_undo"].setEnabled(stack.canUndo())
        actions["edit_redo"].setEnabled(stack.canRedo())
        self.playback.unavailable.connect(self._playback_unavailable)
        self.playback.ready.connect(self._playback_ready)
        self.playback.state_changed.connect(self._show_transport_state)
        self.edit_settings.changed.connect(self._show_edit_settings)

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 860)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)

    def _probe_devices(self) -> None:
        """Say early, once, whether playback and MIDI recording can work here. Record stays enabled: pressing it
        looks for a keyboard again, since one can be plugged in at any time."""
        if not self.recorder.available:
            self.action_collection["transport_record"].setToolTip(self.recorder.unavailable_reason)
        if not self.playback.available:
            return
        self.statusBar().showMessage("Ready", STATUS_MESSAGE_MS)

    # --- title and status -----------------------------------------------------------------------
    def update_title(self, *_) -> None:
        marker = "*" if self.doc.is_dirty else ""
        self.setWindowTitle(f"{self.doc.display_name}{marker} — {APP_NAME}")

    def _show_cursor(self, tick: int, pitch: int) -> None:
        bar, beat, _ = self.doc.song.tick_to_bar_beat(max(tick, 0))
        name = pitch_name(pitch) if 0 <= pitch <= 127 else ""
        self.cursor_label.setText(f"Bar {bar + 1}.{beat + 1}   {name}")

    def _show_selection(self, *_) -> None:
        track = self.doc.current_track
        count = len(track.notes) if track else 0
        self.selection_label.setText(f"{len(self.doc.selection)} selected / {count} notes")

    def _playback_unavailable(self, reason: str) -> None:
        """Once: a short reason in the status bar, the full one (each driver's error) in tooltips. Without a
        player Play is disabled, as Record is without a MIDI input, so pressing it is never silently ignored."""
        self.statusBar().showMessage(reason.split(" (", 1)[0])
        self.statusBar().setToolTip(reason)
        for name in ("transport_play", "transport_stop"):
            self.action_collection[name].setToolTip(reason)
        if self.playback.unavailable_reason is not None:
            self.action_collection["transport_play"].setEnabled(False)

    def _playback_ready(self) -> None:
        """A player opened (another SoundFont cured the problem): Play works again and says nothing of the past."""
        self.statusBar().setToolTip("")
        for name in ("transport_play", "transport_stop"):
            self.action_collection.restore_tool_tip(name)
        self.action_collection["transport_play"].setEnabled(True)

    @property
    def soundfont_path(self) -> Path:
        """The SoundFont that playback and WAV export use."""
        return Path(self.chosen_soundfont) if self.chosen_soundfont else default_soundfont_path()

    def _show_soundfont(self) -> None:
        path = self.soundfont_path
        self.soundfont_label.setText(f"SoundFont: {path.name}")
        self.soundfont_label.setToolTip(f"Playback and WAV export use {path} (File > Choose SoundFont...)")

    def _show_transport_state(self) -> None:
        playing = self.playback.is_playing
        for name, checked in (("transport_loop", self.playback.loop_enabled), ("transport_metronome", self.playback.metronome),
                              ("transport_count_in", self.playback.count_in)):
            action = self.action_collection[name]
            action.blockSignals(True)
            action.setChecked(checked)
            action.blockSignals(False)
        self.action_collection["transport_play"].setText("&Pause" if playing else "&Play")

    def _show_edit_settings(self) -> None:
        self.action_collection[f"tool_{self.edit_settings.tool.value}"].setChecked(True)
        self.snap_box.setCurrentText(self.edit_settings.snap.label)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_MESSAGE_MS)

    # --- files ----------------------------------------------------------------------------------
    def _last_directory(self) -> str:
        return str(self.settings.value(LAST_DIRECTORY_KEY, str(Path.home())))

    def _remember_directory(self, path: str | Path) -> None:
        self.settings.setValue(LAST_DIRECTORY_KEY, str(Path(path).parent))

    def maybe_save(self) -> bool:
        """Ask before unsaved changes would be lost; False means the user cancelled."""
        if not self.doc.is_dirty:
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save changes to {self.doc.display_name} before continuing?",
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        if answer == QMessageBox.Save:
            return self.save()
        return answer == QMessageBox.Discard

    def new_song(self) -> None:
        if self.maybe_save():
            self.doc.replace_song(new_song())
            self.show_message("New song")

    def open_song_dialog(self) -> None:
        if not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(self, "Open song", self._last_directory(), SONG_FILTER)
        if path:
            self.open_path(path, ask_to_save=False)

    def open_path(self, path: str | Path, ask_to_save: bool = True) -> bool:
        """Open a .ccsong or MIDI file; on a damaged file say why and keep the current song."""
        if ask_to_save and not self.maybe_save():
            return False
        try:
            song = load_song(path)
        except (FileFormatError, OSError) as error:
            QMessageBox.critical(self, "Cannot open song", str(error))
            return False
        self.doc.replace_song(song, path)
        self._add_recent_file(path)
        if not is_bundled(path):  # dialogs should not offer the bundled folder as a place to write
            self._remember_directory(path)
        tracks = f"{len(song.tracks)} track" + ("" if len(song.tracks) == 1 else "s")
        self.show_message(f"Opened {Path(path).name}: {song.note_count} notes on {tracks}")
        return True

    def save(self) -> bool:
        """Save to the project file; a song opened from MIDI, or a bundled file (the demo), is saved as a new
        project (Save As) so what ships with CoComposer is never overwritten."""
        path = self.doc.path
        if path is None or path.suffix.lower() != ".ccsong" or is_bundled(path):
            return self.save_as()
        return self._write_project(path)

    def save_as(self) -> bool:
        path = self.doc.path
        if path is None:
            suggested = Path(self._last_directory()) / "Untitled.ccsong"
        elif is_bundled(path):
            suggested = Path(self._last_directory()) / path.with_suffix(".ccsong").name
        else:
            suggested = path.with_suffix(".ccsong")
        chosen, _ = QFileDialog.getSaveFileName(self, "Save song as", str(suggested), PROJECT_FILTER)
        if not chosen:
            return False
        if Path(chosen).suffix.lower() != ".ccsong":
            chosen += ".ccsong"
        if is_bundled(chosen):
            QMessageBox.warning(self, "Cannot save song",
                                f"{chosen} is a file bundled with {APP_NAME}; save your song somewhere else.")
            return False
        return self._write_project(Path(chosen))

    def _write_project(self, path: Path) -> bool:
        try:
            save_song(self.doc.song, path)
        except (FileFormatError, OSError) as error:
            QMessageBox.critical(self, "Cannot save song", str(error))
            return False
        self.doc.mark_saved(path)
        self._add_recent_file(path)
        self._remember_directory(path)
        self.show_message(f"Saved {path.name}")
        return True

    def import_midi(self) -> None:
        """Add the tracks of a MIDI file to this song as one undo step."""
        path, _ = QFileDialog.getOpenFileName(self, "Import MIDI", self._last_directory(), MIDI_FILTER)
        if not path:
            return
        try:
            imported = load_song(path)
        except (FileFormatError, OSError) as error:
            QMessageBox.critical(self, "Cannot import MIDI", str(error))
            return
        ppq = self.doc.song.ppq
        tracks = [t.copy(rescaled_notes(t.notes, imported.ppq, ppq)) for t in imported.tracks]
        if tracks:
            self.doc.push(commands.InsertTracksCommand(self.doc, tracks, len(self.doc.song.tracks), "Import MIDI"))
        self.show_message(f"Imported {len(tracks)} tracks from {Path(path).name}")

    def export_midi(self) -> None:
        path = self._export_path("Export MIDI", ".mid", MIDI_FILTER)
        if not path:
            return
        try:
            save_song(self.doc.song, path)
        except (FileFormatError, OSError) as error:
            QMessageBox.critical(self, "Cannot export MIDI", str(error))
            return
        self.show_message(f"Exported {Path(path).name}")

    def export_wav(self) -> None:
        """Render on a worker thread with progress and cancel; the song is copied so editing can go on."""
        path = self._export_path("Export WAV", ".wav", WAV_FILTER)
        if not path:
            return
        from cocomposer.audio.render import render_to_wav

        song, soundfont = self.doc.song.copy(), self.chosen_soundfont
        self.jobs.start("Export WAV", f"Rendering {Path(path).name}",
                        lambda progress: render_to_wav(song, path, soundfont, progress=progress),
                        on_success=lambda result: self.show_message(f"Exported {Path(path).name}"),
                        on_cancel=lambda: self.show_message("WAV export cancelled"))

    def _stored_soundfont(self) -> tuple[str | None, str]:
        """The SoundFont chosen earlier (None: the bundled one), and why it was set aside if it no longer loads."""
        stored = self.settings.value(SOUNDFONT_KEY)
        if not stored:
            return None, ""
        try:
            from cocomposer.audio.synth import validate_soundfont

            return str(validate_soundfont(stored)), ""
        except AudioError as error:
            return None, f"Using the bundled SoundFont: {error}"

    def choose_soundfont(self) -> None:
        """Pick the SoundFont for playback and export; one FluidSynth cannot load is refused, keeping the old one."""
        start = str(Path(self.chosen_soundfont).parent) if self.chosen_soundfont else self._last_directory()
        path, _ = QFileDialog.getOpenFileName(self, "Choose SoundFont", start, SOUNDFONT_FILTER)
        if not path:
            return
        try:
            from cocomposer.audio.synth import SoundFontSynth

            SoundFontSynth(path).close()  # loads it as playback will, so a corrupt file is caught here
        except AudioError as error:
            QMessageBox.warning(self, "Cannot use this SoundFont",
                                f"{error}\n\nStill using {self.soundfont_path.name}.")
            return
        self.chosen_soundfont = path
        self.settings.setValue(SOUNDFONT_KEY, path)
        self.playback.set_soundfont(path)
        self._show_soundfont()
        self.show_message(f"SoundFont: {Path(path).name}")

    def _export_path(self, title: str, suffix: str, file_filter: str) -> str:
        stem = self.doc.path.stem if self.doc.path else "Untitled"
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path(self._last_directory()) / f"{stem}{suffix}"), file_filter)
        if path and not path.lower().endswith((suffix, ".midi")):
            path += suffix
        return path

    def recent_files(self) -> list[str]:
        value = self.settings.value(RECENT_FILES_KEY, [])
        return [value] if isinstance(value, str) else list(value or [])

    def _add_recent_file(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        files = [path] + [f for f in self.recent_files() if f != path]
        self.settings.setValue(RECENT_FILES_KEY, files[:MAX_RECENT_FILES])

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for path in files:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda checked=False, p=path: self.open_path(p))
        if not files:
            self.recent_menu.addAction("No recent files").setEnabled(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        if self.recorder.armed:
            self.recorder.disarm()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.playback.close()
        event.accept()

    # --- edit slots (named in actions.py) -------------------------------------------------------
    def undo(self) -> None:
        self.doc.undo_stack.undo()

    def redo(self) -> None:
        self.doc.undo_stack.redo()

    def cut(self) -> None:
        self.note_editing.cut()

    def copy(self) -> None:
        self.note_editing.copy()

    def paste(self) -> None:
        self.note_editing.paste()

    def duplicate(self) -> None:
        self.note_editing.duplicate()

    def delete(self) -> None:
        self.note_editing.delete_selection()

    def select_all(self) -> None:
        self.note_editing.select_all()

    def select_none(self) -> None:
        self.note_editing.select_none()

    def quantize(self) -> None:
        self.note_editing.quantize(starts=True, lengths=True)

    def quantize_starts(self) -> None:
        self.note_editing.quantize(starts=True, lengths=False)

    def transpose_up(self) -> None:
        self.note_editing.transpose(1)

    def transpose_down(self) -> None:
        self.note_editing.transpose(-1)

    def octave_up(self) -> None:
        self.note_editing.transpose(12)

    def octave_down(self) -> None:
        self.note_editing.transpose(-12)

    def nudge_left(self) -> None:
        self.note_editing.nudge(-1)

    def nudge_right(self) -> None:
        self.note_editing.nudge(1)

    def toggle_lock(self) -> None:
        self.note_editing.toggle_lock()

    def use_draw_tool(self, checked: bool) -> None:
        if checked:
            self.edit_settings.set_tool(Tool.DRAW)

    def use_select_tool(self, checked: bool) -> None:
        if checked:
            self.edit_settings.set_tool(Tool.SELECT)

    def use_erase_tool(self, checked: bool) -> None:
        if checked:
            self.edit_settings.set_tool(Tool.ERASE)

    def zoom_in(self) -> None:
        self.editor.zoom_in()

    def zoom_out(self) -> None:
        self.editor.zoom_out()

    def zoom_to_song(self) -> None:
        self.editor.zoom_to_song()

    # --- track slots ----------------------------------------------------------------------------
    def add_track(self) -> None:
        color = theme.TRACK_COLORS[len(self.doc.song.tracks) % len(theme.TRACK_COLORS)]
        self.doc.push(commands.add_track(self.doc, color))

    def remove_track(self) -> None:
        track = self.doc.current_track
        if track is not None:
            self.doc.push(commands.RemoveTrackCommand(self.doc, track))

    def _move_current_track(self, step: int) -> None:
        track, tracks = self.doc.current_track, self.doc.song.tracks
        if track is None:
            return
        target = tracks.index(track) + step
        if 0 <= target < len(tracks):
            self.doc.push(commands.MoveTrackCommand(self.doc, track, target))

    def move_track_up(self) -> None:
        self._move_current_track(-1)

    def move_track_down(self) -> None:
        self._move_current_track(1)

    # --- transport slots ------------------------------------------------------------------------
    def toggle_play(self) -> None:
        self.playback.toggle_play()

    def stop(self) -> None:
        if self.recorder.armed:
            self.action_collection["transport_record"].setChecked(False)
        self.playback.stop()

    def set_loop(self, enabled: bool) -> None:
        if enabled and self.playback.loop_region is None:
            self.show_message("Drag on the ruler above the roll to choose the loop region")
        self.playback.set_loop_enabled(enabled)

    def set_metronome(self, enabled: bool) -> None:
        self.playback.set_metronome(enabled)

    def set_count_in(self, enabled: bool) -> None:
        self.playback.set_count_in(enabled)

    def set_quantize_recording(self, enabled: bool) -> None:
        self.recorder.quantize_input = enabled

    def set_recording(self, enabled: bool) -> None:
        """Arm: listen to the MIDI keyboard and play; disarm: the take lands on the track as one undo step."""
        record = self.action_collection["transport_record"]
        if enabled:
            if not self.recorder.rescan():
                self.show_message(self.recorder.unavailable_reason)
                record.setToolTip(self.recorder.unavailable_reason)
                record.setChecked(False)
                return
            self.action_collection.restore_tool_tip("transport_record")
            try:
                self.recorder.arm()
            except Exception as error:  # noqa: BLE001 - rtmidi's own error types (the port went away)
                self.show_message(f"MIDI recording failed: {error}")
                record.setChecked(False)
                return
            if not self.playback.is_playing:
                self.playback.play()
            clock = "" if self.playback.is_playing else " (no audio: timed by the computer's clock)"
            self.show_message(f"Recording from {self.recorder.ports[0]}{clock}")
        elif self.recorder.armed:
            count = self.recorder.disarm()
            self.show_message(f"Recorded {count} notes")
