# Floats in data lines: V1 single precision, 6 digits.
print(0.1 + 0.2, 1/3, 21.5 * 1.1)
print((21.5, 130), [0.1, 2.5, -3.75])
print(1e10, 1e-5, 123456789.0, -0.0, 1e6, 1e16, 12345678.0, 0.000001)
print(100.0, 1.0, 2.0 ** 0.5, 10 / 4, 7 / 7, -1 / 3)
