# neopixel and audio.AudioFrame objects.
import neopixel, audio
from microbit import pin0
np = neopixel.NeoPixel(pin0, 4)
np[0] = (255, 0, 10)
np.show()
print(np[0], np[1], len(np), dir(np))
f = audio.AudioFrame()
f[0] = 100
f[1] = 200
try:
    f[2] = -50
except ValueError as e:
    print(repr(e))
print(len(f), f[0], f[1], dir(f))
np.clear()
print(np[0])
