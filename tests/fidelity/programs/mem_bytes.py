# bytearray and str repetition past the heap.
try:
    b = bytearray(20000)
except MemoryError as e:
    print(repr(e))
try:
    s = 'x' * 9000
except MemoryError as e:
    print(repr(e))
c = bytearray(500)
print(len(c))
