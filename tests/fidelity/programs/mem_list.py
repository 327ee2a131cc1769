# [0] * n: small is fine, big is a MemoryError.
a = [0] * 1000
print(len(a))
a = None
try:
    b = [0] * 4000
except MemoryError as e:
    print(repr(e))
