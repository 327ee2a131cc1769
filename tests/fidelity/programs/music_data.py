# The melodies in music.
import music
print(music.NYAN[:3], len(music.BIRTHDAY))
for name in ['DADADADUM', 'ODE', 'BA_DING', 'POWER_UP', 'JUMP_DOWN', 'FUNERAL']:
    print(name, getattr(music, name))
