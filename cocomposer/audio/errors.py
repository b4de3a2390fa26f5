"""Audio failures the UI and CLI can show as one clear sentence (missing SoundFont, no sound card)."""


class AudioError(Exception):
    """Base class for everything that can go wrong while rendering or playing audio."""


class SoundFontError(AudioError):
    """The SoundFont file is missing, unreadable or not a SoundFont; the message names the file."""


class AudioDeviceError(AudioError):
    """No audio output device could be opened, so live playback is unavailable (rendering still works)."""
