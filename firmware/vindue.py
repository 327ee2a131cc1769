"""Er vinduet åbent?: prints magnetic field (nT), open (0/1) and temperature (C) every 5 s."""
from microbit import display, compass, temperature, button_a, sleep, Image
from klima import begin, send

INTERVAL_MS = 5000   # time between readings
LIMIT = 0.3          # "open" when the field differs from the closed value by more than 30 %
CLOSED = Image("99999:90909:99999:90909:99999")
OPEN = Image("99999:90000:90000:90000:99999")

begin("vindue", ("felt", "aaben", "temp"), ("nT", "0/1", "C"))


def measure_closed():
    # With the window closed and the magnet close by, the average of 10 readings is "closed".
    display.show(Image.ARROW_S)
    total = 0
    for i in range(10):
        total += compass.get_field_strength()
        sleep(100)
    if total // 10 < 100000:
        display.scroll("Magnet?")  # barely more than the Earth's field: move the magnet closer
    return total // 10


baseline = measure_closed()
while True:
    if button_a.was_pressed():  # close the window and press A to measure "closed" again
        baseline = measure_closed()
    field = compass.get_field_strength()
    is_open = 1 if abs(field - baseline) > baseline * LIMIT else 0
    send((field, is_open, temperature()))
    display.show(OPEN if is_open else CLOSED)
    sleep(INTERVAL_MS)
