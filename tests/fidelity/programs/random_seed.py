# random with a seed gives the board's numbers.
import random
random.seed(42)
print([random.randint(1, 6) for i in range(10)])
random.seed(1)
print([random.randint(0, 100) for i in range(8)])
random.seed(7)
print(random.random(), random.uniform(2, 5), random.choice('abcdef'))
print(random.randrange(10), random.randrange(3, 30, 4), random.getrandbits(8))
