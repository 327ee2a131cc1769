"""Afkøling: prints the temperature (°C) every 30 s as klimakit data lines; A shows it now."""
from microbit import display, button_a, temperature, running_time, sleep, Image
from klima import begin, send

INTERVAL_MS = 30000

begin("afkoeling", ("temp",), ("C",))
display.show(Image.HEART)
next_at = running_time()
while True:
    if running_time() >= next_at:
        temp = temperature()
        send((temp,))
        display.scroll(str(temp), wait=False)
        next_at += INTERVAL_MS
    if button_a.was_pressed():
        display.scroll(str(temperature()), wait=False)
    sleep(100)
