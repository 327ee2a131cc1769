# Dict order as MicroPython keeps it.
d = {}
for k in ['temp', 'light', 'a', 'b', 'zeta', 'x1', 'humidity', 'sound', 'c']:
    d[k] = len(k)
print(d)
print({1: 'a', 2: 'b', 10: 'c', 3: 'd', 100: 'e'})
print({'b': 1, 'a': 2, 'c': 3})
print(dict(name='x', age=3, city='y'))
print(list({'x': 1, 'y': 2, 'z': 3}.items()))
print({'x': 1, 'y': 2}.keys(), {'x': 1}.values())
