"""The `cocomposer` command: subcommands gathered from command modules, errors as one line.

A command module exposes `add_parser(subparsers)`: it adds its subcommands with
`subparsers.add_parser(...)` and sets `handler=<function(args) -> int>` on each with
`set_defaults`. Modules listed in COMMAND_MODULES that cannot be imported (no Qt on a server, a
package not written yet) are left out, so the command line always works headless; import heavy
libraries inside handlers, not at module top, to keep `cocomposer --help` quick.

With no arguments (or just a song file) `cocomposer` opens the editor.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback
from typing import Callable, NoReturn, Sequence, TextIO

from cocomposer import __version__

COMMAND_MODULES = (
    "cocomposer.song_commands",  # render, convert, info, demo, gui
    "cocomposer.ai.cli_commands",  # the AI's commands (harmonize, continue, infill, evaluate)
)

PROGRAM = "cocomposer"
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CommandError(Exception):
    """A command cannot do what was asked; the message is shown to the user as one line."""


class OneLineErrorParser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line (with a --help hint) instead of the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser(skipped_modules: list[str] | None = None) -> tuple[argparse.ArgumentParser, set[str]]:
    """The full parser and the names of its commands.

    Command modules that could not be imported are described, one line each, in `skipped_modules`.
    """
    parser = OneLineErrorParser(
        prog=PROGRAM,
        description="CoComposer: write music with an AI partner. Run without a command to open the editor.",
    )
    parser.add_argument("--version", action="version", version=f"{PROGRAM} {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback when something fails")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command", required=True)
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            if skipped_modules is not None:
                skipped_modules.append(f"{module_name}: {error}")
            continue
        module.add_parser(subparsers)
    return parser, set(subparsers.choices)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]) and return the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    # --debug is accepted anywhere on the line, before or after the command.
    debug = "--debug" in arguments
    arguments = [a for a in arguments if a != "--debug"]
    try:
        skipped_modules: list[str] = []
        parser, command_names = build_parser(skipped_modules)
        if debug:
            for line in skipped_modules:
                print(f"{PROGRAM}: left out {line}", file=sys.stderr)
        if not arguments:
            if _display_missing() or _editor_entry_point() is None:
                parser.print_help()
                return EXIT_OK
            return open_editor(None)
        if len(arguments) == 1 and arguments[0] not in command_names and os.path.isfile(arguments[0]):
            return open_editor(arguments[0])  # `cocomposer song.mid` opens the song
        args = parser.parse_args(arguments)
        return int(args.handler(args) or EXIT_OK)
    except BrokenPipeError:
        # The reader went away (`cocomposer info x.mid | head`): stop quietly, and keep Python's
        # exit-time flush of stdout from failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"\n{PROGRAM}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # the last line of defence: every failure becomes one readable line
        if debug:
            traceback.print_exc()
        print(f"{PROGRAM}: error: {describe_error(error)}", file=sys.stderr)
        return EXIT_ERROR


def describe_error(error: BaseException) -> str:
    """One line for the user: the message of errors we raise on purpose, the type too for surprises."""
    message = " ".join(str(error).split()) or type(error).__name__
    if _is_expected(error):
        return message
    return f"{type(error).__name__}: {message} (run with --debug for details)"


def _is_expected(error: BaseException) -> bool:
    """Errors raised on purpose: CommandError, OS errors, and any class from a cocomposer.*.errors module."""
    if isinstance(error, (CommandError, OSError)):
        return True
    return any(cls.__module__.startswith("cocomposer.") and cls.__module__.endswith(".errors")
               for cls in type(error).__mro__)


def _editor_entry_point() -> Callable[[str | None], int] | None:
    """cocomposer.ui.app.run, or None where the editor cannot load (no PySide6, no display libraries)."""
    try:
        from cocomposer.ui.app import run
    except ImportError:
        return None
    return run


def _display_missing() -> bool:
    """True on Linux without an X11 or Wayland display, where Qt would abort the process rather than raise.

    QT_QPA_PLATFORM (e.g. offscreen, as the tests use) means the caller chose a platform that needs none.
    """
    return sys.platform.startswith("linux") and not any(
        os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def open_editor(path: str | None) -> int:
    """Start the graphical editor, optionally with a song file; CommandError where it cannot start."""
    if _display_missing():
        raise CommandError("no display to open the editor on (DISPLAY is not set); the other commands work "
                           "without one, see 'cocomposer --help'")
    run = _editor_entry_point()
    if run is None:
        raise CommandError("the editor is not available here (PySide6 or its system libraries are missing); "
                           "the other commands work without it, see 'cocomposer --help'")
    return int(run(path) or EXIT_OK)


class TerminalProgress:
    """A progress bar on stderr for long jobs: drawn only on a terminal, and only once a job has run ~2 s.

    Call it with the fraction done (0.0-1.0), as the audio and AI layers' `progress` callbacks do.
    """

    BAR_WIDTH = 30
    REDRAW_SECONDS = 0.1

    def __init__(self, label: str, stream: TextIO | None = None, delay_seconds: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.delay_seconds = delay_seconds
        self.clock = clock
        self.started = clock()
        self.last_drawn: float | None = None
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, fraction: float) -> None:
        now = self.clock()
        if not self.enabled or now - self.started < self.delay_seconds:
            return
        if self.last_drawn is not None and now - self.last_drawn < self.REDRAW_SECONDS and fraction < 1.0:
            return
        self.last_drawn = now
        fraction = min(max(fraction, 0.0), 1.0)
        filled = round(fraction * self.BAR_WIDTH)
        bar = "#" * filled + "-" * (self.BAR_WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {fraction * 100:3.0f}%")
        self.stream.flush()

    def finish(self) -> None:
        """End the bar's line (if one was drawn) so the next output starts cleanly."""
        if self.last_drawn is not None:
            self.stream.write("\n")
            self.stream.flush()
            self.last_drawn = None

    def __enter__(self) -> "TerminalProgress":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.finish()
