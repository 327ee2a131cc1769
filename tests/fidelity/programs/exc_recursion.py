# Too deep recursion is a RuntimeError.
def r(n):
    return r(n + 1)
try:
    r(0)
except RuntimeError as e:
    print(repr(e))
