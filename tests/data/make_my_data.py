"""Build tests/data/MY_DATA.HTM: a micro:bit V2 data log laid out as CODAL's MicroBitLog does.

Sources for the layout (read, not copied): lancaster-university/codal-microbit-v2
inc/MicroBitLog.h (metadata struct, "UBIT_LOG_FS_V_002", journal entries) and
source/MicroBitLog.cpp (the 2048-byte HTML header ending in "<!--FS_START", clear(), endRow(),
the "FUL" marker after logEnd), and lancaster-university/microbit-datalogger-ui src/DataLog.ts
(how the viewer finds the data: metadata right after the second "FS_START", addresses are
file offsets, data ends at the first 0xFF byte). The HTML here is our own stand-in of the same
size and shape. The data is what MicroPython's log module writes for

    log.set_labels("temperature", "light", timestamp=log.SECONDS)
    log.add(temperature=..., light=...)          # every 10 s, later also sound=...

Run: python3 tests/data/make_my_data.py
"""
from __future__ import annotations

from pathlib import Path

PAGE = 1024
FLASH_END = 32 * 1024
HEADER_BYTES = 2048
MARKER = b"<!--FS_START"


def html_header() -> bytes:
    page = (b'<html id="htm"><head><meta charset="utf-8"><title>micro:bit data log</title></head>'
            b'<body id="bod"><h2>micro:bit Data Log</h2><table id="data-view"></table>'
            b'<script>var raw=document.getElementById("htm").outerHTML.split("' + MARKER
            + b'")[2];</script>\r\n')
    return page + b" " * (HEADER_BYTES - len(page) - len(MARKER)) + MARKER


def my_data(rows: str, labels: str, full: bool = False) -> bytes:
    start = HEADER_BYTES
    journal_start = start + PAGE
    data_start = journal_start + 2 * PAGE
    log_end = FLASH_END - PAGE - 4
    image = bytearray(b"\xff" * (FLASH_END - PAGE))
    image[:HEADER_BYTES] = html_header()
    meta = b"UBIT_LOG_FS_V_002\n" + b"0x%08X\n" % log_end + b"0x%08X\n" % data_start + b"0255\x00"
    image[start:start + len(meta)] = meta
    heading = labels.encode() + b"\n"
    image[start + len(meta):start + len(meta) + len(heading)] = heading
    data = rows.encode()
    image[journal_start:journal_start + 9] = b"%08X\x00" % (len(data) // 256 * 256)
    image[data_start:data_start + len(data)] = data
    if full:
        image[log_end + 1:log_end + 4] = b"FUL"
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
    Path(__file__).with_name("MY_DATA.HTM").write_bytes(my_data(rows, labels))
