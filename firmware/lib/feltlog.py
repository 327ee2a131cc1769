# Field log: keeps each reading on the board as well (V2: the log module; V1: files).
# klimakit puts this file on the board only for a field build (flash --log-on-board, or a
# lesson with field_log), with klimafelt.py holding the lesson's settings (CONFIG);
# klima.begin() then makes a Felt and klima.send() hands it every reading. V2 keeps rows
# with feltv2.py (MicroPython's log module: MY_DATA.HTM on the drive), V1 in files (Files,
# below). Runs on V1 1.1.1 (no f-strings; little heap and C stack: comments are free,
# docstrings are not, and a V1 compiles nothing at a deeper nesting of calls: at four
# levels V1 1.1.1 stops with "RuntimeError: maximum recursion depth exceeded") and V2 2.1.2.
# Shows LOGGING when it starts and after each kept reading, FULL instead once the log is
# full; what was kept is never overwritten.
#
# V1 has no append mode (open(..., 'a') is ValueError), so
# readings wait in RAM until a file's worth has gathered (FILE_BYTES: a 128-byte chunk holds
# 126 bytes, less 2 + 7 for the name and 1 to end the file), then go into a new file
# k<session><number> (k001000, k001001, ...) that is never opened again. Each start of the
# program is a new session; its first file begins with
#   # klimakit-log 1 lesson=<id> fields=a,b units=C,lvl event=a
# and each line is  <running_time() ms>,<value>,...,<event presses or empty>
# A full filesystem (OSError) stops the logging; the file that did not fit is removed.
from microbit import display, button_a, button_b, running_time, sleep, Image
import os

LOGGING = Image("00000:09990:09990:09990:00000")
FULL = Image("99999:99999:99999:99999:99999")
FILE_BYTES = 116


class Files:
    def __init__(self, lesson, names, units, event):
        self.text = "# klimakit-log 1 lesson={} fields={} units={} event={}\n".format(
            lesson, ",".join(names), ",".join(units), event)
        self.n = 0
        seen = [int(f[1:4]) for f in os.listdir()
                if len(f) == 7 and f[0] == "k" and f[1:].isdigit()]
        self.s = max(seen) + 1 if seen else 1
        self.full = self.s > 999

    def add(self, now, values, mark):
        row = ",".join([str(now)] + [str(v) for v in values] + [str(mark or "")]) + "\n"
        if len(self.text) + len(row) > FILE_BYTES:
            self.flush()
        self.text += row

    def flush(self):
        name = "k%03d%03d" % (self.s, self.n)
        try:  # n stays below 1000: the filesystem holds at most 224 files
            f = open(name, "w")
            f.write(self.text)
            f.close()
            self.n += 1
            self.text = ""
        except OSError:
            self.full = True
            try:
                os.remove(name)
            except OSError:
                pass


class Felt:
    def __init__(self, cfg):
        lesson, self.names, units, self.event, self.every, _ = cfg
        try:
            import log
            from feltv2 import Rows as Store
        except ImportError:
            Store = Files
        self.store = Store(lesson, self.names, units, self.event)
        self.last = -1
        self.prev = None
        self.show(1000)

    def show(self, ms):
        # Show the icon, then give the lesson's own display back.
        was = [display.get_pixel(i % 5, i // 5) for i in range(25)]
        display.show(FULL if self.store.full else LOGGING)
        sleep(ms)
        for i in range(25):
            display.set_pixel(i % 5, i // 5, was[i])

    def marked(self, values):
        e = self.event
        if e == "a" or e == "b":
            return (button_a if e == "a" else button_b).get_presses()
        if e in self.names:
            v = values[self.names.index(e)]
            last, self.prev = self.prev, v
            return int(last is not None and v != last)
        return 0

    def add(self, values):
        mark = self.marked(values)
        now = running_time()
        if self.store.full or not (mark or self.last < 0 or now - self.last >= self.every):
            return
        self.last = now
        self.store.add(now, values, mark)
        self.show(150)
