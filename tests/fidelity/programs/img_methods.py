# Image methods.
from microbit import Image
i = Image.HEART.copy()
i.set_pixel(0, 0, 7)
print(i.get_pixel(0, 0), i.width(), i.height())
print(repr(i.shift_left(1)))
print(repr(i.shift_down(2)))
print(repr(i.crop(1, 1, 3, 2)))
print(repr(Image.HEART.invert()))
j = Image(5, 5)
j.fill(4)
j.blit(Image.HEART, 1, 1, 3, 3)
print(repr(j))
