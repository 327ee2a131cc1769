# microbit.scale and misc builtins.
# differs on v1.0.1: microbit.scale is new in V1 1.1.1 (klimakit flashes 1.1.1 since issue 13)
from microbit import scale
print(scale(512, from_=(0, 1023), to=(0, 255)), scale(0.5, from_=(0, 1), to=(-10, 10)))
print(all([1, 2]), any([]), callable(len), sum([0.5, 0.25]), pow(2, 8), pow(2, -1))
print(list(reversed([1, 2, 3])), list(filter(None, [0, 1, 2])), ord('A'), chr(97))
