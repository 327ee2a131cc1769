# display.show of a letter lights the board's font.
from microbit import display
for c in 'AaZz09?!':
    display.show(c)
    print(c, ''.join(str(display.get_pixel(x, y)) for y in range(5) for x in range(5)))
display.show(42)
print(''.join(str(display.get_pixel(x, y)) for y in range(5) for x in range(5)))
