"""Command-line commands that work on song files: render, convert, info, demo and gui.

They sit above io/ and audio/ (like the editor does) and are registered by cocomposer.cli.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from cocomposer.cli import CommandError, TerminalProgress, open_editor
from cocomposer.core import Song
from cocomposer.io import load_song, save_song
from cocomposer.io.song_files import SONG_SUFFIXES
from cocomposer.paths import demo_song_path

SAMPLE_RATES = (44100, 48000)
BIT_DEPTHS = (16, 24)
DEFAULT_DEMO_DIR = "out/demo"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    song_help = f"a song file ({', '.join(SONG_SUFFIXES)})"

    render = subparsers.add_parser("render", help="render a song to a WAV file with FluidSynth",
                                   description="Render a song to a stereo WAV file through FluidSynth.")
    render.add_argument("song", metavar="SONG", help=song_help)
    render.add_argument("-o", "--output", required=True, metavar="OUT.wav", help="the WAV file to write")
    _add_audio_options(render)
    render.set_defaults(handler=run_render)

    convert = subparsers.add_parser("convert", help="convert between MIDI and .ccsong",
                                    description="Write a song in another format, chosen by the output's extension.")
    convert.add_argument("song", metavar="SONG", help=song_help)
    convert.add_argument("-o", "--output", required=True, metavar="OUT", help="out.mid, out.midi or out.ccsong")
    convert.set_defaults(handler=run_convert)

    info = subparsers.add_parser("info", help="describe a song: tracks, notes, length, tempo, meter, key",
                                 description="Describe a song: tracks, notes, length, tempo, meter and key.")
    info.add_argument("song", metavar="SONG", help=song_help)
    info.add_argument("--json", action="store_true", help="print the description as JSON")
    info.set_defaults(handler=run_info)

    demo = subparsers.add_parser("demo", help="render the bundled demo song to WAV and MIDI (no screen needed)",
                                 description="Render the bundled demo melody to WAV and MIDI and print where they are.")
    demo.add_argument("-o", "--output-dir", default=DEFAULT_DEMO_DIR, metavar="DIR",
                      help=f"folder for demo.wav and demo.mid (default: ./{DEFAULT_DEMO_DIR})")
    _add_audio_options(demo)
    demo.set_defaults(handler=run_demo)

    gui = subparsers.add_parser("gui", help="open the editor (what `cocomposer` alone does)",
                                description="Open the piano-roll editor, optionally with a song.")
    gui.add_argument("song", metavar="SONG", nargs="?", help=song_help)
    gui.set_defaults(handler=lambda args: open_editor(args.song))


def _add_audio_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--soundfont", metavar="FILE", help="an .sf2/.sf3 SoundFont (default: the bundled FluidR3Mono)")
    parser.add_argument("--rate", type=int, choices=SAMPLE_RATES, default=SAMPLE_RATES[0],
                        help="sample rate in Hz (default 44100)")
    parser.add_argument("--bits", type=int, choices=BIT_DEPTHS, default=BIT_DEPTHS[0],
                        help="bits per sample (default 16)")


def run_render(args: argparse.Namespace) -> int:
    output = Path(args.output)
    if output.suffix.lower() != ".wav":
        raise CommandError(f"{output}: the output must be a .wav file")
    if not output.parent.is_dir():
        raise CommandError(f"{output}: the folder {output.parent} does not exist")
    _render(load_song(args.song), output, args)
    return 0


def _render(song: Song, output: Path, args: argparse.Namespace) -> None:
    from cocomposer.audio.render import render_to_wav  # FluidSynth loads only when a command needs it

    with TerminalProgress(f"Rendering {output.name}") as progress:
        result = render_to_wav(song, output, soundfont=args.soundfont, sample_rate=args.rate, bit_depth=args.bits,
                               progress=progress)
    print(f"wrote {result.path} ({result.seconds:.1f} s, {result.sample_rate} Hz, {result.bit_depth}-bit)")
    if result.clipped:
        print(f"warning: the mix clipped (peak {result.peak:.2f} of full scale)")


def run_convert(args: argparse.Namespace) -> int:
    save_song(load_song(args.song), args.output)
    print(f"wrote {args.output}")
    return 0


def run_info(args: argparse.Namespace) -> int:
    description = describe_song(load_song(args.song))
    if args.json:
        print(json.dumps({"path": args.song, **description}, indent=2, ensure_ascii=False))
    else:
        print(_info_text(args.song, description))
    return 0


def describe_song(song: Song) -> dict[str, Any]:
    """A summary of the song for people and scripts: counts, length (seconds and bars), tempo, meter, key."""
    first_meter = song.time_signatures[0]
    key = song.key_at(0)
    return {
        "title": song.title,
        "ppq": song.ppq,
        "track_count": len(song.tracks),
        "note_count": song.note_count,
        "length_seconds": round(song.length_seconds, 3),
        "length_bars": song_length_bars(song),
        "tempo_bpm": song.tempos[0].bpm,
        "tempo_changes": [{"tick": c.tick, "bpm": c.bpm} for c in song.tempos],
        "meter": f"{first_meter.numerator}/{first_meter.denominator}",
        "meter_changes": [{"tick": s.tick, "meter": f"{s.numerator}/{s.denominator}"} for s in song.time_signatures],
        "key": key.name if key else None,
        "tracks": [{
            "name": track.name,
            "program": track.program,
            "channel": track.channel + 1,  # as musicians count channels: 1-16
            "is_drum": track.is_drum,
            "voice": track.voice.value if track.voice else None,
            "note_count": len(track.notes),
        } for track in song.tracks],
    }


def song_length_bars(song: Song) -> int:
    """How many bars the notes reach into (a note ending inside a bar counts that bar)."""
    if song.length_ticks == 0:
        return 0
    bar, beat, tick_in_beat = song.tick_to_bar_beat(song.length_ticks)
    return bar + (1 if beat or tick_in_beat else 0)


def _info_text(path: str, description: dict[str, Any]) -> str:
    tempo = f"{description['tempo_bpm']:g} bpm" + _later_changes(description["tempo_changes"])
    meter = description["meter"] + _later_changes(description["meter_changes"])
    lines = [
        path,
        f"  title:  {description['title'] or '(untitled)'}",
        f"  tracks: {description['track_count']}",
        f"  notes:  {description['note_count']}",
        f"  length: {description['length_seconds']:.1f} s, {description['length_bars']} bars",
        f"  tempo:  {tempo}",
        f"  meter:  {meter}",
        f"  key:    {description['key'] or 'not set'}",
    ]
    for number, track in enumerate(description["tracks"], start=1):
        sound = "drums" if track["is_drum"] else f"program {track['program']}"
        voice = f", {track['voice']}" if track["voice"] else ""
        lines.append(f"  {number}. {track['name']}: {sound}, channel {track['channel']}{voice}, "
                     f"{track['note_count']} notes")
    return "\n".join(lines)


def _later_changes(changes: list[Any]) -> str:
    later = len(changes) - 1
    return "" if later == 0 else f" (then {later} change{'s' if later > 1 else ''})"


def run_demo(args: argparse.Namespace) -> int:
    song = load_song(demo_song_path())
    folder = Path(args.output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    midi_path = folder / "demo.mid"
    save_song(song, midi_path)
    print(f"wrote {midi_path}")
    _render(song, folder / "demo.wav", args)
    return 0
