"""Havvand: prints the temperature (°C) every 10 s as data lines."""
from microbit import temperature, sleep

print("# klimakit 1 lesson=havvand fields=temp units=C")
while True:
    print((temperature(),))
    sleep(10000)
