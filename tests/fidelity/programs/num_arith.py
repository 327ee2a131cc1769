# Arithmetic in single precision, as a sensor program does it.
t = 20.0
for i in range(12):
    t = t + 0.1
print(t, t * 3, t / 7, t - 20)
x = 0
for i in range(100):
    x += 0.01
print(x, round(x, 2), round(2.675, 2), round(2.5), round(3.5), round(-0.5))
print(int(3.99), int(-3.99), float(7), float('1.5'), abs(-2.25))
