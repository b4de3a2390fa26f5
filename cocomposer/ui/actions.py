"""Actions declared once (name, text, shortcut, icon, slot) and the menus and toolbars built from them.

Keeping every command in one table keeps shortcuts consistent and lets menus, toolbars and tests
find an action by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QStyle, QToolBar, QWidget

from cocomposer.ui import icons

Shortcut = str | QKeySequence.StandardKey | tuple[str, ...] | None
SP = QStyle.StandardPixmap


@dataclass(frozen=True)
class ActionSpec:
    """One user command. `slot` names a method of the owner; checkable actions pass their state to it."""

    name: str
    text: str
    slot: str
    shortcut: Shortcut = None
    icon: SP | str | None = None  # a standard Qt icon, or the name of one drawn in icons.py
    tip: str = ""
    checkable: bool = False
    short_text: str = ""  # what a small button shows (QAction.iconText), when not the menu text


ACTIONS: tuple[ActionSpec, ...] = (
    # File
    ActionSpec("file_new", "&New", "new_song", QKeySequence.New, SP.SP_FileIcon, "Start a new song"),
    ActionSpec("file_open", "&Open...", "open_song_dialog", QKeySequence.Open, SP.SP_DialogOpenButton,
               "Open a CoComposer project (.ccsong) or a MIDI file"),
    ActionSpec("file_save", "&Save", "save", QKeySequence.Save, SP.SP_DialogSaveButton, "Save the project"),
    ActionSpec("file_save_as", "Save &As...", "save_as", QKeySequence.SaveAs, None, "Save the project under a new name"),
    ActionSpec("file_import_midi", "&Import MIDI...", "import_midi", None, None, "Add the tracks of a MIDI file to this song"),
    ActionSpec("file_export_midi", "Export &MIDI...", "export_midi", "Ctrl+Shift+M", None, "Write the song as a MIDI file"),
    ActionSpec("file_export_wav", "Export &WAV...", "export_wav", "Ctrl+Shift+W", None, "Render the song to a WAV file"),
    ActionSpec("file_choose_soundfont", "Choose Sound&Font...", "choose_soundfont", None, None,
               "Choose the .sf2/.sf3 SoundFont that playback and WAV export use"),
    ActionSpec("file_quit", "&Quit", "close", QKeySequence.Quit, None, "Quit CoComposer"),
    # Edit
    ActionSpec("edit_undo", "&Undo", "undo", QKeySequence.Undo, SP.SP_ArrowBack, "Undo the last edit"),
    ActionSpec("edit_redo", "&Redo", "redo", ("Ctrl+Shift+Z", "Ctrl+Y"), SP.SP_ArrowForward, "Redo"),
    ActionSpec("edit_cut", "Cu&t", "cut", QKeySequence.Cut, None, "Cut the selected notes"),
    ActionSpec("edit_copy", "&Copy", "copy", QKeySequence.Copy, None, "Copy the selected notes"),
    ActionSpec("edit_paste", "&Paste", "paste", QKeySequence.Paste, None, "Paste notes at the playhead"),
    ActionSpec("edit_duplicate", "&Duplicate", "duplicate", "Ctrl+D", None, "Copy the selection right after itself"),
    ActionSpec("edit_delete", "De&lete", "delete", ("Del", "Backspace"), None, "Delete the selected notes"),
    ActionSpec("edit_select_all", "Select &All", "select_all", QKeySequence.SelectAll, None, "Select every note of the track"),
    ActionSpec("edit_select_none", "Select &None", "select_none", "Ctrl+Shift+A", None, "Clear the selection"),
    ActionSpec("edit_quantize", "&Quantize", "quantize", "Q", None,
               "Snap starts and lengths of the selection (or the track) to the grid"),
    ActionSpec("edit_quantize_starts", "Quantize &Starts Only", "quantize_starts", "Shift+Q", None,
               "Snap note starts to the grid, keeping lengths"),
    ActionSpec("edit_transpose_up", "Transpose Up", "transpose_up", "Up", None, "Selection up a semitone"),
    ActionSpec("edit_transpose_down", "Transpose Down", "transpose_down", "Down", None, "Selection down a semitone"),
    ActionSpec("edit_octave_up", "Octave Up", "octave_up", "Shift+Up", None, "Selection up an octave"),
    ActionSpec("edit_octave_down", "Octave Down", "octave_down", "Shift+Down", None, "Selection down an octave"),
    ActionSpec("edit_nudge_left", "Nudge Left", "nudge_left", "Left", None, "Selection earlier by one grid step"),
    ActionSpec("edit_nudge_right", "Nudge Right", "nudge_right", "Right", None, "Selection later by one grid step"),
    ActionSpec("edit_lock", "&Lock Notes", "toggle_lock", "Ctrl+L", None, "Lock or unlock the selected notes against AI changes"),
    # Tools and view
    ActionSpec("tool_draw", "&Draw", "use_draw_tool", "D", "draw", "Draw notes: click-drag sets the length", True),
    ActionSpec("tool_select", "&Select", "use_select_tool", "S", "select",
               "Select and move notes; double-click draws; Shift adds, Ctrl toggles", True),
    ActionSpec("tool_erase", "&Erase", "use_erase_tool", "E", "erase", "Click or drag over notes to delete them", True),
    ActionSpec("view_zoom_in", "Zoom &In", "zoom_in", QKeySequence.ZoomIn, None, "Zoom in on time"),
    ActionSpec("view_zoom_out", "Zoom &Out", "zoom_out", QKeySequence.ZoomOut, None, "Zoom out on time"),
    ActionSpec("view_zoom_song", "Zoom to &Song", "zoom_to_song", "Ctrl+0", None, "Fit the whole song in view"),
    # Tracks
    ActionSpec("track_add", "&Add Track", "add_track", "Ctrl+T", None, "Add an empty track", short_text="+ Add"),
    ActionSpec("track_remove", "&Remove Track", "remove_track", None, None, "Remove the current track",
               short_text="Remove"),
    ActionSpec("track_up", "Move Track &Up", "move_track_up", None, None, "Move the current track up", short_text="▲"),
    ActionSpec("track_down", "Move Track &Down", "move_track_down", None, None, "Move the current track down",
               short_text="▼"),
    # Transport
    ActionSpec("transport_play", "&Play/Pause", "toggle_play", "Space", "play", "Play or pause"),
    ActionSpec("transport_stop", "&Stop", "stop", "Shift+Space", "stop",
               "Stop: back to where play began, or to the start"),
    ActionSpec("transport_loop", "&Loop", "set_loop", "L", "loop", "Loop the region dragged on the ruler", True),
    ActionSpec("transport_metronome", "&Metronome", "set_metronome", "M", "metronome", "Click on every beat", True),
    ActionSpec("transport_count_in", "&Count-in", "set_count_in", None, "count_in", "One bar of clicks before playing", True),
    ActionSpec("transport_record", "&Record MIDI", "set_recording", "R", "record",
               "Record from the MIDI keyboard onto the current track at the playhead", True),
    ActionSpec("transport_quantize_input", "&Quantize Recording", "set_quantize_recording", None, None,
               "Snap recorded notes to the grid when the take ends", True),
)


class ActionCollection:
    """The QActions of one window, made from specs and connected to the owner's methods."""

    def __init__(self, owner: QWidget, specs: Iterable[ActionSpec] = ACTIONS) -> None:
        self._actions: dict[str, QAction] = {}
        self._tool_tips: dict[str, str] = {}
        style = owner.style()
        for spec in specs:
            action = QAction(spec.text, owner)
            action.setObjectName(spec.name)
            if isinstance(spec.icon, str):
                action.setIcon(icons.icon(spec.icon))
            elif spec.icon is not None:
                action.setIcon(style.standardIcon(spec.icon))
            if spec.shortcut is not None:
                keys = spec.shortcut if isinstance(spec.shortcut, tuple) else (spec.shortcut,)
                action.setShortcuts([QKeySequence(k) for k in keys])
            shortcut_text = action.shortcut().toString(QKeySequence.NativeText)
            tool_tip = f"{spec.tip} ({shortcut_text})" if shortcut_text and spec.tip else spec.tip or spec.text
            self._tool_tips[spec.name] = tool_tip
            action.setToolTip(tool_tip)
            action.setStatusTip(spec.tip)
            action.setCheckable(spec.checkable)
            if spec.short_text:
                action.setIconText(spec.short_text)
            slot = getattr(owner, spec.slot)
            if spec.checkable:
                action.toggled.connect(slot)
            else:
                action.triggered.connect(lambda checked=False, s=slot: s())
            self._actions[spec.name] = action

    def __getitem__(self, name: str) -> QAction:
        return self._actions[name]

    def restore_tool_tip(self, name: str) -> None:
        """Give back the tooltip the spec made, after the window used it to say why the action was unavailable."""
        self._actions[name].setToolTip(self._tool_tips[name])

    def fill_menu(self, menu: QMenu, names: Iterable[str | None]) -> QMenu:
        """Add the named actions to `menu`; None adds a separator."""
        for name in names:
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(self._actions[name])
        return menu

    def add_menu(self, menu_bar: QMenuBar, title: str, names: Iterable[str | None]) -> QMenu:
        return self.fill_menu(menu_bar.addMenu(title), names)

    def fill_toolbar(self, toolbar: QToolBar, names: Iterable[str | None]) -> QToolBar:
        for name in names:
            if name is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self._actions[name])
        return toolbar

