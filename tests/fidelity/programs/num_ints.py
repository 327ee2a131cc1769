# Integers stay exact, big ones too.
print(2 ** 40, 2 ** 100, -7 // 2, -7 % 3, 7 // -2, divmod(17, 5))
print(int('ff', 16), hex(255), oct(8), bin(5), 10 ** 20 // 3)
print(1 / 2 * 4, 3 ** -1, (2 ** 31) * 2, abs(-2 ** 63))
