# dir() of the microbit module and its objects.
# differs on v1.0.1: microbit.audio and microbit.scale are new in V1 1.1.1
import microbit
print(dir(microbit))
for name in ['display', 'button_a', 'accelerometer', 'compass', 'i2c', 'uart', 'spi',
             'pin0', 'pin3', 'pin5']:
    print(name, dir(getattr(microbit, name)))
