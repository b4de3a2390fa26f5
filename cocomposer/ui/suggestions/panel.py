"""The "AI" side panel: ask (harmonize, continue, rewrite), steer (creativity, variants, key, voices and
ranges), follow a running request, and decide on what came back (variants, accept, reject, per track).

It only shows the session's state and forwards what the person does; the session holds the logic.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QValidator
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QCheckBox, QComboBox, QFormLayout, QGridLayout,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QPlainTextEdit, QProgressBar, QPushButton,
                               QSizePolicy, QSlider, QSpinBox, QTextEdit, QToolButton, QVBoxLayout, QWidget)

from cocomposer.ai.composer import DEFAULT_VOICE_RANGES, GenerationSettings, HARMONY_COLOURS
from cocomposer.ai.grid import voice_lanes
from cocomposer.core.editing import pitch_name, span
from cocomposer.core.key_detection import detect_key
from cocomposer.core.timing import PITCH_CLASS_NAMES
from cocomposer.ui import theme
from cocomposer.ui.actions import ActionCollection, ActionSpec
from cocomposer.ui.jobs import PROGRESS_STEPS
from cocomposer.ui.suggestions.session import VOICE_LABELS, AISettings, SuggestionSession

CREATIVITY_STEPS_PER_UNIT = 100  # slider steps per unit of temperature
MAX_CREATIVITY = 2.0
AUTO_KEY, CHROMATIC = "auto", "chromatic"
KEY_NAMES = [f"{PITCH_CLASS_NAMES[t]} {mode}" for mode in ("major", "minor") for t in range(12)]
REFRESH_DELAY_MS = 250  # song-derived labels (detected key, voice tracks) follow edits after this pause
MODEL_WARM_UP_DELAY_MS = 2000  # load the model once the window has settled (device probe, first paints)
NOTE_NAME = re.compile(r"^\s*([A-Ga-g])\s*([#b]?)\s*(-?\d+)\s*$")
SEMITONES = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}

SUGGESTION_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("ai_harmonize", "&Harmonize", "harmonize", "Ctrl+Shift+H", None,
               "Write alto, tenor and bass under the current track (selection, loop region or whole melody)"),
    ActionSpec("ai_continue", "&Continue", "continue_song", "Ctrl+Shift+C", None,
               "Write the next bars after the selection, the loop region or the playhead"),
    ActionSpec("ai_infill", "Re&write Region", "rewrite_region", "Ctrl+Shift+R", None,
               "Rewrite the selected notes (their track, their time span), or the loop region in every track "
               "the AI may write",
               short_text="Rewrite"),
    ActionSpec("ai_regenerate", "Re&generate", "regenerate", "Ctrl+Shift+G", None,
               "Ask the last request again, with the settings it was asked with and a new seed"),
    ActionSpec("ai_next_variant", "&Next Variant", "next_variant", "Tab", None, "Show the next variant"),
    ActionSpec("ai_previous_variant", "&Previous Variant", "previous_variant", ("Shift+Tab", "Shift+Backtab"), None,
               "Show the previous variant"),
    ActionSpec("ai_accept", "&Accept Suggestion", "accept", ("Return", "Enter"), None,
               "Take the shown variant into the song (one undo step)", short_text="Accept"),
    ActionSpec("ai_reject", "&Reject Suggestion", "dismiss", "Esc", None,
               "Throw the suggestion away (or cancel the running request)", short_text="Reject"),
    ActionSpec("ai_confidence", "Show &Confidence", "set_show_confidence", None, None,
               "Tint ghost notes by how sure the model was of each 16th note (red unsure, green sure)", True),
)


EDITING_WIDGETS = (QAbstractSpinBox, QComboBox, QLineEdit, QTextEdit, QPlainTextEdit)
DECISION_KEYS = frozenset({Qt.Key_Return, Qt.Key_Enter, Qt.Key_Tab, Qt.Key_Backtab})  # accept, cycle variants


class EditingKeysGuard(QObject):
    """Leaves Enter and Tab to a focused spin box, combo box or line edit: typing a value and pressing Enter
    or Tab edits the field and moves on, rather than accepting the suggestion or cycling variants.

    Qt has no shortcut context for "this window except its fields", so the AI's shortcuts stay window-wide
    (they work from the roll and after clicking the panel's buttons) and this filter, on the window and on
    the AI dock (a window of its own when floated), claims those keys with ShortcutOverride: the event a
    focused widget answers to keep a key from the window's shortcuts.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.ShortcutOverride and event.key() in DECISION_KEYS
                and isinstance(QApplication.focusWidget(), EDITING_WIDGETS)):
            event.accept()
            return True
        return False


