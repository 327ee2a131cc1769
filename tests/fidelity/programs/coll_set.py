# Sets in the board's order.
print(set([5, 3, 1, 'a', 'temp', 9, 33]))
print({3, 1, 2}, {'x', 'y', 'z'}, set())
s = {1, 2, 3}
s.add(10)
s.discard(2)
print(s, len(s), 3 in s)
print(sorted({4, 9, 1} | {2, 9}), sorted({1, 2, 3} & {2, 3, 4}))
