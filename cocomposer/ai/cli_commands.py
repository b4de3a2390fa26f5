"""The AI's command-line commands: harmonize, continue, infill (on song files) and evaluate (on JSB data)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cocomposer.cli import CommandError, TerminalProgress

VOICE_LETTERS = "satb"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    harmonize = subparsers.add_parser(
        "harmonize", help="write alto, tenor and bass under a melody",
        description="Harmonize a melody in four parts. The melody track (default: the soprano track, or the "
                    "first track with notes) keeps its notes; alto, tenor and bass tracks are written, created "
                    "where the song has none.")
    harmonize.add_argument("song", metavar="SONG", help="a .mid or .ccsong file")
    harmonize.add_argument("--track", metavar="TRACK", help="the melody track: its name or number (1 = first)")
    harmonize.add_argument("--from", dest="from_bar", type=int, metavar="BAR", help="first bar to harmonize (1-based)")
    harmonize.add_argument("--to", dest="to_bar", type=int, metavar="BAR", help="last bar to harmonize (inclusive)")
    _add_common(harmonize)
    harmonize.set_defaults(handler=run_harmonize)

    continuation = subparsers.add_parser(
        "continue", help="write the next bars of a song",
        description="Continue a song: write the next N bars of its voice tracks after its end (or --from-bar).")
    continuation.add_argument("song", metavar="SONG", help="a .mid or .ccsong file")
    continuation.add_argument("--bars", type=int, required=True, metavar="N", help="how many bars to write (1-16)")
    continuation.add_argument("--from-bar", type=int, metavar="BAR",
                              help="start writing at this bar (1-based; default: the bar after the last note)")
    continuation.add_argument("--tracks", nargs="+", metavar="TRACK", help="tracks to write (names or numbers; default: all voice tracks)")
    _add_common(continuation)
    continuation.set_defaults(handler=run_continue)

    infill = subparsers.add_parser(
        "infill", help="rewrite a region of some tracks, keeping what surrounds it",
        description="Regenerate bars FROM..TO (1-based, inclusive) of the chosen tracks; the music before "
                    "and after the region is kept and used as context; locked notes are kept.")
    infill.add_argument("song", metavar="SONG", help="a .mid or .ccsong file")
    infill.add_argument("--tracks", nargs="+", required=True, metavar="TRACK", help="tracks to rewrite (names or numbers)")
    infill.add_argument("--from", dest="from_bar", type=int, required=True, metavar="BAR")
    infill.add_argument("--to", dest="to_bar", type=int, required=True, metavar="BAR")
    _add_common(infill)
    infill.set_defaults(handler=run_infill)

    evaluate = subparsers.add_parser(
        "evaluate", help="measure the model on the JSB chorales (NLL, harmonization rules, latency)",
        description="Evaluate the AI model on a split of Jsb16thSeparated.json and print one table.")
    evaluate.add_argument("--data", required=True, metavar="PATH", help="Jsb16thSeparated.json")
    evaluate.add_argument("--split", default="test", choices=("train", "valid", "test"))
    evaluate.add_argument("--limit", type=int, metavar="N", help="only the first N chorales")
    evaluate.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    evaluate.add_argument("--repeats", type=int, default=20, metavar="N", help="latency runs per figure (0 = skip)")
    evaluate.add_argument("--update-card", action="store_true", help="store the figures in the model card JSON")
    _add_model_options(evaluate)
    evaluate.set_defaults(handler=run_evaluate)


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", metavar="FILE", help="an ONNX model (default: the bundled one)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where to run the model")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, metavar="OUT", help="result file (.mid or .ccsong)")
    parser.add_argument("--wav", metavar="OUT.wav", help="also render the result to this WAV file")
    parser.add_argument("--variants", type=int, default=1, metavar="N",
                        help="write N variants (1-8): OUT, then OUT's name with -v2, -v3...")
    parser.add_argument("--temperature", type=float, default=0.8, metavar="T", help="creativity, 0 (safest) to 3 (wildest); default 0.8")
    parser.add_argument("--key", metavar="KEY", help="key to stay in, e.g. 'D major' or 'F# minor' (default: the song's or a detected key)")
    parser.add_argument("--chromatic", action="store_true", help="no key constraint")
    parser.add_argument("--seed", type=int, metavar="S", help="random seed: the same seed gives the same result")
    parser.add_argument("--no-voice-rules", dest="voice_rules", action="store_false",
                        help="let the AI write parallel fifths/octaves and cross voices (avoided by default)")
    parser.add_argument("--range", action="append", default=[], metavar="VOICE:LOW-HIGH",
                        help="a voice's pitch range in MIDI numbers, e.g. bass:40-60 (repeatable)")
    _add_model_options(parser)


def _settings(args: argparse.Namespace):
    from cocomposer.ai.composer import DEFAULT_VOICE_RANGES, GenerationSettings

    ranges = dict(DEFAULT_VOICE_RANGES)
    for text in args.range:
        try:
            voice, span = text.split(":")
            low, high = (int(x) for x in span.split("-"))
            ranges[VOICE_LETTERS.index(voice.strip().lower()[0])] = (low, high)
        except ValueError:
            raise CommandError(f"--range {text!r}: write it as VOICE:LOW-HIGH, e.g. bass:40-60") from None
    if args.key:
        from cocomposer.core import KeySignature

        try:
            KeySignature.parse(args.key)
        except ValueError as error:
            raise CommandError(str(error)) from None
    return GenerationSettings(temperature=args.temperature, variants=args.variants, seed=args.seed,
                              key=args.key, chromatic=args.chromatic, voice_ranges=ranges,
                              voice_rules=args.voice_rules)


def _composer(args: argparse.Namespace):
    from cocomposer.ai.composer import Composer
    from cocomposer.ai.model_session import load_model

    model = load_model(args.model, device=args.device)
    if model.device_note and args.device != "cpu":
        print(f"cocomposer: {model.device_note}", flush=True)
    return Composer(model)


def _load(path: str):
    from cocomposer.io import load_song

    return load_song(path)


def _track_index(song, text: str) -> int:
    if text.isdigit():
        index = int(text) - 1
        if 0 <= index < len(song.tracks):
            return index
        raise CommandError(f"track number {text} is out of range (the song has {len(song.tracks)} tracks)")
    for index, track in enumerate(song.tracks):
        if track.name.lower() == text.lower():
            return index
    raise CommandError(f"no track named {text!r} (tracks: {', '.join(t.name for t in song.tracks)})")


def _voices_for_tracks(song, names: list[str] | None) -> list[int] | None:
    from cocomposer.ai.grid import voice_lanes

    if not names:
        return None
    lanes = voice_lanes(song)
    voices = []
    for name in names:
        index = _track_index(song, name)
        matches = [v for v, lane in enumerate(lanes) if lane and lane.track_index == index]
        if not matches:
            raise CommandError(f"track {song.tracks[index].name!r} has no voice role; give it one "
                               f"(soprano/alto/tenor/bass) in the editor or the .ccsong file")
        voices += matches
    return voices


def _bar_tick(song, bar: int, what: str) -> int:
    if bar < 1:
        raise CommandError(f"{what} must be a bar number from 1")
    return song.bar_to_tick(bar - 1)


def _write_results(song, suggestion, args: argparse.Namespace) -> int:
    from cocomposer.ai.suggestions import apply_variant
    from cocomposer.io import save_song

    output = Path(args.output)
    for index in range(len(suggestion.variants)):
        result = song.copy()
        apply_variant(result, suggestion, index)
        path = output if index == 0 else output.with_name(f"{output.stem}-v{index + 1}{output.suffix}")
        save_song(result, path)
        notes = sum(len(n) for n in suggestion.variants[index].notes.values())
        print(f"wrote {path} ({notes} new notes, seed {suggestion.seed})")
        if args.wav and index == 0:
            from cocomposer.audio.render import render_to_wav

            with TerminalProgress(f"Rendering {Path(args.wav).name}") as progress:
                render_to_wav(result, args.wav, progress=progress)
            print(f"wrote {args.wav}")
    key = suggestion.key.name if suggestion.key else "chromatic"
    print(f"key: {key}")
    return 0


def run_harmonize(args: argparse.Namespace) -> int:
    from cocomposer.core import VoiceRole

    song = _load(args.song)
    if args.track:
        melody = _track_index(song, args.track)
    else:
        melody = next((i for i, t in enumerate(song.tracks) if t.voice == VoiceRole.SOPRANO and t.notes),
                      next((i for i, t in enumerate(song.tracks) if t.notes and not t.is_drum), None))
        if melody is None:
            raise CommandError(f"{args.song}: no track with notes to harmonize")
    start = _bar_tick(song, args.from_bar, "--from") if args.from_bar else None
    end = _bar_tick(song, args.to_bar + 1, "--to") if args.to_bar else None
    settings = _settings(args)
    with TerminalProgress("Harmonizing") as progress:
        suggestion = _composer(args).harmonize(song, melody, settings, start_tick=start, end_tick=end, progress=progress)
    return _write_results(song, suggestion, args)


def run_continue(args: argparse.Namespace) -> int:
    song = _load(args.song)
    if args.from_bar:
        start = _bar_tick(song, args.from_bar, "--from-bar")
    else:
        last_bar = song.tick_to_bar_beat(max(song.length_ticks - 1, 0))[0]
        start = song.bar_to_tick(last_bar + 1) if song.length_ticks else 0
    settings = _settings(args)
    with TerminalProgress("Continuing") as progress:
        suggestion = _composer(args).continue_(song, _voices_for_tracks(song, args.tracks), start, args.bars,
                                               settings, progress=progress)
    return _write_results(song, suggestion, args)


def run_infill(args: argparse.Namespace) -> int:
    song = _load(args.song)
    if args.to_bar < args.from_bar:
        raise CommandError("--to must not be before --from")
    start = _bar_tick(song, args.from_bar, "--from")
    end = _bar_tick(song, args.to_bar + 1, "--to")
    settings = _settings(args)
    with TerminalProgress("Rewriting") as progress:
        suggestion = _composer(args).infill(song, _voices_for_tracks(song, args.tracks), start, end, settings,
                                            progress=progress)
    return _write_results(song, suggestion, args)


def run_evaluate(args: argparse.Namespace) -> int:
    from cocomposer.ai.evaluation import evaluate, format_table
    from cocomposer.ai.model_session import load_model

    if not Path(args.data).is_file():
        raise CommandError(f"{args.data}: no such data file")
    model = load_model(args.model, device=args.device)
    with TerminalProgress("Evaluating") as progress:
        result = evaluate(model, args.data, args.split, args.limit, latency_repeats=args.repeats, progress=progress)
    if args.update_card:
        card_path = model.path.with_suffix(".json")
        card = json.loads(card_path.read_text()) if card_path.is_file() else {}
        card["metrics"] = result
        card_path.write_text(json.dumps(card, indent=2) + "\n")
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    return 0
