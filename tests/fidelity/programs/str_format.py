# format with ints and strings.
print('{} {!r} {:>5}|{:<4}|{:^6}|'.format('a', 'b', 'c', 'd', 'e'))
print('{0}{1}{0}'.format('x', 'y'), '{name}={v}'.format(name='t', v=3))
print('{:5d}|{:05d}|{:x}|{:b}|{:,}'.format(42, 42, 255, 5, 1234567))
print('%s-%r-%5s' % ('a', 'b', 'c'), '%d%%' % 50)
