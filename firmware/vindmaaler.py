"""Vindmåler: counts reed-switch pulses on pin0 for 3 s, prints pulses and wind speed (m/s)."""
from microbit import display, pin0, running_time, sleep, Image
from klima import begin, send

MEASURE_MS = 3000   # count pulses for this long per reading
PAUSE_MS = 2000     # rest between readings
DEBOUNCE_MS = 10    # a reed switch bounces; closures closer than this count as one
FACTOR = 0.67       # m/s per pulse per second; find your own value by calibrating

begin("vindmaaler", ("pulser", "vind"), ("stk", "m/s"))
pin0.set_pull(pin0.PULL_UP)  # open switch reads 1, closed (magnet passing) reads 0
display.show(Image.ARROW_E)
while True:
    pulses = 0
    last = pin0.read_digital()
    last_edge = 0
    start = running_time()
    while running_time() - start < MEASURE_MS:
        now = pin0.read_digital()
        if last == 1 and now == 0:  # falling edge: the magnet just closed the switch
            t = running_time()
            if t - last_edge >= DEBOUNCE_MS:
                pulses += 1
                last_edge = t
        last = now
    wind = round(pulses * 1000 / MEASURE_MS * FACTOR, 1)
    send((pulses, wind))
    # One LED row per m/s, up to five rows, filled from the bottom.
    rows = min(5, int(wind + 0.5))
    if rows == 0:
        display.show(Image.ARROW_E)
    else:
        display.show(Image(":".join(["99999" if 4 - r < rows else "00000" for r in range(5)])))
    sleep(PAUSE_MS)
