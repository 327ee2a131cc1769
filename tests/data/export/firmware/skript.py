"""Skript: prints the light level every second."""
from microbit import display, sleep

print("# klimakit 1 lesson=skript fields=lys units=lvl")
while True:
    print((display.read_light_level(),))
    sleep(1000)
