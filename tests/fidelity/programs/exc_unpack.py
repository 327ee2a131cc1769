# Unpacking and calls.
def f(a):
    return a
for src in ["a, b = [1, 2, 3]", "a, b, c = [1, 2]", "f(1, 2)", "next(iter([]))",
            "object().x = 1", "None.foo"]:
    try:
        exec(src)
    except Exception as e:
        print(src, '|', repr(e))
