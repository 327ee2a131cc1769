"""Oversvømmelse: prints water level 0-3 and raw P0/P1/P2 readings every second; alarm at 3."""
from microbit import display, button_a, pin0, pin1, pin2, sleep, Image
from klima import begin, send

INTERVAL_MS = 1000
VAAD = 300
PINS = (pin0, pin1, pin2)


def bars(n):
    return Image(":".join(["99999" if 4 - r < n else "00000" for r in range(5)]))


begin("oversvoemmelse", ("niveau", "p0", "p1", "p2"), ("trin", "0-1023", "0-1023", "0-1023"))
display.show(bars(0))
blink = False
while True:
    raw = [p.read_analog() for p in PINS]
    niveau = 0
    while niveau < 3 and raw[niveau] > VAAD:
        niveau += 1
    send((niveau, raw[0], raw[1], raw[2]))
    if niveau == 3:
        blink = not blink
        display.show(Image.SKULL if blink else bars(5))
    else:
        display.show(bars(niveau))
    if button_a.was_pressed():
        display.scroll("{} {} {}".format(raw[0], raw[1], raw[2]))
    sleep(INTERVAL_MS)
