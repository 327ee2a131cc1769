"""Planter: prints soil moisture (0-1023, two nails on P0/P1) every 60 s; A measures at once."""
from microbit import display, button_a, pin0, pin1, running_time, sleep, Image
from klima import begin, send

INTERVAL_MS = 60000
TOERT = 400


def measure():
    # Power the nails from P1 only while measuring: less current, less corrosion.
    pin1.write_digital(1)
    sleep(20)
    value = pin0.read_analog()
    pin1.write_digital(0)
    return value


begin("planter", ("fugt",), ("0-1023",))
display.show(Image.HAPPY)
next_at = running_time()
while True:
    now = button_a.was_pressed()
    if now or running_time() >= next_at:
        fugt = measure()
        send((fugt,))
        display.show(Image.SAD if fugt < TOERT else Image.HAPPY)
        if now:
            display.scroll(str(fugt))
        else:
            next_at += INTERVAL_MS
    sleep(100)
