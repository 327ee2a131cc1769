# Where single precision shows.
print(16777216.0 + 1, 0.1 * 3, 1.1 * 1.1, 3.14159265358979)
print(9.999999, 99999.95, 0.99999999, 1234567.0, 0.0001, 0.00001)
print(1e38 * 10, -1e38 * 10, 2 ** 0.5 * 2 ** 0.5)
print(float('inf'), float('-inf'), float('nan'))
