"""Drivhus i et glas: prints temperature (C) and light level every 30 s as klimakit data lines."""
from microbit import display, temperature, sleep, button_a, Image
from klima import begin, send

INTERVAL_MS = 30000  # time between readings; 30 s gives 60 points in half an hour

begin("drivhus", ("temp", "lys"), ("C", "lvl"))
display.show(Image.HEART)
display.read_light_level()  # the very first light reading is always 0, so throw it away
sleep(1000)
while True:
    temp = temperature()
    lys = display.read_light_level()
    send((temp, lys))
    # Show the temperature so the group can read it without a computer.
    display.scroll(str(temp) + "C")
    waited = 0
    while waited < INTERVAL_MS:
        if button_a.was_pressed():
            display.scroll(str(temperature()) + "C")
        display.show(Image.HEART if waited % 2000 < 1000 else Image.HEART_SMALL)
        sleep(200)
        waited += 200
