# Image arithmetic: + - * / with the board's rounding.
from microbit import Image
a = Image('12345:67890:00000:00000:00000')
b = Image('99999:11111:00000:00000:00000')
print(repr(a + b))
print(repr(a - b))
print(repr(a * 0.5), repr(a * 1.5))
print(repr(a / 2), repr(Image.HEART / 3))
print(repr(Image.HEART * 0.5), repr(Image.HEART - Image.HEART_SMALL))
