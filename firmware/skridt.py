"""Skridt: counts steps with the accelerometer; prints steps, trip type, metres, CO2 saved (g)."""
from microbit import display, accelerometer, button_a, button_b, running_time, sleep
from klima import begin, send

INTERVAL_MS = 5000
HIGH = 1400 * 1400
LOW = 1150 * 1150
CM = (0, 60, 400)
CO2_G_PR_KM = 130

begin("skridt", ("skridt", "tur", "meter", "co2"), ("stk", "type", "m", "g"))
skridt = 0
tur = 1
oppe = False
display.show("G")
next_at = running_time()
while True:
    if button_a.was_pressed():
        tur, skridt = 1, 0
        display.show("G")
    if button_b.was_pressed():
        tur, skridt = 2, 0
        display.show("C")
    x, y, z = accelerometer.get_values()
    kraft = x * x + y * y + z * z
    if not oppe and kraft > HIGH:
        oppe = True
        skridt += 1
    elif oppe and kraft < LOW:
        oppe = False
    if running_time() >= next_at:
        meter = skridt * CM[tur] // 100
        send((skridt, tur, meter, meter * CO2_G_PR_KM // 1000))
        display.scroll(str(skridt), wait=False)
        next_at += INTERVAL_MS
    sleep(20)
