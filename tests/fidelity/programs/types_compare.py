# type() comparisons a pupil writes.
x = 'a'
print(type(x) == str, type(1.5) == float, type({}) == dict, type(1) == int, type([]) == list)
print(isinstance(x, str), isinstance(2, float), isinstance(True, int), type(True))
class A:
    pass
B = type('B', (), {})
print(type(A), isinstance(A, type), type(A()) is A, B, type(B()) is B)
print(sorted(['b', 'a', 'C'], key=str), str(12), str(1.5), str([1.5]), str(KeyError('k')))
