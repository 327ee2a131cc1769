# Raised by the program itself.
class MyError(Exception):
    pass
try:
    raise MyError('boom', 42)
except MyError as e:
    print(repr(e), e.args)
try:
    assert 1 == 2, 'oops'
except AssertionError as e:
    print(repr(e))
try:
    raise KeyError(5)
except LookupError as e:
    print(repr(e), str(e))
