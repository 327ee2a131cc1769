"""Klassens vejrstation: sends temperature and light over radio and prints them every 10 s."""
from microbit import display, temperature, sleep, Image
from klima import begin, send
import radio
import random

NAME = "gruppe1"      # your group's name: letters, digits and -, at most 12 characters
GROUP = 42            # radio group 0-255; every board in the class must use the same one
INTERVAL_MS = 10000   # time between readings

begin("vejrstation", ("temp", "lys"), ("C", "lvl"))
ok = 0 < len(NAME) <= 12 and NAME[0].isalpha()
for c in NAME:
    ok = ok and (c.isalpha() or c.isdigit() or c == "-") and ord(c) < 128
while not ok:  # the gateway would throw such messages away, so stop here and say why
    display.scroll("Ret NAME")
radio.config(group=GROUP, length=64)  # a long NAME and a big seq still fit
radio.on()
display.read_light_level()  # the very first light reading is always 0
seq = 0
while True:
    temp = temperature()
    lys = display.read_light_level()
    # Fixed message format, the gateway relies on it: k1,<name>,<seq>,<temp>,<lys>
    radio.send("k1,{},{},{},{}".format(NAME, seq, temp, lys))
    send((temp, lys))
    seq += 1
    display.show(Image.ARROW_N)  # a short flash each time a message goes out
    sleep(300)
    display.show(Image.DIAMOND_SMALL)
    # A little randomness keeps boards that were switched on together from sending at once.
    sleep(INTERVAL_MS - 300 + random.randint(0, 500))
