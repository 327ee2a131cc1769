# hash() of str and int keys (the board's str hash is one byte).
print(hash('a'), hash('temp'), hash(5), hash(True), hash(-3))
print(hash('light'), hash(''), hash('humidity'))
