# No __name__ on types and functions.
print(hasattr(ValueError, '__name__'), hasattr(int, '__name__'), hasattr(len, '__name__'))
class A:
    pass
def g():
    pass
print(hasattr(A, '__name__'), hasattr(g, '__name__'))
import microbit
print(microbit.__name__)
try:
    print(type(ValueError()).__name__)
except AttributeError as e:
    print(repr(e))
