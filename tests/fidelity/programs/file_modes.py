# File modes: only r, w, rb, wb.
for mode in ['a', 'x', 'w+', 'r+', 'ab']:
    try:
        open('t.txt', mode)
        print(mode, 'ok')
    except Exception as e:
        print(mode, repr(e))
try:
    open('nofile.txt')
except OSError as e:
    print(repr(e))
