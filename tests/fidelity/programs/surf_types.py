# Methods of built-in types.
for v in ['', [], {}, 1, 1.0, b'', (), set(), bytearray()]:
    print(dir(v))
