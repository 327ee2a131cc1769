"""What QEMU cannot run, held to the documented behaviour of micro:bit MicroPython instead.

In QEMU `temperature()`, `radio.on()` (even `import radio`), `compass.heading()` and
`speech.say()` never return and `music.play()` makes no sound (docs/qemu.md §10), so these
calls have no board output to compare with. Each test names its source: the micro:bit
MicroPython documentation (bbcmicrobit/micropython docs/*.rst) or its C source.
"""
from __future__ import annotations

from kit.sim import SimBoard


def _lines(source: str, **kwargs: object) -> list[str]:
    board = SimBoard(source, version="v1", **kwargs)  # type: ignore[arg-type]
    try:
        return [line.decode() for line in board.lines(5)]
    finally:
        board.close()


def test_temperature_is_an_int_in_celsius() -> None:
    """docs/microbit.rst: temperature() returns the temperature in Celsius as an int."""
    out = _lines("from microbit import temperature\nt = temperature()\n"
                 "print(type(t), -40 < t < 105)\n", scenario="cooling")
    assert out == ["<class 'int'> True"]


def test_radio_must_be_switched_on_and_queues_three() -> None:
    """docs/radio.rst: off until radio.on(); receive() is None when nothing came; the queue
    holds 3 messages by default and drops what arrives when it is full; modradio.c raises
    ValueError('radio is not enabled') while it is off."""
    source = ("import radio\n"
              "try:\n    radio.receive()\nexcept ValueError as e:\n    print(repr(e))\n"
              "radio.on()\nprint(radio.receive())\n")
    assert _lines(source) == ["ValueError('radio is not enabled',)", "None"]


def test_radio_between_two_boards_keeps_three_messages() -> None:
    from kit.sim import Simulation

    sender = "import radio\nfrom microbit import sleep\nradio.on()\nsleep(10)\n" \
             "for i in range(5):\n    radio.send(str(i))\n"
    receiver = "import radio\nfrom microbit import sleep\nradio.on()\nsleep(100)\n" \
               "print([radio.receive() for i in range(5)])\n"
    with Simulation() as sim:
        SimBoard(sender, sim=sim, version="v1")
        listener = SimBoard(receiver, sim=sim, version="v1")
        assert listener.readline(5) == b"['0', '1', '2', None, None]"


def test_compass_heading_is_degrees() -> None:
    """docs/compass.rst: heading() is an int from 0 to 360, clockwise from north."""
    out = _lines("from microbit import compass\nh = compass.heading()\n"
                 "print(type(h), 0 <= h < 360, compass.is_calibrated())\n")
    assert out == ["<class 'int'> True True"]


def test_music_play_takes_the_time_of_the_tune() -> None:
    """docs/music.rst: a note 'c4:4' lasts 4 ticks; at the default 120 bpm and 4 ticks per
    beat a tick is 125 ms, so 'c4:4' plus 'e:2' (the octave and duration carry over) take
    750 ms; play() waits for the tune unless wait=False."""
    out = _lines("import music\nfrom microbit import running_time\nt = running_time()\n"
                 "music.play(['c4:4', 'e:2'])\nd = running_time() - t\n"
                 "print(740 <= d <= 760)\nt = running_time()\n"
                 "music.play(music.BA_DING, wait=False)\nprint(running_time() - t < 10)\n")
    assert out == ["True", "True"]
