"""Lysjagt: prints light level and room number every 2 s; A = next room, B = show the number."""
from microbit import display, button_a, button_b, running_time, sleep, Image
from klima import begin, send

INTERVAL_MS = 2000


def bars(n):
    return Image(":".join(["99999" if 4 - r < n else "00000" for r in range(5)]))


begin("lysjagt", ("lys", "rum"), ("lvl", "nr"))
rum = 1
display.show(str(rum))
next_at = running_time()
while True:
    if button_a.was_pressed():
        rum += 1
        display.show(str(rum))
        sleep(1000)
        next_at = running_time()
    if button_b.was_pressed():
        display.scroll(str(display.read_light_level()))
    if running_time() >= next_at:
        lys = display.read_light_level()
        send((lys, rum))
        display.show(bars((lys + 50) // 51))
        next_at += INTERVAL_MS
    sleep(100)
