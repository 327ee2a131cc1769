"""klimakit data lines on the micro:bit: a '# klimakit' header naming the fields, then tuples.

A file of its own beside main.py on the board. V1-compatible: MicroPython 1.9.2, no
f-strings, ~9.5 KB heap, so it stays tiny. The header is repeated every
10 s so a recorder that connects late still learns the columns. Tuples print as Mu's plotter
expects them: (21.5, 130)
"""
from microbit import running_time

_kk_header = ""
_kk_header_at = 0


def begin(lesson, fields, units):
    global _kk_header, _kk_header_at
    _kk_header = "# klimakit 1 lesson=" + lesson + " fields=" + ",".join(fields) + " units=" + ",".join(units)
    print(_kk_header)
    _kk_header_at = running_time()


def send(values):
    global _kk_header_at
    if running_time() - _kk_header_at >= 10000:
        print(_kk_header)
        _kk_header_at = running_time()
    print(tuple(values))
