# The builtins the board has.
import builtins
print(dir(builtins))
for name in ['property', 'format', 'vars', 'RecursionError', 'FileNotFoundError']:
    try:
        eval(name)
        print(name, 'exists')
    except NameError as e:
        print(repr(e))
