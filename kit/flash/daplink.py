"""DAPLink's FAIL.TXT, read and written: its error sentences and what they mean for a teacher.

DAPLink (the USB chip on every micro:bit) writes FAIL.TXT onto the MICROBIT drive when a copied
hex could not be flashed, as two lines: ``error: <sentence>`` and ``type: <kinds>`` (kinds:
internal, transient, user, target, interface). The sentences come from DAPLink's
source/daplink/error.c; a micro:bit V2 also scrolls the number 500 + the error's index (e.g.
521 checksum, 529 incompatible image), which is the number teachers see and search for.

A real FAIL.TXT is well under 200 bytes. Whatever else is found on a drive under that name (a
20 MB file, terminal escape sequences such as `\x1b[2J`) is read only up to
FAIL_TXT_MAX_BYTES and made printable with kit.text before it is shown or stored.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kit.i18n import N_
from kit.i18n import gettext as _
from kit.text import one_line, printable

FAIL_TXT_NAME = "FAIL.TXT"
FAIL_TXT_MAX_BYTES = 4096
ERROR_MAX_CHARS = 200

# (DAPLink sentence or its start, code shown on a V2, what happened, what to do)
_KNOWN: tuple[tuple[str, int, str, str], ...] = (
    ("An error occurred during the transfer", 503,
     N_("The copy was interrupted on the way."),
     N_("Flash again. If it happens again, try another USB cable or another port.")),
    ("The transfer timed out", 504,
     N_("The file came too slowly or in pieces, so the micro:bit gave up (known from 'Save as' "
        "in browsers)."),
     N_("Flash again with klimakit, which copies the whole file at once.")),
    ("Possible mismatch between file size", 505,
     N_("The file was not copied completely."),
     N_("Flash again, and do not unplug the micro:bit before it is done.")),
    ("File sent out of order", 506,
     N_("The computer sent the file out of order (this happens when another program uses the "
        "micro:bit at the same time, e.g. a browser editor with WebUSB)."),
     N_("Close browser editors connected to the micro:bit, and flash again.")),
    ("The interface firmware FAILED to reset/halt", 507,
     N_("The USB chip could not stop the micro:bit's processor."),
     N_("Unplug the USB cable and plug it in again, and flash again.")),
    ("The interface firmware FAILED", 508,
     N_("The USB chip could not write the program into the micro:bit."),
     N_("Unplug the USB cable and plug it in again, and flash again. If that does not help: "
        "update the micro:bit's firmware (microbit.org/get-started/user-guide/firmware).")),
    ("The interface firmware ABORTED programming", 513,
     N_("The hex file tried to lock the micro:bit, so flashing was stopped."),
     N_("Use a hex file built with `klimakit build` or a micro:bit editor.")),
    ("Flash algorithm", 515,
     N_("The micro:bit's memory could not be erased or written."),
     N_("Unplug the USB cable and plug it in again, and flash again. If it happens every time, "
        "the board may be broken: put it aside.")),
    ("The hex file cannot be decoded. Checksum", 521,
     N_("The hex file is damaged (wrong checksum). This also happens with a known Windows bug "
        "when the file is copied very fast."),
     N_("Build the file again with `klimakit build` and flash again.")),
    ("The hex file cannot be decoded", 522,
     N_("The file is not a valid hex file."),
     N_("Build the file again with `klimakit build` and flash again.")),
    ("The hex file cannot be programmed", 523,
     N_("The hex file could not be written in."),
     N_("Build the file again with `klimakit build` and flash again.")),
    ("The hex file you dropped isn't compatible", 524,
     N_("The hex file does not fit the micro:bit, or it is in MAINTENANCE mode."),
     N_("If the drive is called MAINTENANCE, unplug the cable and plug it in again without "
        "holding the reset button. Otherwise: build the file again with `klimakit build`.")),
    ("The hex file offset load address", 525,
     N_("The hex file must go to another place in memory than this micro:bit expects."),
     N_("Build the file again with `klimakit build`.")),
    ("The application file format is unknown", 528,
     N_("The micro:bit does not know the file format."),
     N_("Copy a .hex file built with `klimakit build`.")),
    ("The application image is not compatible", 529,
     N_("The program is made for another micro:bit version (e.g. V1 only on a V2)."),
     N_("Build the program again with `klimakit build`: it gives a universal hex for V1 and V2.")),
)


@dataclass(frozen=True)
class FailReport:
    """A FAIL.TXT, read and explained."""

    error: str  # DAPLink's sentence
    kinds: tuple[str, ...]
    code: int  # the 5xx number a V2 scrolls; 0 if unknown
    sentence: str  # what happened, for a teacher (in the language of the moment it was read)
    advice: str  # what to do


def read_fail_txt(drive: Path) -> str | None:
    """Return the drive's FAIL.TXT (at most FAIL_TXT_MAX_BYTES, printable); None if absent."""
    try:
        with open(drive / FAIL_TXT_NAME, "rb") as handle:
            data = handle.read(FAIL_TXT_MAX_BYTES)
    except OSError:
        return None
    return printable(data.decode("ascii", errors="replace")).strip()


def parse_fail_txt(text: str) -> FailReport:
    """Explain a FAIL.TXT; unknown or garbled content still gives a useful sentence.

    The text is bounded and stripped of control characters first, so a hostile or huge
    FAIL.TXT gives a sentence of at most ERROR_MAX_CHARS characters.
    """
    text = printable(text[:FAIL_TXT_MAX_BYTES])
    error, kinds = "", tuple[str, ...]()
    for line in text.splitlines():
        key, _sep, value = line.partition(":")
        if key.strip().lower() == "error":
            error = one_line(value, ERROR_MAX_CHARS)
        elif key.strip().lower() == "type":
            kinds = tuple(one_line(k, 20) for k in value.split(",") if k.strip())[:8]
    error = error or one_line(text, ERROR_MAX_CHARS)
    for start, code, sentence, advice in _KNOWN:
        if error.lower().startswith(start.lower()):
            return FailReport(error, kinds, code, _(sentence), _(advice))
    return FailReport(
        error, kinds, 0,
        _("The micro:bit reported an error: {}").format(error or _("(empty FAIL.TXT)")),
        _("Unplug the USB cable and plug it in again, and flash again."),
    )


def format_fail_txt(error: str, kinds: tuple[str, ...] = ("user",)) -> str:
    """Return FAIL.TXT as DAPLink writes it (virtual boards write the same)."""
    return "error: {}\r\ntype: {}\r\n".format(error, ", ".join(kinds))


INCOMPATIBLE_IMAGE = "The application image is not compatible with the target."
