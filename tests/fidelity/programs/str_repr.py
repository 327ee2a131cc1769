# repr of strings and bytes.
print(repr('hi'), repr("it's"), repr('say "x"'), repr('tab\tnl\n'), repr('\x01'))
print(repr(b'ab\x00\xff'), repr(bytearray(b'xy')), str(b'k'))
print('æøå', len('æøå'), repr('æøå'), 'æøå'.encode())
