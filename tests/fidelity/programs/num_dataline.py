# A lesson's data lines: header, then tuples.
print('# klimakit 1 lesson=test fields=temp,light units=C,lvl')
temps = [21.5, 21.25, 21.0, 20.875, 20.75]
for i, t in enumerate(temps):
    print((t + i * 0.1, i * 13))
print((sum(temps) / len(temps),))
