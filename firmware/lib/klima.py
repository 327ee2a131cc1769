"""klimakit data lines: a # klimakit header then tuples (21.5, 130)"""
# V1 too; header every 10 s. Field builds: klimafelt.py (docs/fieldlog.md)
from microbit import running_time

try:
    from klimafelt import CONFIG
except ImportError:
    CONFIG = None

_kk_header = ""
_kk_header_at = 0
_kk_felt = None
_kk_echo = not CONFIG or CONFIG[5]


def begin(lesson, fields, units):
    global _kk_header, _kk_header_at, _kk_felt
    _kk_header = "# klimakit 1 lesson=" + lesson + " fields=" + ",".join(fields) + \
        " units=" + ",".join(units)
    if _kk_echo:
        print(_kk_header)
    _kk_header_at = running_time()
    if CONFIG:  # only field builds have feltlog.py
        _kk_felt = __import__("feltlog").Felt(CONFIG)


def send(values):
    global _kk_header_at
    if _kk_echo:
        if running_time() - _kk_header_at >= 10000:
            print(_kk_header)
            _kk_header_at = running_time()
        print(tuple(values))
    if _kk_felt:
        _kk_felt.add(values)
