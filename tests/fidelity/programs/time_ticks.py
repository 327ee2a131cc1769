# utime ticks arithmetic.
import utime
t0 = utime.ticks_ms()
utime.sleep_ms(20)
d = utime.ticks_diff(utime.ticks_ms(), t0)
print(d >= 20, d < 60, utime.ticks_add(5, 10), utime.ticks_diff(10, 5))
