"""The V2 `log` module's store as CODAL's MicroBitLog keeps it, and the MY_DATA.HTM it shows.

MicroPython 2.1.2's `log` (micropython-microbit-v2 src/codal_port/modlog.c) hands every
`set_labels()` and `add()` to CODAL's MicroBitLog (lancaster-university/codal-microbit-v2 at tag
v0.2.43, source/MicroBitLog.cpp): a row is begun, each key/value logged (a key not seen before
becomes a new column at the end), and _endRow() writes, when columns were added, the label row
into the metadata page (the old one zeroed) and into the data, then the row as CSV. The
timestamp column ("Time (seconds)") is put first while the log is empty, at the end once data
is there; a row with only empty values (what set_labels writes) gets no timestamp and is not
written. A row that does not fit marks the log full ("FUL" after logEnd): that add and every
later one raise OSError 28 (ENOSPC). The labels persist with the log, so a program that starts
again with the same labels writes no new label row. The layout of the file (docs/fieldlog.md,
kit/record/datalog.py reads it): a 2048-byte HTML page ending in "<!--FS_START", metadata at
2048 (NUL-ended addresses), journal at 4096, data at 8192, "FUL" at logEnd + 1, 131,072 bytes.
The HTML page is our own stand-in (CODAL's is a minified viewer of the same size and shape).
"""
from __future__ import annotations

import threading

FILE_BYTES = 128 * 1024  # DAPLink's storage area on the V2 (0x20000-0x40000)
HEADER_BYTES = 2048
JOURNAL_START = 4096
DATA_START = 8192
LOG_END = FILE_BYTES - 4
BLOCK = 256  # CODAL_MICROBIT_LOG_CACHE_BLOCK_SIZE: the journal records the length in blocks
ENOSPC = 28
UNITS = {1: "milliseconds", 1000: "seconds", 60_000: "minutes", 3_600_000: "hours",
         86_400_000: "days"}  # the simulator's log.SECONDS etc. are milliseconds per unit
_PAGE = (b'<!doctype html><html id="htm"><head><meta charset="utf-8"><title>MY_DATA</title>'
         b'</head><body><h1>micro:bit data log (klimakit simulator)</h1><pre id="d"></pre>'
         b'<script>var t=document.getElementById("htm").outerHTML.split("<!--FS_"+"START")[1]'
         b'||"";document.getElementById("d").textContent=t.slice(8192-2048).split("\\xff")[0];'
         b'</script></body></html>\n')
MARKER = b"<!--FS_START"


def html_header() -> bytes:
    """The 2048-byte page before the store, padded with spaces as CODAL's README asks."""
    return _PAGE + b" " * (HEADER_BYTES - len(_PAGE) - len(MARKER)) + MARKER


def timestamp_text(now_ms: int, unit_ms: int) -> str:
    """CODAL's _endRow(): milliseconds as an integer, other units with two decimals."""
    if unit_ms == 1:
        return str(now_ms)
    hundredths = now_ms * 100 // unit_ms
    return "{}.{:02d}".format(hundredths // 100, hundredths % 100)


class LogStore:
    """One board's log: its columns, the label rows it zeroed, its data, whether it is full."""

    def __init__(self, daplink: str = "0255") -> None:
        self.daplink = daplink
        self.headings: list[str] = []
        self.zeroed = 0  # bytes of older label rows CODAL zeroed before the current one
        self.data = bytearray()
        self.full = False
        self.unit_ms: int | None = 1000
        self._timestamp_changed = True
        self.changes = 0  # counts writes, so a virtual drive renders MY_DATA.HTM only anew
        self._lock = threading.Lock()  # the program adds while a drive thread renders

    def set_timestamp(self, unit_ms: int | None) -> None:
        self.unit_ms, self._timestamp_changed = unit_ms, True

    def add(self, values: dict[str, str], now_ms: int) -> None:
        """One begin_row / log_data… / end_row. Raises OSError(ENOSPC) once the log is full."""
        with self._lock:
            self._add(values, now_ms)
        if self.full:
            raise OSError(ENOSPC)

    def _add(self, values: dict[str, str], now_ms: int) -> None:
        row = {key: "" for key in self.headings}
        old_labels, changed = len(self.label_row()), False
        for key, value in values.items():
            key, value = _clean(key, True), _clean(value, True)
            if key not in row:
                self.headings.append(key)
                changed = True
            row[key] = value
        if self._timestamp_changed and self.unit_ms:
            label = "Time ({})".format(UNITS.get(self.unit_ms, "seconds"))
            if label not in row:
                changed = True
                self.headings.insert(0 if not self.data else len(self.headings), label)
            self._timestamp_changed = False
        if any(row.values()) and self.unit_ms:
            row["Time ({})".format(UNITS.get(self.unit_ms, "seconds"))] = timestamp_text(
                now_ms, self.unit_ms)
        if changed:
            self.zeroed += old_labels
            self._write(",".join(self.headings) + "\n")
        if any(row.values()):
            self._write(",".join(row.get(key, "") for key in self.headings) + "\n")

    def label_row(self) -> bytes:
        return (",".join(self.headings) + "\n").encode() if self.headings else b""

    def _write(self, text: str) -> None:
        data = _clean(text, False).encode("utf-8", "replace")
        if len(data) > LOG_END - DATA_START - len(self.data):
            self.full = True
            return
        self.data += data
        self.changes += 1

    def delete(self) -> None:
        """log.delete(): CODAL's _clear(): labels, data and the full mark are gone."""
        with self._lock:
            self.headings, self.zeroed, self.data, self.full = [], 0, bytearray(), False
            self._timestamp_changed = True
            self.changes += 1

    def my_data(self) -> bytes:
        """The whole MY_DATA.HTM as the MICROBIT drive shows it."""
        with self._lock:
            return self._image()

    def _image(self) -> bytes:
        image = bytearray(b"\xff" * FILE_BYTES)
        image[:HEADER_BYTES] = html_header()
        meta = (b"UBIT_LOG_FS_V_002\n" + b"0x%08X\x00" % LOG_END + b"0x%08X\x00" % DATA_START
                + self.daplink.encode()[:4].rjust(4, b"0") + b"\x00")
        image[HEADER_BYTES:HEADER_BYTES + len(meta)] = meta
        heading = b"\x00" * self.zeroed + self.label_row()
        at = HEADER_BYTES + len(meta)
        image[at:at + len(heading)] = heading[:JOURNAL_START - at]
        blocks = len(self.data) // BLOCK
        journal = b"\x00" * 8 * blocks + b"%08X" % (blocks * BLOCK)  # 480 entries at most
        image[JOURNAL_START:JOURNAL_START + len(journal)] = journal
        image[DATA_START:DATA_START + len(self.data)] = self.data
        if self.full:
            image[LOG_END + 1:LOG_END + 4] = b"FUL"
        return bytes(image)


def _clean(text: str, separators: bool) -> str:
    """CODAL's cleanBuffer(): "-->" and tabs (and in keys and values "," and newlines) → "_"."""
    text = text.replace("-->", "___").replace("\t", "_")
    return text.replace(",", "_").replace("\n", "_") if separators else text
