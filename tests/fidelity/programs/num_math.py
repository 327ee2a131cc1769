# math returns board floats.
import math
print(math.sqrt(2), math.pi, math.e, math.sin(1), math.log(10))
print(math.floor(2.7), math.ceil(2.1), math.trunc(-2.7), math.fabs(-3))
print(math.degrees(1), math.radians(180), math.atan2(1, 1), math.pow(2, 10))
print(math.modf(2.5), math.frexp(8.0), math.isnan(float('nan')))
