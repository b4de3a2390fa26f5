"""The `cocomposer` command line: each command end to end, exit codes, one-line errors, the editor hand-off."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from cocomposer import cli
from cocomposer.io import load_song
from cocomposer.paths import REPO_ROOT, default_soundfont_path, demo_song_path


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_module(*argv: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess:
    """`python -m cocomposer ...` in a fresh interpreter, as a user or script would run it."""
    env = os.environ | {"PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run([sys.executable, "-m", "cocomposer", *argv], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)


def assert_one_line_error(err: str, *words: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("cocomposer")
    for word in words:
        assert word in lines[0]


# --- commands ------------------------------------------------------------------------------------

def test_info_describes_the_demo(capsys) -> None:
    code, out, err = run_cli(capsys, "info", str(demo_song_path()))
    assert code == 0 and not err
    for expected in ("Ode to Joy", "tracks: 1", "notes:  30", "8 bars", "100 bpm", "4/4", "G major", "soprano"):
        assert expected in out


def test_info_json_is_machine_readable(capsys) -> None:
    code, out, _ = run_cli(capsys, "info", str(demo_song_path()), "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["track_count"], data["note_count"], data["length_bars"], data["meter"], data["key"]) == \
           (1, 30, 8, "4/4", "G major")
    assert data["length_seconds"] == pytest.approx(8 * 4 * 60 / 100)
    assert data["tracks"][0] == {"name": "Melody", "program": 73, "channel": 1, "is_drum": False, "voice": "soprano",
                                 "note_count": 30}


def test_convert_between_formats(capsys, tmp_path: Path) -> None:
    midi, project = tmp_path / "demo.mid", tmp_path / "back.ccsong"
    assert run_cli(capsys, "convert", str(demo_song_path()), "-o", str(midi))[0] == 0
    assert run_cli(capsys, "convert", str(midi), "-o", str(project))[0] == 0
    assert load_song(project).tracks[0].notes == load_song(demo_song_path()).tracks[0].notes


def test_render_writes_the_wav_format_asked_for(capsys, tmp_path: Path) -> None:
    out = tmp_path / "demo.wav"
    code, stdout, err = run_cli(capsys, "render", str(demo_song_path()), "-o", str(out), "--rate", "48000",
                                "--bits", "24")
    assert code == 0, err
    assert str(out) in stdout
    with wave.open(str(out)) as wav:
        assert (wav.getframerate(), wav.getsampwidth(), wav.getnchannels()) == (48000, 3, 2)
        assert wav.getnframes() / 48000 == pytest.approx(19.2, abs=1.0)


def test_demo_writes_wav_and_midi_and_says_where(capsys, tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "demo", "-o", str(tmp_path / "demo"))
    assert code == 0, err
    for name in ("demo.wav", "demo.mid"):
        path = tmp_path / "demo" / name
        assert path.stat().st_size > 0 and str(path) in out


def test_every_command_has_help(capsys) -> None:
    for command in ("render", "convert", "info", "demo", "gui"):
        with pytest.raises(SystemExit) as exited:
            cli.main([command, "--help"])
        assert exited.value.code == 0
        assert "usage: cocomposer " + command in capsys.readouterr().out


# --- errors --------------------------------------------------------------------------------------

def test_missing_song_is_one_line_and_exit_1(capsys, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "info", str(tmp_path / "nothing.mid"))
    assert code == 1
    assert_one_line_error(err, "nothing.mid", "cannot read")


def test_corrupt_midi_is_one_line(capsys, tmp_path: Path) -> None:
    path = tmp_path / "broken.mid"
    path.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x09\x01\xe0MTrk\x00\x00\x10\x00")
    code, _, err = run_cli(capsys, "render", str(path), "-o", str(tmp_path / "x.wav"))
    assert code == 1
    assert_one_line_error(err, "broken.mid", "truncated")


def test_render_to_a_non_wav_name_is_refused(capsys, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "render", str(demo_song_path()), "-o", str(tmp_path / "x.mp3"))
    assert code == 1
    assert_one_line_error(err, ".wav")


def test_render_into_a_missing_folder_is_refused_clearly(capsys, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "render", str(demo_song_path()), "-o", str(tmp_path / "no" / "x.wav"))
    assert code == 1
    assert_one_line_error(err, "does not exist")


def test_missing_soundfont_is_one_line(capsys, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "render", str(demo_song_path()), "-o", str(tmp_path / "x.wav"),
                           "--soundfont", str(tmp_path / "none.sf2"))
    assert code == 1
    assert_one_line_error(err, "none.sf2")
    assert not (tmp_path / "x.wav").exists()


def test_corrupt_soundfont_is_one_line_even_from_the_native_libraries(capfd, tmp_path: Path) -> None:
    """FluidSynth and GLib print their own complaints; the user sees only ours."""
    data = bytearray(default_soundfont_path().read_bytes())
    data[12:400] = b"\x07" * 388  # the chunk headers after the RIFF header are garbage, the size is right
    corrupt = tmp_path / "corrupt.sf3"
    corrupt.write_bytes(bytes(data))
    code = cli.main(["render", str(demo_song_path()), "-o", str(tmp_path / "x.wav"), "--soundfont", str(corrupt)])
    assert code == 1
    assert_one_line_error(capfd.readouterr().err, "could not load the SoundFont", "corrupt.sf3")


def test_usage_mistakes_are_one_line_and_exit_2(capsys) -> None:
    for argv in (["render"], ["info", "a.mid", "--colour"], ["nonsense"], ["render", "a.mid", "-o", "b.wav",
                                                                           "--rate", "22050"]):
        with pytest.raises(SystemExit) as exited:
            cli.main(argv)
        assert exited.value.code == 2
        assert_one_line_error(capsys.readouterr().err, "--help")


def test_unexpected_failure_is_one_line_and_debug_shows_the_traceback(capsys, monkeypatch) -> None:
    from cocomposer import song_commands

    def broken(args):
        raise RuntimeError("something\nunforeseen")

    monkeypatch.setattr(song_commands, "run_info", broken)
    code, _, err = run_cli(capsys, "info", str(demo_song_path()))
    assert code == 1
    assert_one_line_error(err, "RuntimeError: something unforeseen", "--debug")

    code, _, err = run_cli(capsys, "info", str(demo_song_path()), "--debug")
    assert code == 1 and "Traceback" in err and err.strip().splitlines()[-1].startswith("cocomposer: error:")


def test_module_entry_point_exit_codes_and_stderr() -> None:
    ok = run_module("info", str(demo_song_path()))
    assert ok.returncode == 0 and "Ode to Joy" in ok.stdout and not ok.stderr
    failed = run_module("convert", "missing.mid", "-o", "x.ccsong")
    assert failed.returncode == 1 and not failed.stdout
    assert_one_line_error(failed.stderr, "missing.mid")
    usage = run_module("convert")
    assert usage.returncode == 2
    assert_one_line_error(usage.stderr)


# --- the editor hand-off -------------------------------------------------------------------------

@pytest.fixture
def display(monkeypatch) -> None:
    monkeypatch.setenv("DISPLAY", ":99")


def test_no_arguments_opens_the_editor(capsys, monkeypatch, display) -> None:
    opened = []
    monkeypatch.setattr(cli, "_editor_entry_point", lambda: lambda path: opened.append(path) or 0)
    assert cli.main([]) == 0
    assert opened == [None]


def test_a_lone_song_file_opens_it_in_the_editor(monkeypatch, display) -> None:
    opened = []
    monkeypatch.setattr(cli, "_editor_entry_point", lambda: lambda path: opened.append(path) or 0)
    assert cli.main([str(demo_song_path())]) == 0
    assert cli.main(["gui", str(demo_song_path())]) == 0
    assert opened == [str(demo_song_path())] * 2


def test_without_the_editor_no_arguments_prints_help_and_gui_explains(capsys, monkeypatch, display) -> None:
    monkeypatch.setattr(cli, "_editor_entry_point", lambda: None)
    code, out, _ = run_cli(capsys, )
    assert code == 0 and "render" in out and "usage: cocomposer" in out
    code, _, err = run_cli(capsys, "gui")
    assert code == 1
    assert_one_line_error(err, "editor is not available")


def test_without_a_display_the_editor_is_not_started(capsys, monkeypatch) -> None:
    """Qt would abort the whole process on a Linux server; the CLI explains instead."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli.sys, "platform", "linux")
    monkeypatch.setattr(cli, "_editor_entry_point", lambda: pytest.fail("the editor must not start"))
    code, out, _ = run_cli(capsys)
    assert code == 0 and "usage: cocomposer" in out
    code, _, err = run_cli(capsys, "gui", str(demo_song_path()))
    assert code == 1
    assert_one_line_error(err, "no display")


def test_command_modules_that_cannot_load_are_left_out(monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "COMMAND_MODULES", cli.COMMAND_MODULES + ("cocomposer.no_such_module",))
    code, out, err = run_cli(capsys, "info", str(demo_song_path()), "--debug")
    assert code == 0 and "left out cocomposer.no_such_module" in err


# --- progress ------------------------------------------------------------------------------------

class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_appears_only_on_a_terminal_after_the_delay() -> None:
    now = [0.0]
    terminal = FakeTerminal()
    with cli.TerminalProgress("Rendering", stream=terminal, clock=lambda: now[0]) as progress:
        progress(0.1)
        assert terminal.getvalue() == ""  # quick jobs stay quiet
        now[0] = 2.5
        progress(0.5)
        now[0] = 3.0
        progress(1.0)
    lines = terminal.getvalue().split("\r")
    assert "50%" in lines[1] and "100%" in lines[2] and terminal.getvalue().endswith("\n")

    pipe = io.StringIO()
    with cli.TerminalProgress("Rendering", stream=pipe, clock=lambda: 10.0) as progress:
        progress(0.5)
    assert pipe.getvalue() == ""
