# The board's messages for common errors.
tests = ["1/0", "int('x')", "[][1]", "{}['k']", "undefined_name", "'a'+1", "1+'a'",
         "float('abc')", "[1].remove(5)", "import nosuch", "(1,2)[5]", "'abc'.index('z')",
         "len(5)", "{}.pop('a')", "chr(-1)", "int('12', 99)", "abs('a')", "[1, 2].index(9)",
         "min([])", "1 < 'a'", "hash([])", "[1,2][None]", "'%d' % 'a'", "'{}{}'.format(1)",
         "iter(5)", "'abc'[5]", "b'ab'[3]", "bytes([300])", "1 % 0", "1.0/0", "1 // 0",
         "divmod(1, 0)", "0.0 ** -1", "round('a')"]
for src in tests:
    try:
        exec(src)
        print('OK', src)
    except Exception as e:
        print(src, '|', repr(e))
