# Write, read, list and remove files.
import os
with open('data.csv', 'w') as f:
    print(f.write('t,l\n'))
    f.write('21.5,130\n')
with open('data.csv') as f:
    print(repr(f.read()))
print(os.listdir(), os.size('data.csv'))
with open('b.bin', 'wb') as f:
    f.write(bytes([1, 2, 255]))
print(open('b.bin', 'rb').read())
os.remove('data.csv')
os.remove('b.bin')
print(os.listdir())
