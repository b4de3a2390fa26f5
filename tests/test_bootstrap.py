"""packaging/bootstrap.sh: what it does about system packages, checked without installing anything."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from cocomposer.paths import REPO_ROOT

BOOTSTRAP = REPO_ROOT / "packaging" / "bootstrap.sh"
pytestmark = pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs a Debian-based system")


def run_bash(script: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", f"source {BOOTSTRAP}; {script}"], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL, cwd=REPO_ROOT)


def test_as_a_normal_user_it_prints_the_apt_line_for_missing_packages_only() -> None:
    result = run_bash("id() { echo 1000; }; SYSTEM_PACKAGES=(libc6 cocomposer-no-such-package); "
                      "install_system_packages")
    assert result.returncode == 0
    assert "please install (as root): apt-get install cocomposer-no-such-package" in result.stderr
    assert "libc6" not in result.stderr


def test_nothing_is_installed_when_everything_is_present() -> None:
    result = run_bash("apt-get() { echo CALLED; }; SYSTEM_PACKAGES=(libc6); install_system_packages")
    assert "already installed" in result.stderr and "CALLED" not in result.stdout + result.stderr


def test_unknown_action_is_refused_before_any_setup() -> None:
    result = subprocess.run(["bash", str(BOOTSTRAP), "deploy"], capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and "unknown action 'deploy'" in result.stderr
