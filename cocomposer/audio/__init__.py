"""Sound: the song as timed MIDI events (schedule), FluidSynth (synth), WAV export (render), live playback (playback).

No Qt here; the editor wraps Player in its own signals.
"""
