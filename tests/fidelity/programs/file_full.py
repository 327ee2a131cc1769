# Filling the flash filesystem.
import os
line = 'x' * 100 + '\n'
try:
    with open('big.txt', 'w') as f:
        for i in range(400):
            f.write(line)
    print('wrote all')
except OSError as e:
    print('full', e.args[0])
