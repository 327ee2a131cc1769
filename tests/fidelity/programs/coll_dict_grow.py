# A growing dict, deletes, pop.
e = {}
for i in range(20):
    e[i * 7] = i
print(e)
del e[14]
e['q'] = 1
print(e)
print(e.pop(0), e.popitem(), len(e))
f = {k: k * k for k in range(6)}
print(f, sorted(f))
