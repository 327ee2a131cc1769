# Every built-in image.
from microbit import Image
names = [n for n in dir(Image) if n.isupper() and not n.startswith('ALL')]
print(len(names), len(Image.ALL_CLOCKS), len(Image.ALL_ARROWS))
for n in names:
    print(n, repr(getattr(Image, n)))
