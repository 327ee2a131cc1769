# Tempo order: (bpm, ticks).
import music
print(music.get_tempo())
music.set_tempo(ticks=8)
print(music.get_tempo())
music.set_tempo(bpm=180)
print(music.get_tempo())
music.reset()
print(music.get_tempo())
