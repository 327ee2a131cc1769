"""Solcellens bedste vinkel: on button A prints the tilt angle (degrees) and the light level."""
from microbit import display, accelerometer, button_a, button_b, sleep, Image
from klima import begin, send
import math

begin("solcelle", ("vinkel", "lys"), ("grader", "lvl"))
display.read_light_level()  # the very first light reading is always 0
display.show(Image.ARROW_N)


def tilt():
    # 0 degrees: lying flat with the LEDs up; 90: standing on its edge. The tilt direction
    # does not matter, because x and y together give the part of gravity along the board.
    x, y, z = accelerometer.get_values()
    return round(math.degrees(math.atan2(math.sqrt(x * x + y * y), -z)))


while True:
    if button_a.was_pressed():
        angle = tilt()
        total = 0
        for i in range(5):  # average a few readings; one can be off
            total += display.read_light_level()
            sleep(100)
        light = total // 5
        send((angle, light))
        display.scroll(light)
        display.show(Image.YES)
    if button_b.was_pressed():
        display.scroll(tilt())  # check the angle before pressing A
    sleep(50)
