"""Build tests/data/MY_DATA.HTM: a micro:bit V2 data log laid out as CODAL's MicroBitLog does.

Layout from lancaster-university/codal-microbit-v2 at tag v0.2.43 (the CODAL of MicroPython
2.1.2), read, not copied: inc/MicroBitLog.h (MicroBitLogMetaData: version[18] "UBIT_LOG_FS_V_002\\n",
logEnd[11] and dataStart[11] as "0x%08X\\0", daplinkVersion[5] "0255\\0"; 8-byte journal entries;
METADATA_SIZE 2048, JOURNAL_SIZE 4096) and source/MicroBitLog.cpp (_clear: the 2048-byte HTML
header ending in "<!--FS_START" at address 0, metadata at 2048, labels right after the metadata
ending in "\\n" with 0xFF after, journal at 4096, data at 8192, logEnd = flash end - 4, the file
is the whole 128 KB store; logString: "FUL" at logEnd + 1; a journal entry per 256-byte cache
block, the older one zeroed). The HTML here is our own stand-in of the same size and shape.
The data is what MicroPython's log module writes for

    log.set_labels("temperature", "light", timestamp=log.SECONDS)
    log.add(temperature=..., light=...)          # every 10 s, later also sound=...

Run: python3 tests/data/make_my_data.py
"""
from __future__ import annotations

from pathlib import Path

FILE_BYTES = 128 * 1024
HEADER_BYTES = 2048
JOURNAL_START = 4096
DATA_START = 8192
LOG_END = FILE_BYTES - 4
BLOCK = 256
MARKER = b"<!--FS_START"


def html_header() -> bytes:
    page = (b'<html id="htm"><head><meta charset="utf-8"><title>micro:bit data log</title></head>'
            b'<body id="bod"><h2>micro:bit Data Log</h2><table id="data-view"></table>'
            b'<script>var raw=document.getElementById("htm").outerHTML.split("' + MARKER
            + b'")[2];</script>\r\n')
    return page + b" " * (HEADER_BYTES - len(page) - len(MARKER)) + MARKER


def my_data(rows: str, labels: str, full: bool = False, old_labels: str = "") -> bytes:
    """The whole file; `old_labels` is a label row CODAL zeroed when columns were added."""
    image = bytearray(b"\xff" * FILE_BYTES)
    image[:HEADER_BYTES] = html_header()
    meta = (b"UBIT_LOG_FS_V_002\n" + b"0x%08X\x00" % LOG_END + b"0x%08X\x00" % DATA_START
            + b"0255\x00")
    at = HEADER_BYTES + len(meta)
    image[HEADER_BYTES:at] = meta
    if labels:
        heading = b"\x00" * len(old_labels.encode()) + labels.encode() + b"\n"
        image[at:at + len(heading)] = heading
    data = rows.encode()
    blocks = len(data) // BLOCK
    journal = b"\x00" * 8 * blocks + b"%08X" % (blocks * BLOCK)
    image[JOURNAL_START:JOURNAL_START + len(journal)] = journal
    image[DATA_START:DATA_START + len(data)] = data
    if full:
        image[LOG_END + 1:LOG_END + 4] = b"FUL"
    return bytes(image)


def sample_rows() -> tuple[str, str]:
    lines = ["Time (seconds),temperature,light"]
    for i in range(30):
        lines.append("{:.2f},{},{}".format(i * 10 + 0.02, 21 + i // 10, 120 - i * 3))
    lines.append("Time (seconds),temperature,light,sound")
    for i in range(30, 36):
        lines.append("{:.2f},{},{},{}".format(i * 10 + 0.02, 24, 30, 40 + i))
    return "\n".join(lines) + "\n", "Time (seconds),temperature,light,sound"


if __name__ == "__main__":
    rows, labels = sample_rows()
    Path(__file__).with_name("MY_DATA.HTM").write_bytes(
        my_data(rows, labels, old_labels="Time (seconds),temperature,light\n"))
