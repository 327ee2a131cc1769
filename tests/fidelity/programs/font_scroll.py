# After scroll the display is clear; show(image) then pixels.
from microbit import display, Image
display.scroll('Hi', delay=10)
print(sum(display.get_pixel(x, y) for y in range(5) for x in range(5)))
display.show(Image.HAPPY)
print([display.get_pixel(x, 3) for x in range(5)])
display.clear()
print(display.get_pixel(1, 1), display.is_on())
