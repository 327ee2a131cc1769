"""Lysmåler (test fixture): prints the light level and button A presses as klimakit data lines."""
from microbit import display, button_a, sleep
from klima import begin, send

begin("lysmaaler", ("lys", "tryk"), ("lvl", "stk"))
presses = 0
while True:
    if button_a.was_pressed():
        presses += 1
    send((display.read_light_level(), presses))
    sleep(200)
