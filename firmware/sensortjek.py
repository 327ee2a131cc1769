"""Sensortjek: prints time, light, acceleration and button presses as klimakit data lines.

Works on V1 and V2 and in QEMU (which has no temperature, radio or compass). Button A and B
each count presses; the count is sent with every line so a recording shows when they happened.
"""
from microbit import display, accelerometer, button_a, button_b, running_time, sleep, Image
from klima import begin, send

INTERVAL_MS = 200

begin("sensortjek", ("tid", "lys", "x", "y", "z", "a", "b"), ("s", "lvl", "mg", "mg", "mg", "stk", "stk"))
display.show(Image.HAPPY)
presses_a = 0
presses_b = 0
while True:
    if button_a.was_pressed():
        presses_a += 1
        display.show("A")
    if button_b.was_pressed():
        presses_b += 1
        display.show("B")
    x, y, z = accelerometer.get_values()
    send((running_time() / 1000, display.read_light_level(), x, y, z, presses_a, presses_b))
    sleep(INTERVAL_MS)
