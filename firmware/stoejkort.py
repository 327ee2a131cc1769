"""Støjkort (micro:bit V2): prints place number, average and peak sound level every 30 s."""
from microbit import display, button_a, button_b, sleep, Image
from klima import begin, send

SAMPLE_MS = 100      # one sound level reading every 0.1 s
SAMPLES = 300        # 300 x 0.1 s = an average over 30 s

begin("stoejkort", ("sted", "lyd", "maks"), ("nr", "lvl", "lvl"))
try:
    from microbit import microphone
except ImportError:
    while True:  # a V1 has no microphone: say so instead of scrolling a long error
        display.scroll("Kun V2")
place = 1
last = 0
display.show(place)
sleep(1000)
while True:
    total = 0
    peak = 0
    count = 0
    while count < SAMPLES:
        if button_a.was_pressed():
            # New place: start the average again so two places never mix.
            place += 1
            total = 0
            peak = 0
            count = 0
            display.show(place)
            sleep(1000)
        if button_b.was_pressed():
            display.scroll(last)
        level = microphone.sound_level()  # 0-255, relative loudness; no sound is stored
        total += level
        peak = max(peak, level)
        count += 1
        # A bar that grows from the bottom while the 30 s pass, so the group knows when to move on.
        rows = 1 + 5 * count // SAMPLES
        display.show(Image(":".join(["99999" if 4 - r < rows else "00000" for r in range(5)])))
        sleep(SAMPLE_MS)
    last = total // SAMPLES
    send((place, last, peak))
    display.scroll(last)
    display.show(Image.YES)
    sleep(1000)
