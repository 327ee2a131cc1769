"""The CLI: help for every command, --version, boards with fake drives, clear errors."""
from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner
from conftest import fake_port

from kit import __version__, cli

V2_ID = "9904360259434e450030900d0000005c0000000097969901"


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _all_commands(command, prefix + (name,))


def test_version():
    result = CliRunner().invoke(cli.cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("path", [p for p, _ in _all_commands(cli.cli)], ids=" ".join)
def test_every_command_explains_itself(path):
    result = CliRunner().invoke(cli.cli, list(path) + ["--help"])
    assert result.exit_code == 0, result.output
    command = dict(_all_commands(cli.cli))[path]
    assert command.help and len(command.help.split()) >= 8, "help must teach, not just name"


def test_boards_lists_fake_drive_with_port(fake_drive, monkeypatch):
    drive = fake_drive("MICROBIT", V2_ID)
    monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(drive.parent))
    monkeypatch.setattr("kit.boards.discover.comports", lambda: [fake_port("/dev/ttyACM0", V2_ID)])
    result = CliRunner().invoke(cli.cli, ["boards", "--json"])
    assert result.exit_code == 0
    [board] = json.loads(result.output)
    assert board["version"] == "v2" and board["port"] == "/dev/ttyACM0"
    assert board["drive"] == str(drive)


def test_boards_says_what_to_do_when_none(tmp_path, monkeypatch):
    monkeypatch.setenv("KLIMAKIT_DRIVE_ROOTS", str(tmp_path))
    monkeypatch.setattr("kit.boards.discover.comports", lambda: [])
    monkeypatch.setattr("sys.platform", "linux")
    result = CliRunner().invoke(cli.cli, ["boards"])
    assert result.exit_code == 0
    assert "No micro:bit found" in result.output
    assert "dialout" in result.output and "udev" in result.output
    assert "charge" in result.output


def test_kit_errors_become_messages_not_tracebacks(monkeypatch):
    from kit.errors import QemuNotAvailable

    def broken(*args, **kwargs):
        raise QemuNotAvailable("qemu-system-arm is not installed")

    monkeypatch.setattr("kit.cli.demo.run_demo", broken)
    result = CliRunner().invoke(cli.cli, ["demo"])
    assert result.exit_code == 1
    assert "Error: qemu-system-arm is not installed" in result.output
    assert "Traceback" not in result.output
