# choice, randrange steps, errors.
import random
random.seed(2024)
print([random.choice([10, 20, 30]) for i in range(6)])
print([random.randrange(10, 0, -3) for i in range(5)])
try:
    random.choice([])
except IndexError as e:
    print('IndexError', e.args)
try:
    random.randint(5, 1)
except ValueError as e:
    print('ValueError', e.args)
