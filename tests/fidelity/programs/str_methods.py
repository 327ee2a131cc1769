# str methods the board has, and one it lacks.
s = ' Temp: 21.5 C '
print(s.strip(), s.split(), s.lower(), s.upper(), s.replace('C', 'K'))
print(s.find('21'), s.count(' '), 'a,b,,c'.split(','), '-'.join(['a', 'b']))
print('abc'.startswith('ab'), 'abc'.endswith('x'), '12'.isdigit(), 'Ab'.isupper())
try:
    print('42'.zfill(5))
except AttributeError as e:
    print(repr(e))
