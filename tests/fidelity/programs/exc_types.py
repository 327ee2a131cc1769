# Types print as on the board.
class A:
    pass
print(type(1), type(1.0), type('a'), type([]), type(()), type({}), type(None))
print(type(A), type(A()), int, ValueError)
print(isinstance(1.5, float), isinstance({}, dict), isinstance(set(), set))
