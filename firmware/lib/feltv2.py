# Field log store of a micro:bit V2 (feltlog.py uses it where the board has `log`):
# MicroPython's log module (CODAL's MicroBitLog), read from the MICROBIT drive as MY_DATA.HTM.
# Columns: the time in seconds since the board started (the log adds it), each field as
# "name (unit)", then "markering": "start <lesson>" in the row written when the program
# starts, the number of event presses in a reading's row. log.add raises OSError (ENOSPC)
# once the log is full; nothing is written after that.
try:
    import log
except ImportError:  # never: feltlog imports this file only where `log` exists
    log = None

EVENT = "markering"


class Rows:
    def __init__(self, lesson, names, units, event):
        self.cols = [n + " (" + u + ")" if u else n for n, u in zip(names, units)]
        self.full = False
        try:
            log.set_labels(*(self.cols + [EVENT]), timestamp=log.SECONDS)
            log.add({EVENT: "start " + lesson})
        except OSError:
            self.full = True

    def add(self, now, values, mark):
        row = dict(zip(self.cols, values))
        if mark:
            row[EVENT] = mark
        try:
            log.add(row)
        except OSError:
            self.full = True
