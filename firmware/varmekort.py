"""Varmekort: prints temperature, light and spot number every 10 s; A = next spot, B shows values."""
from microbit import display, button_a, button_b, temperature, running_time, sleep
from klima import begin, send

INTERVAL_MS = 10000

begin("varmekort", ("temp", "lys", "sted"), ("C", "lvl", "nr"))
sted = 1
display.show(str(sted))
next_at = running_time()
while True:
    if button_a.was_pressed():
        sted += 1
        display.show(str(sted))
        next_at = running_time()
    if button_b.was_pressed():
        display.scroll("{}C {}".format(temperature(), display.read_light_level()), wait=False)
    if running_time() >= next_at:
        send((temperature(), display.read_light_level(), sted))
        next_at += INTERVAL_MS
    sleep(100)
