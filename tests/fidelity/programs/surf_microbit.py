# dir() of the microbit module and its objects.
import microbit
print(dir(microbit))
for name in ['display', 'button_a', 'accelerometer', 'compass', 'i2c', 'uart', 'spi',
             'pin0', 'pin3', 'pin5']:
    print(name, dir(getattr(microbit, name)))
