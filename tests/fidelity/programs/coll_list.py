# Lists and tuples.
a = [5, 2, 8, 1]
a.sort()
print(a, sorted(a, reverse=True), a[::-1], a[1:3])
a.append(3.5)
a.insert(0, -1)
print(a, a.pop(), a.index(8), a.count(2))
print(list(zip([1, 2], 'ab')), list(enumerate('xy')), list(map(abs, [-1, 2])))
print(tuple(range(5)), (1,), (), [[1, 2], [3]], min(a), max(a))
