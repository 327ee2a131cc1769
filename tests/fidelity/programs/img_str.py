# str() of an Image is multi-line, repr() is one line.
from microbit import Image
print(str(Image.SQUARE_SMALL))
print(repr(Image.SQUARE_SMALL))
print(Image(2, 2))
print(repr(Image('1:2')), repr(Image(0, 0)), repr(Image(3, 1)))