class NoteSpinBox(QSpinBox):
    """A MIDI pitch shown and typed as a note name (C4 = 60); plain numbers are accepted too."""

    def __init__(self, value: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 127)
        self.setValue(value)
        self.setFixedWidth(64)

    def textFromValue(self, value: int) -> str:
        return pitch_name(value)

    def valueFromText(self, text: str) -> int:
        pitch = parse_pitch(text)
        return self.value() if pitch is None else pitch

    def validate(self, text: str, pos: int):
        state = QValidator.Acceptable if parse_pitch(text) is not None else QValidator.Intermediate
        return state, text, pos


def parse_pitch(text: str) -> int | None:
    """'C4', 'f#3', 'Bb2' or '60' -> MIDI pitch; None for anything else or out of range."""
    if text.strip().isdigit():
        pitch = int(text)
    else:
        match = NOTE_NAME.match(text)
        if not match:
            return None
        letter, accidental, octave = match.groups()
        pitch = SEMITONES[letter.lower()] + {"#": 1, "b": -1, "": 0}[accidental] + (int(octave) + 1) * 12
    return pitch if 0 <= pitch <= 127 else None


def section_title(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setStyleSheet(f"color: {theme.DIM_TEXT.name()}; font-size: 10px; font-weight: bold; "
                        "letter-spacing: 1px; padding-top: 6px;")
    return label


class SuggestionPanel(QWidget):
    """The dock's contents. Owns the AI actions (menus get them from `action_collection`)."""

    confidence_shown = Signal(bool)  # the heat-map toggle

    def __init__(self, session: SuggestionSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("SuggestionPanel")
        self.setMinimumWidth(330)
        self.action_collection = ActionCollection(self, SUGGESTION_ACTIONS)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self._refresh_song_labels)
        self._warm_up_timer = QTimer(self)
        self._warm_up_timer.setSingleShot(True)
        self._warm_up_timer.setInterval(MODEL_WARM_UP_DELAY_MS)
        self._warm_up_timer.timeout.connect(session.prepare_model)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(6)
        self._build_model_row(layout)
        self._build_ask(layout)
        self._build_steer(layout)
        self._build_progress(layout)
        self._build_decide(layout)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("padding-top: 4px;")
        layout.addWidget(self.message_label)
        layout.addStretch(1)

        session.proposal_changed.connect(self._show_proposal)
        session.busy_changed.connect(self._show_busy)
        session.progress.connect(lambda f: self.progress_bar.setValue(int(f * PROGRESS_STEPS)))
        session.message.connect(self.message_label.setText)
        session.model_changed.connect(self._show_model)
        session.settings_changed.connect(self._load_settings)
        doc, playback = session.doc, session.playback
        for signal in (doc.notes_changed, doc.tracks_changed, doc.track_changed, doc.timing_changed,
                       doc.song_replaced):
            signal.connect(self._refresh_timer.start)
        for signal in (doc.selection_changed, doc.current_track_changed, playback.loop_changed,
                       playback.playhead_moved, doc.song_replaced):
            signal.connect(self._show_scope)
        self._load_settings()
        self._refresh_song_labels()
        self._show_model()
        self._show_busy(False)
        self._show_proposal()
        self._show_scope()

    # --- building ---------------------------------------------------------------------------------
    def _button(self, action_name: str) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(self.action_collection[action_name])
        button.setFocusPolicy(Qt.NoFocus)  # keys (Tab, Enter, Esc) stay with the roll
        button.setToolButtonStyle(Qt.ToolButtonTextOnly)
        button.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        button.setStyleSheet("QToolButton { color: #d8dbe0; background: #353a42; border: 1px solid #454b55; "
                             "padding: 5px 8px; }"
                             "QToolButton:hover { background: #414854; }"
                             "QToolButton:disabled { color: #5d636c; background: #2d3137; }")
        return button

    def _build_model_row(self, layout: QVBoxLayout) -> None:
        row = QHBoxLayout()
        self.model_label = QLabel()
        self.model_label.setWordWrap(True)
        self.look_again_button = QPushButton("Look again")
        self.look_again_button.setFocusPolicy(Qt.NoFocus)
        self.look_again_button.clicked.connect(self.session.look_for_model_again)
        row.addWidget(self.model_label, 1)
        row.addWidget(self.look_again_button, 0, Qt.AlignTop)
        layout.addLayout(row)

    def _build_ask(self, layout: QVBoxLayout) -> None:
        layout.addWidget(section_title("Ask"))
        row = QHBoxLayout()
        row.setSpacing(4)
        for name in ("ai_harmonize", "ai_continue", "ai_infill"):
            row.addWidget(self._button(name))
        layout.addLayout(row)
        self.scope_label = QLabel()
        self.scope_label.setWordWrap(True)
        self.scope_label.setStyleSheet(f"color: {theme.DIM_TEXT.name()};")
        layout.addWidget(self.scope_label)

    def _build_steer(self, layout: QVBoxLayout) -> None:
        layout.addWidget(section_title("Steer"))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignLeft)
        form.setHorizontalSpacing(10)
        creativity = QHBoxLayout()
        self.creativity_slider = QSlider(Qt.Horizontal)
        self.creativity_slider.setRange(0, int(MAX_CREATIVITY * CREATIVITY_STEPS_PER_UNIT))
        self.creativity_slider.setToolTip("Temperature: low keeps to the most likely notes, high takes more chances")
        self.creativity_value = QLabel()
        self.creativity_value.setFixedWidth(32)
        creativity.addWidget(self.creativity_slider, 1)
        creativity.addWidget(self.creativity_value)
        form.addRow("Creativity", creativity)
        self.variants_box = QSpinBox()
        self.variants_box.setRange(1, 8)
        self.variants_box.setToolTip("How many different answers to write at once (Tab cycles them)")
        form.addRow("Variants", self.variants_box)
        self.bars_box = QSpinBox()
        self.bars_box.setRange(1, 16)
        self.bars_box.setSuffix(" bars")
        self.bars_box.setToolTip("How many bars Continue writes")
        form.addRow("Continue", self.bars_box)
        self.key_box = QComboBox()
        self.key_box.addItem("Auto", AUTO_KEY)
        for name in KEY_NAMES:
            self.key_box.addItem(name, name)
        self.key_box.addItem("Chromatic (any note)", CHROMATIC)
        self.key_box.setToolTip("The scale the AI writes in: the song's key, a detected one, another, or none")
        form.addRow("Key", self.key_box)
        self.voice_rules_check = QCheckBox("No parallel fifths/octaves or crossed voices")
        self.voice_rules_check.setToolTip("Each written note takes the AI's best choice that keeps these "
                                          "part-writing rules (untick for freer writing)")
        form.addRow("Voice rules", self.voice_rules_check)
        layout.addLayout(form)

        layout.addWidget(QLabel("The AI may write"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(3)
        self.voice_checks: list[QCheckBox] = []
        self.voice_tracks: list[QLabel] = []
        self.range_boxes: list[tuple[NoteSpinBox, NoteSpinBox]] = []
        for voice, label in enumerate(VOICE_LABELS):
            check = QCheckBox(label)
            track_label = QLabel()
            track_label.setStyleSheet(f"color: {theme.DIM_TEXT.name()};")
            low, high = DEFAULT_VOICE_RANGES[voice]
            low_box, high_box = NoteSpinBox(low), NoteSpinBox(high)
            low_box.setToolTip(f"Lowest note the {label.lower()} may sing")
            high_box.setToolTip(f"Highest note the {label.lower()} may sing")
            grid.addWidget(check, voice, 0)
            grid.addWidget(track_label, voice, 1)
            grid.addWidget(low_box, voice, 2)
            grid.addWidget(QLabel("–"), voice, 3)
            grid.addWidget(high_box, voice, 4)
            self.voice_checks.append(check)
            self.voice_tracks.append(track_label)
            self.range_boxes.append((low_box, high_box))
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        self.creativity_slider.valueChanged.connect(self._settings_edited)
        for box in (self.variants_box, self.bars_box):
            box.valueChanged.connect(self._settings_edited)
        self.key_box.currentIndexChanged.connect(self._settings_edited)
        self.voice_rules_check.toggled.connect(self._settings_edited)
        for check in self.voice_checks:
            check.toggled.connect(self._settings_edited)
        for voice, (low_box, high_box) in enumerate(self.range_boxes):
            low_box.valueChanged.connect(lambda value, box=high_box: box.setValue(max(box.value(), value)))
            high_box.valueChanged.connect(lambda value, box=low_box: box.setValue(min(box.value(), value)))
            low_box.valueChanged.connect(self._settings_edited)
            high_box.valueChanged.connect(self._settings_edited)

    def _build_progress(self, layout: QVBoxLayout) -> None:
        self.progress_row = QWidget()
        row = QHBoxLayout(self.progress_row)
        row.setContentsMargins(0, 4, 0, 0)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, PROGRESS_STEPS)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedHeight(10)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setFocusPolicy(Qt.NoFocus)
        self.cancel_button.clicked.connect(self.session.cancel)
        row.addWidget(self.progress_bar, 1)
        row.addWidget(self.cancel_button)
        layout.addWidget(self.progress_row)

    def _build_decide(self, layout: QVBoxLayout) -> None:
        layout.addWidget(section_title("Suggestion"))
        self.variant_list = QListWidget()
        self.variant_list.setFocusPolicy(Qt.NoFocus)
        self.variant_list.setStyleSheet("QListWidget::item { padding: 3px 4px; }"
                                        "QListWidget::item:selected { background: #4a5160; color: white; }")
        self.variant_list.currentRowChanged.connect(self._variant_clicked)
        layout.addWidget(self.variant_list)
        row = QHBoxLayout()
        row.setSpacing(4)
        for name in ("ai_accept", "ai_reject", "ai_regenerate"):
            row.addWidget(self._button(name))
        layout.addLayout(row)
        self.voice_buttons_row = QWidget()
        voice_row = QHBoxLayout(self.voice_buttons_row)
        voice_row.setContentsMargins(0, 0, 0, 0)
        voice_row.setSpacing(4)
        voice_row.addWidget(QLabel("Accept only"))
        self.voice_buttons: list[QPushButton] = []
        for voice, label in enumerate(VOICE_LABELS):
            button = QPushButton(label)
            button.setFocusPolicy(Qt.NoFocus)
            button.setToolTip(f"Take only the {label.lower()} of the shown variant; the other voices stay proposed")
            button.clicked.connect(lambda checked=False, v=voice: self.session.accept_voice(v))
            voice_row.addWidget(button)
            self.voice_buttons.append(button)
        voice_row.addStretch(1)
        layout.addWidget(self.voice_buttons_row)
        confidence = QCheckBox()
        confidence.setFocusPolicy(Qt.NoFocus)
        confidence.setText(self.action_collection["ai_confidence"].text().replace("&", ""))
        confidence.setToolTip(self.action_collection["ai_confidence"].toolTip())
        confidence.toggled.connect(self.action_collection["ai_confidence"].setChecked)
        self.action_collection["ai_confidence"].toggled.connect(confidence.setChecked)
        self.confidence_check = confidence
        layout.addWidget(confidence)

    # --- settings -----------------------------------------------------------------------------------
    def _load_settings(self) -> None:
        """Show the song's saved settings without writing them back."""
        settings = self.session.settings
        generation = settings.generation
        widgets = [self.creativity_slider, self.variants_box, self.bars_box, self.key_box, self.voice_rules_check,
                   *self.voice_checks,
                   *[box for pair in self.range_boxes for box in pair]]
        for widget in widgets:
            widget.blockSignals(True)
        self.creativity_slider.setValue(int(round(generation.temperature * CREATIVITY_STEPS_PER_UNIT)))
        self.variants_box.setValue(generation.variants)
        self.bars_box.setValue(settings.continue_bars)
        key = CHROMATIC if generation.chromatic else generation.key or AUTO_KEY
        self.key_box.setCurrentIndex(max(self.key_box.findData(key), 0))
        self.voice_rules_check.setChecked(generation.voice_rules)
        for voice, check in enumerate(self.voice_checks):
            check.setChecked(voice in settings.voices)
        for voice, (low_box, high_box) in enumerate(self.range_boxes):
            low, high = generation.voice_ranges.get(voice, DEFAULT_VOICE_RANGES[voice])
            low_box.setValue(low)
            high_box.setValue(high)
        for widget in widgets:
            widget.blockSignals(False)
        self._show_creativity()

    def _settings_edited(self, *_) -> None:
        key = self.key_box.currentData()
        generation = GenerationSettings(
            temperature=self.creativity_slider.value() / CREATIVITY_STEPS_PER_UNIT,
            variants=self.variants_box.value(),
            key=key if key not in (AUTO_KEY, CHROMATIC) else None,
            chromatic=key == CHROMATIC,
            voice_ranges={v: (low.value(), high.value()) for v, (low, high) in enumerate(self.range_boxes)},
            passes=self.session.settings.generation.passes,
            voice_rules=self.voice_rules_check.isChecked())
        voices = tuple(v for v, check in enumerate(self.voice_checks) if check.isChecked())
        self.session.update_settings(AISettings(generation, self.bars_box.value(), voices))
        self._show_creativity()
        self._show_scope()

    def _show_creativity(self) -> None:
        self.creativity_value.setText(f"{self.creativity_slider.value() / CREATIVITY_STEPS_PER_UNIT:.2f}")

    def _refresh_song_labels(self) -> None:
        """The key 'Auto' stands for and the track each voice writes into, as the song is now."""
        song = self.session.doc.song
        key = song.key_at(0)
        if key is not None:
            auto = f"Auto (song key: {key.name})"
        else:
            detected = detect_key(song)
            auto = f"Auto (detected: {detected.name})" if detected else "Auto (no notes yet)"
        self.key_box.setItemText(0, auto)
        lanes = voice_lanes(song)
        for voice, label in enumerate(self.voice_tracks):
            lane = lanes[voice]
            if lane is not None:
                track = song.tracks[lane.track_index]
                label.setText(f"{track.name}{' (locked)' if track.locked else ''}")
                color = track.color
            else:
                label.setText("new track" if voice else "current track")
                color = HARMONY_COLOURS[voice]
            label.setStyleSheet(f"color: {QColor(color).lighter(115).name()};")

    # --- state ----------------------------------------------------------------------------------------
    def _show_scope(self, *_) -> None:
        doc, playback = self.session.doc, self.session.playback
        song = doc.song
        if doc.selection:
            where, (start, end) = "Selected notes", span(doc.selection)
        elif playback.loop_enabled and playback.loop_region:
            where, (start, end) = "Loop region", playback.loop_region
        else:
            at = f"bar {song.tick_to_bar_beat(playback.playhead)[0] + 1}" if playback.playhead else "the end"
            self.scope_label.setText(f"Harmonize the current track, or continue from {at}. "
                                     "Select notes or a loop region to rewrite.")
            return
        first, last = song.tick_to_bar_beat(start)[0] + 1, song.tick_to_bar_beat(max(end - 1, start))[0] + 1
        bars = f"bar {first}" if first == last else f"bars {first}–{last}"
        self.scope_label.setText(f"{where}, {bars}: harmonize or rewrite them, or continue after them.")

    def _show_model(self) -> None:
        session = self.session
        problem = session.model_problem
        if problem:
            self.model_label.setText(problem)
            self.model_label.setStyleSheet("color: #ff8a7a;")
        else:
            text = f"Model ready: {session.model_note}" if session.model_ready else "Model loads on first use"
            self.model_label.setText(text)
            self.model_label.setStyleSheet(f"color: {theme.DIM_TEXT.name()};")
        self.look_again_button.setVisible(bool(problem))
        self._enable_actions()

    def _show_busy(self, busy: bool) -> None:
        self.progress_bar.setValue(0)
        self.progress_row.setVisible(busy)
        self._enable_actions()

    def _show_proposal(self) -> None:
        proposal = self.session.proposal
        self.variant_list.blockSignals(True)
        self.variant_list.clear()
        if proposal is not None:
            total = self.session.variant_total
            for index in range(total):
                if index < proposal.variant_count:
                    self.variant_list.addItem(f"Variant {index + 1} of {total} — {proposal.note_count(index)} notes")
                else:
                    self.variant_list.addItem(f"Variant {index + 1} of {total} — writing…")
                    self.variant_list.item(index).setFlags(Qt.NoItemFlags)
            self.variant_list.setCurrentRow(proposal.variant_index)
        else:
            self.variant_list.addItem("Nothing proposed — ask above")
            self.variant_list.item(0).setFlags(Qt.NoItemFlags)
        self.variant_list.blockSignals(False)
        rows = self.variant_list.count()
        self.variant_list.setFixedHeight(rows * max(self.variant_list.sizeHintForRow(0), 18) + 6)
        open_voices = proposal.open_voices if proposal else []
        for voice, button in enumerate(self.voice_buttons):
            button.setVisible(voice in open_voices)
            if voice in open_voices:
                color = QColor(proposal.targets[voice].color)
                button.setStyleSheet(f"QPushButton {{ border-left: 3px solid {color.name()}; padding: 3px 6px; }}")
        self.voice_buttons_row.setVisible(len(open_voices) > 1)
        self._enable_actions()

    def _enable_actions(self) -> None:
        session, actions = self.session, self.action_collection
        proposal = session.proposal
        for name in ("ai_harmonize", "ai_continue", "ai_infill"):
            actions[name].setEnabled(session.model_problem is None)
        actions["ai_regenerate"].setEnabled(session.can_regenerate)
        for name in ("ai_next_variant", "ai_previous_variant"):
            actions[name].setEnabled(proposal is not None and proposal.variant_count > 1)
        actions["ai_accept"].setEnabled(proposal is not None)
        actions["ai_reject"].setEnabled(proposal is not None or session.busy)

    def _variant_clicked(self, row: int) -> None:
        if row >= 0:
            self.session.show_variant(row)

    # --- action slots (named in SUGGESTION_ACTIONS) ------------------------------------------------------
    def harmonize(self) -> None:
        self.session.ask("harmonize")

    def continue_song(self) -> None:
        self.session.ask("continue")

    def rewrite_region(self) -> None:
        self.session.ask("infill")

    def regenerate(self) -> None:
        self.session.regenerate()

    def next_variant(self) -> None:
        self.session.next_variant()

    def previous_variant(self) -> None:
        self.session.previous_variant()

    def accept(self) -> None:
        self.session.accept()

    def dismiss(self) -> None:
        self.session.dismiss()

    def set_show_confidence(self, shown: bool) -> None:
        self.confidence_shown.emit(shown)

    def showEvent(self, event) -> None:
        """The panel in sight means the AI may be wanted soon: load the model, after start-up is done."""
        if not self.session.model_ready:
            self._warm_up_timer.start()
        super().showEvent(event)
