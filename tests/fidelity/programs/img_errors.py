# Image errors.
from microbit import Image
for f in (lambda: Image.HEART.set_pixel(0, 0, 1), lambda: Image('12:x4'),
          lambda: Image(2, 2).set_pixel(5, 0, 1), lambda: Image(2, 2).set_pixel(0, 0, 10),
          lambda: Image.HEART + Image(2, 2), lambda: Image.HEART * -1):
    try:
        f()
        print('no error')
    except Exception as e:
        print(repr(e))
