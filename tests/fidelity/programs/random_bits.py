# getrandbits and its limits.
import random
random.seed(12345)
print([random.getrandbits(30) for i in range(3)])
print([random.getrandbits(1) for i in range(16)])
for args in [(0,), (31,)]:
    try:
        random.getrandbits(*args)
    except ValueError as e:
        print('ValueError', e.args)
