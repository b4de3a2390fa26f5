"""What the editor shows of an AI suggestion: which variant is on screen, which tracks it writes, what is accepted.

A Proposal is an immutable snapshot, so an accept command can keep the one before and the one after it
and undo can put the suggestion back on screen exactly as it was.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Iterable

from cocomposer.ai.suggestions import Suggestion, Variant
from cocomposer.core import Note, Song, Track


@dataclass(frozen=True)
class NoteEdit:
    """On `track`, the notes `removed` give way to `added` (an accepted suggestion, one track at a time)."""

    track: Track
    removed: tuple[Note, ...]
    added: tuple[Note, ...]


@dataclass(frozen=True)
class GhostNote:
    """A proposed note as the roll draws it: its voice, the track it would land on, and the note."""

    voice: int
    track: Track
    note: Note


@dataclass(frozen=True, eq=False)
class Proposal:
    """A Suggestion on screen. `targets` maps each written voice to the Track it writes into; tracks a
    harmonization needs are made once here, so accept, undo and redo all add and remove the same objects.
    """

    suggestion: Suggestion
    targets: dict[int, Track]
    variant_index: int = 0
    accepted_voices: frozenset[int] = frozenset()
    accepted_notes: frozenset[tuple[int, Note]] = field(default_factory=frozenset)  # taken one click at a time

    @classmethod
    def from_suggestion(cls, suggestion: Suggestion, song: Song) -> "Proposal":
        """Resolve the suggestion's track indices against `song`, the song it was asked about."""
        targets = {}
        for voice in suggestion.variants[0].notes:
            new_track = suggestion.new_tracks.get(voice)
            targets[voice] = (new_track.copy(notes=[]) if new_track is not None
                              else song.tracks[suggestion.voice_tracks[voice]])
        return cls(suggestion, targets)

    # --- what is shown -----------------------------------------------------------------------
    @property
    def variant(self) -> Variant:
        return self.suggestion.variants[self.variant_index]

    @property
    def variant_count(self) -> int:
        return len(self.suggestion.variants)

    @property
    def open_voices(self) -> list[int]:
        """Written voices not yet accepted as a whole, in S-A-T-B order."""
        return [v for v in sorted(self.targets) if v not in self.accepted_voices]

    def ghost_notes(self) -> list[GhostNote]:
        """The shown variant's notes still on offer (accepted voices and notes left out)."""
        return [GhostNote(voice, self.targets[voice], note) for voice in self.open_voices
                for note in self.variant.notes.get(voice, []) if (voice, note) not in self.accepted_notes]

    def replaced_notes(self) -> list[Note]:
        """Song notes that accepting every open voice would take away: those the ghosts replace, less those the
        shown variant writes again as they are (a kept note is no change)."""
        replaced = []
        for voice in self.open_voices:
            kept = {(n.pitch, n.start, n.duration) for n in self.variant.notes.get(voice, ())}
            replaced += [n for n in self.replaced_left(voice) if (n.pitch, n.start, n.duration) not in kept]
        return replaced

    def note_count(self, variant_index: int) -> int:
        return sum(len(notes) for notes in self.suggestion.variants[variant_index].notes.values())

    # --- moving on -----------------------------------------------------------------------------
    def showing(self, variant_index: int) -> "Proposal":
        return replace(self, variant_index=variant_index % self.variant_count)

    def with_voices_accepted(self, voices: Iterable[int]) -> "Proposal | None":
        """The proposal after accepting whole voices; None once every written voice is accepted."""
        accepted = self.accepted_voices | frozenset(voices)
        if accepted >= frozenset(self.targets):
            return None
        return replace(self, accepted_voices=accepted)

    def with_note_accepted(self, voice: int, note: Note) -> "Proposal":
        return replace(self, accepted_notes=self.accepted_notes | {(voice, note)})

    # --- what accepting changes ------------------------------------------------------------------
    def replaced_left(self, voice: int) -> list[Note]:
        """The voice's notes to be replaced that are still in the song: notes taken one by one push out the
        replaced notes they overlap."""
        taken = [n for v, n in self.accepted_notes if v == voice]
        return [r for r in self.suggestion.replaced.get(voice, ()) if not any(overlap(r, n) for n in taken)]

    def voice_edits(self, voices: Iterable[int]) -> list[NoteEdit]:
        """Accepting whole voices of the shown variant: the region's unlocked notes still there (and notes
        taken one by one before) make way for the variant's notes."""
        edits = []
        for voice in voices:
            singles = tuple(n for v, n in self.accepted_notes if v == voice)
            edits.append(NoteEdit(self.targets[voice], tuple(self.replaced_left(voice)) + singles,
                                  tuple(self.variant.notes.get(voice, ()))))
        return edits

    def note_edit(self, voice: int, note: Note) -> NoteEdit:
        """Taking one proposed note: the voice's notes to be replaced that sound at the same time make way."""
        removed = tuple(r for r in self.replaced_left(voice) if overlap(r, note))
        return NoteEdit(self.targets[voice], removed, (note,))

    def missing_tracks(self, song: Song, voices: Iterable[int]) -> list[Track]:
        """Target tracks of `voices` that the song does not have yet (new harmony parts), in voice order."""
        return [self.targets[v] for v in sorted(voices) if all(t is not self.targets[v] for t in song.tracks)]

    def audition_song(self, song: Song) -> Song:
        """A copy of `song` with every open voice of the shown variant in place: what accepting would sound like."""
        result = song.copy()
        for track in self.missing_tracks(song, self.open_voices):
            result.tracks.append(track.copy())
        originals = list(song.tracks) + self.missing_tracks(song, self.open_voices)
        for edit in self.voice_edits(self.open_voices):
            index = next(i for i, t in enumerate(originals) if t is edit.track)
            copy = result.tracks[index]
            copy.notes = without(copy.notes, edit.removed) + list(edit.added)
        return result


def overlap(a: Note, b: Note) -> bool:
    return a.start < b.end and b.start < a.end


def without(notes: list[Note], removed: Iterable[Note]) -> list[Note]:
    """`notes` less each of `removed` once (by value, as SongDocument.replace_notes does)."""
    pending = Counter(removed)
    kept = []
    for note in notes:
        if pending[note] > 0:
            pending[note] -= 1
        else:
            kept.append(note)
    return kept
