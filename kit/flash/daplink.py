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

from kit.text import one_line, printable

FAIL_TXT_NAME = "FAIL.TXT"
FAIL_TXT_MAX_BYTES = 4096
ERROR_MAX_CHARS = 200

# (DAPLink sentence or its start, code shown on a V2, what happened, what to do)
_KNOWN: tuple[tuple[str, int, str, str], ...] = (
    ("An error occurred during the transfer", 503,
     "Kopieringen blev afbrudt undervejs.",
     "Flash igen. Sker det igen, så prøv et andet USB-kabel eller en anden port."),
    ("The transfer timed out", 504,
     "Filen kom for langsomt eller i stykker, så micro:bit'en gav op (kendt fra 'Gem som' i "
     "browsere).",
     "Flash igen med klimakit, som kopierer hele filen på én gang."),
    ("Possible mismatch between file size", 505,
     "Filen blev ikke kopieret helt.",
     "Flash igen, og tag ikke micro:bit'en ud, før den er færdig."),
    ("File sent out of order", 506,
     "Computeren sendte filen i forkert rækkefølge (sker, når et andet program bruger "
     "micro:bit'en samtidig, fx en browser-editor med WebUSB).",
     "Luk browser-editorer, der er forbundet til micro:bit'en, og flash igen."),
    ("The interface firmware FAILED to reset/halt", 507,
     "USB-chippen kunne ikke stoppe micro:bit'ens processor.",
     "Tag USB-kablet ud og i igen, og flash igen."),
    ("The interface firmware FAILED", 508,
     "USB-chippen kunne ikke skrive programmet ind i micro:bit'en.",
     "Tag USB-kablet ud og i igen, og flash igen. Hjælper det ikke: opdatér micro:bit'ens "
     "firmware (microbit.org/get-started/user-guide/firmware)."),
    ("The interface firmware ABORTED programming", 513,
     "Hex-filen prøvede at låse micro:bit'en, så flashningen blev stoppet.",
     "Brug en hex-fil bygget med `klimakit build` eller en micro:bit-editor."),
    ("Flash algorithm", 515,
     "Micro:bit'ens hukommelse kunne ikke slettes eller skrives.",
     "Tag USB-kablet ud og i igen, og flash igen. Sker det hver gang, er kortet måske i "
     "stykker: sæt det til side."),
    ("The hex file cannot be decoded. Checksum", 521,
     "Hex-filen er ødelagt (forkert kontrolsum). Det sker også ved en kendt Windows-fejl, "
     "når filen kopieres meget hurtigt.",
     "Byg filen igen med `klimakit build` og flash igen."),
    ("The hex file cannot be decoded", 522,
     "Filen er ikke en gyldig hex-fil.",
     "Byg filen igen med `klimakit build` og flash igen."),
    ("The hex file cannot be programmed", 523,
     "Hex-filen kunne ikke skrives ind.",
     "Byg filen igen med `klimakit build` og flash igen."),
    ("The hex file you dropped isn't compatible", 524,
     "Hex-filen passer ikke til micro:bit'en, eller den står i MAINTENANCE-tilstand.",
     "Hedder drevet MAINTENANCE, så tag kablet ud og i igen uden at holde reset-knappen. "
     "Ellers: byg filen igen med `klimakit build`."),
    ("The hex file offset load address", 525,
     "Hex-filen skal ligge et andet sted i hukommelsen end denne micro:bit forventer.",
     "Byg filen igen med `klimakit build`."),
    ("The application file format is unknown", 528,
     "micro:bit'en kender ikke filformatet.",
     "Kopiér en .hex-fil bygget med `klimakit build`."),
    ("The application image is not compatible", 529,
     "Programmet er lavet til en anden micro:bit-version (fx kun V1 på en V2).",
     "Byg programmet igen med `klimakit build`: det giver en universal hex til V1 og V2."),
)


@dataclass(frozen=True)
class FailReport:
    """A FAIL.TXT, read and explained."""

    error: str  # DAPLink's sentence
    kinds: tuple[str, ...]
    code: int  # the 5xx number a V2 scrolls; 0 if unknown
    sentence: str  # what happened, for a teacher (Danish)
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
        key, _, value = line.partition(":")
        if key.strip().lower() == "error":
            error = one_line(value, ERROR_MAX_CHARS)
        elif key.strip().lower() == "type":
            kinds = tuple(one_line(k, 20) for k in value.split(",") if k.strip())[:8]
    error = error or one_line(text, ERROR_MAX_CHARS)
    for start, code, sentence, advice in _KNOWN:
        if error.lower().startswith(start.lower()):
            return FailReport(error, kinds, code, sentence, advice)
    return FailReport(
        error, kinds, 0, "micro:bit'en meldte en fejl: {}".format(error or "(tom FAIL.TXT)"),
        "Tag USB-kablet ud og i igen, og flash igen.",
    )


def format_fail_txt(error: str, kinds: tuple[str, ...] = ("user",)) -> str:
    """Return FAIL.TXT as DAPLink writes it (virtual boards write the same)."""
    return "error: {}\r\ntype: {}\r\n".format(error, ", ".join(kinds))


INCOMPATIBLE_IMAGE = "The application image is not compatible with the target."
