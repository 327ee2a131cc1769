# All melodies.
import music
for n in dir(music):
    v = getattr(music, n)
    if isinstance(v, tuple):
        print(n, len(v), v[0], v[-1])
