#!/usr/bin/env bash
# Set up CoComposer on a fresh Debian/Ubuntu machine (or re-check an existing setup), then optionally
# run it or its tests. Safe to run again: every step is skipped when it is already done.
#
#   bash packaging/bootstrap.sh          set up: system libraries, .venv, the package with dev+train extras
#   bash packaging/bootstrap.sh run      set up, then open the editor on the demo song (or, with no
#                                        display, render the demo and its harmonization to out/demo)
#   bash packaging/bootstrap.sh test     set up, then run the test suite (extra arguments go to pytest)
#
# System packages are installed only as root with apt-get; otherwise the script says what to install.
# PYTHON=/path/to/python3 picks the interpreter for the virtual environment (3.10 or newer).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
VENV="$REPO_ROOT/.venv"
PYTHON="${PYTHON:-python3}"
INSTALL_STAMP="$VENV/.cocomposer-install-stamp"

# FluidSynth for audio, Xvfb for a virtual display, and the libraries Qt needs for its offscreen
# (tests, servers) and xcb (desktop) platforms.
SYSTEM_PACKAGES=(
  libfluidsynth3 fluidsynth xvfb xauth
  libgl1 libegl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0
  libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1
)

say() { printf 'bootstrap: %s\n' "$*" >&2; }

python_is_usable() {
  command -v "$1" >/dev/null 2>&1 &&
    "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' >/dev/null 2>&1
}

missing_system_packages() {
  local package
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      printf '%s\n' "$package"
    fi
  done
}

install_system_packages() {
  local wanted=("${SYSTEM_PACKAGES[@]}")
  python_is_usable "$PYTHON" || wanted+=(python3 python3-venv)
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "not a Debian-based system: install FluidSynth yourself (macOS: brew install fluid-synth;" \
        "Windows: put FluidSynth's bin folder with libfluidsynth-3.dll on PATH)"
    return
  fi
  local missing
  mapfile -t missing < <(missing_system_packages "${wanted[@]}")
  if [ "${#missing[@]}" -eq 0 ]; then
    say "system packages already installed"
    return
  fi
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "please install (as root): apt-get install ${missing[*]}"
    return
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } >&2; then
    say "warning: apt-get could not install ${missing[*]}; audio or the editor may not work"
  fi
}

create_virtualenv() {
  if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    return
  fi
  python_is_usable "$PYTHON" || { say "no Python 3.10+ with venv found (set PYTHON=...)"; exit 1; }
  say "creating $VENV with $("$PYTHON" --version 2>&1)"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
}

install_package() {
  # Reinstall only when pyproject.toml (the dependency list) changed since the last install.
  local stamp
  stamp="$(sha256sum pyproject.toml | cut -d' ' -f1) $("$VENV/bin/python" --version 2>&1)"
  if [ -f "$INSTALL_STAMP" ] && [ "$(cat "$INSTALL_STAMP")" = "$stamp" ] &&
     "$VENV/bin/python" -c 'import cocomposer.cli, mido, fluidsynth, onnxruntime, PySide6, pytest, torch' 2>/dev/null; then
    say "python packages already installed"
    return
  fi
  say "installing CoComposer and its dependencies into $VENV (torch is pinned to 2.13.0, the CPU build)"
  "$VENV/bin/python" -m pip install --quiet -e ".[dev,train]" >&2
  printf '%s' "$stamp" > "$INSTALL_STAMP"
}

run_app() {
  local cocomposer="$VENV/bin/cocomposer"
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec "$cocomposer" gui resources/demo/demo.ccsong
  fi
  say "no display: rendering the demo headless instead of opening the editor"
  "$cocomposer" demo -o out/demo
  if "$cocomposer" harmonize --help >/dev/null 2>&1 && [ -f resources/model/cocomposer-satb.onnx ]; then
    "$cocomposer" harmonize resources/demo/demo.ccsong -o out/demo/demo-harmonized.mid \
      --wav out/demo/demo-harmonized.wav --seed 1
  fi
}

run_tests() {
  QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -m pytest -q "$@"
}

main() {
  local action="${1:-setup}"
  [ "$#" -gt 0 ] && shift
  case "$action" in
    setup|run|test) ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; return 0 ;;
    *) say "unknown action '$action' (use setup, run or test)"; return 2 ;;
  esac
  install_system_packages
  create_virtualenv
  install_package
  case "$action" in
    run) run_app ;;
    test) run_tests "$@" ;;
    setup) say "ready: .venv/bin/cocomposer --help" ;;
  esac
}

# Sourcing the script (as its tests do) defines the functions without running anything.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
