# Every built-in image.
# differs on v1.0.1: Image.SCISSORS is new in V1 1.1.1 (klimakit flashes 1.1.1 since issue 13)
from microbit import Image
names = [n for n in dir(Image) if n.isupper() and not n.startswith('ALL')]
print(len(names), len(Image.ALL_CLOCKS), len(Image.ALL_ARROWS))
for n in names:
    print(n, repr(getattr(Image, n)))
