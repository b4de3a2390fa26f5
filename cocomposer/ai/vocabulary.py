"""The model's token vocabulary and grid conventions, shared by inference and training.

A cell of the grid is one voice (S, A, T, B) in one 16th-note frame. Its token is REST, a pitch
between MIN_PITCH and MAX_PITCH, or (inputs only) MASK for a cell the model must fill.
"""

MIN_PITCH = 28  # E1
MAX_PITCH = 91  # G6
REST = 0
NUM_PITCHES = MAX_PITCH - MIN_PITCH + 1
NUM_CLASSES = NUM_PITCHES + 1  # REST + pitches: what the model predicts
MASK = NUM_CLASSES  # input-only token for a cell whose value the model does not see
NUM_INPUT_TOKENS = NUM_CLASSES + 1
NUM_VOICES = 4
VOICE_NAMES = ("soprano", "alto", "tenor", "bass")
FRAMES_PER_QUARTER = 4  # 16th-note grid
GIVEN_RANK = 0  # rank of a cell the model conditions on (see docs/MODEL.md)


def pitch_to_token(pitch: int) -> int:
    """Token of a MIDI pitch (must lie in MIN_PITCH..MAX_PITCH), or REST for pitch < 0."""
    if pitch < 0:
        return REST
    if not MIN_PITCH <= pitch <= MAX_PITCH:
        raise ValueError(f"pitch {pitch} is outside the model range {MIN_PITCH}..{MAX_PITCH}")
    return pitch - MIN_PITCH + 1


def token_to_pitch(token: int) -> int:
    """MIDI pitch of a token, or -1 for REST."""
    return -1 if token == REST else token - 1 + MIN_PITCH
