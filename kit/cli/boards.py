"""`klimakit boards`: which micro:bits are plugged in."""
from __future__ import annotations

import json
import sys

import click

from kit.boards import BoardInfo, ask_all, find_boards, micropython_release
from kit.cli.output import echo, err_console, out_console, print_table, print_to_copy
from kit.cli.translate import command, option
from kit.i18n import N_
from kit.i18n import gettext as _

# What to check when no board is found, per platform: (text, meant to be copied). A line to
# copy (a command, the udev rule) is printed whole on its own line (print_to_copy), never wrapped.
NO_BOARDS_HELP: dict[str, tuple[tuple[str, bool], ...]] = {
    "linux": (
        (N_("- Use a USB data cable: many cables only charge. The board's yellow LED blinks when "
            "the PC talks to it."), False),
        (N_("- A MICROBIT drive should appear in the file manager. If only the drive appears, "
            "add yourself to the 'dialout' group to use the serial port (then log out and in "
            "again):"), False),
        ("    sudo usermod -aG dialout $USER", True),
        (N_("- Or allow the board for all users with a udev rule, "
            "/etc/udev/rules.d/50-microbit.rules:"), False),
        ('    SUBSYSTEM=="tty", ATTRS{idVendor}=="0d28", ATTRS{idProduct}=="0204", MODE="0666"',
         True),
    ),
    "win32": (
        (N_("- Use a USB data cable: many cables only charge."), False),
        (N_("- A drive named MICROBIT should appear in Explorer; the serial port shows in "
            "Device Manager under 'Ports (COM & LPT)' as 'USB Serial Device'. Windows 10 and 11 "
            "need no driver."), False),
        (N_("- Try another USB port or hub; unplug and plug in again."), False),
    ),
    "darwin": (
        (N_("- Use a USB data cable: many cables only charge."), False),
        (N_("- A drive named MICROBIT should appear in Finder and /dev/cu.usbmodem* for the "
            "port."), False),
        (N_("- Try another USB port or hub; unplug and plug in again."), False),
    ),
}


def _as_dict(board: BoardInfo, answers: dict[str, str] | None = None
             ) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "name": board.label,
        "version": board.version,
        "drive": str(board.drive) if board.drive else None,
        "port": board.port,
        "unique_id": board.unique_id,
        "daplink": board.daplink_version,
        "problem": board.problem or None,
        "engine": (board.engine or "none") if board.virtual else "usb",
        "engine_reason": board.engine_reason or None,
    }
    if answers is not None:  # asked with --micropython: '' = the port did not answer
        row["micropython"] = answers.get(board.unique_id or (board.port or "")) or None
    return row


WIDE_TABLE = 140  # columns: narrower terminals get the unique ids on lines of their own
ENGINE_LABELS = {"qemu": N_("QEMU (V1 firmware)"), "sim": N_("simulator"),
                 "none": N_("no program"), "off": N_("drive only")}


def engine_label(board: BoardInfo, reason: bool = True) -> str:
    """What runs a board's program: USB for a real one, else the virtual board's engine (and
    why: kit/flash/engine.py)."""
    if not board.virtual:
        return "USB"
    engine = board.engine or "none"
    label = _(ENGINE_LABELS[engine]) if engine in ENGINE_LABELS else engine
    return _("{engine} ({reason})").format(engine=label, reason=board.engine_reason) \
        if reason and board.engine_reason else label


@command()
@option("--json", "as_json", is_flag=True, help=N_("Print the list as JSON on stdout."))
@option("--micropython", "ask", is_flag=True,
        help=N_("Ask each board's serial port which MicroPython it runs (this stops the "
                "board's program and starts it again from the beginning)."))
def boards(as_json: bool, ask: bool) -> None:
    """List the micro:bits plugged into this PC: drive, serial port, V1/V2.

    Every board shows its MICROBIT drive (where hex files are copied) and its serial port
    (where its program's data arrives). V1 or V2 is read from DETAILS.TXT on the drive.
    A virtual board (`klimakit virtual up`) says what runs its program and why: the real V1
    firmware in QEMU, or the simulator (for what QEMU cannot do, and every V2).
    With --micropython each board whose serial port answers says which MicroPython it runs
    (klimakit puts V1 1.1.1 and V2 2.1.2 on them); its program restarts.

    \b
    Example:
      klimakit boards
      klimakit boards --micropython
    """
    found = find_boards()
    answers = ask_all(found) if ask else None
    if as_json:
        click.echo(json.dumps([_as_dict(b, answers) for b in found], indent=2))
        return
    if not found:
        platform = sys.platform if sys.platform in NO_BOARDS_HELP else "linux"
        err_console.print(_("[bold]No micro:bit found.[/bold] What to check:"))
        for text, to_copy in NO_BOARDS_HELP[platform]:
            if to_copy:
                print_to_copy(text)
            else:
                err_console.print(_(text), markup=False)
        err_console.print(_("No hardware at hand? Try [bold]klimakit demo[/bold]."))
        return
    keys = ["name", "version", "engine", "drive", "port", "unique_id", "daplink", "problem"]
    titles = [_("Name"), _("Version"), _("Runs on"), _("Drive"), _("Port"), _("Unique id"),
              "DAPLink", _("Note")]
    dicts = [_as_dict(b, answers) for b in found]
    for row, board in zip(dicts, found):
        row["engine"] = engine_label(board, reason=False)
        row["problem"] = "; ".join(t for t in (row["problem"], board.engine_reason) if t)
    if answers is not None:
        keys.insert(2, "micropython")
        titles.insert(2, "MicroPython")
        for row in dicts:
            text = row.get("micropython") or ""
            row["micropython"] = micropython_release(text) or (text[:24] if text else
                                                               _("no answer"))
    narrow = out_console.width < WIDE_TABLE
    if narrow:  # a 48-letter unique id leaves no room at 80 columns: it goes under the table,
        # and what runs a virtual board joins the note
        for row, board in zip(dicts, found):
            if board.virtual:
                row["problem"] = "; ".join(t for t in (engine_label(board), board.problem) if t)
        keep = [k for k in keys if k not in ("engine", "unique_id", "daplink")]
        titles = [t for k, t in zip(keys, titles) if k in keep]
        keys = keep
    rows = [[str(row[k] or "") for k in keys] for row in dicts]
    print_table("micro:bits", titles, rows, keep=(0, keys.index("port")))
    if narrow:
        echo(_("Unique id and DAPLink version of each (--board takes the name or the id):"))
        for row in dicts:
            print_to_copy("  {}  {}  DAPLink {}".format(row["name"], row["unique_id"] or "-",
                                                        row["daplink"] or "-"), err=False)


COMMANDS = [boards]
