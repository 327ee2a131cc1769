# repr and str of exceptions.
for e in [ValueError('x'), KeyError('k'), Exception(), Exception(1, 2), OSError(2),
          ZeroDivisionError('division by zero'), IndexError()]:
    print(repr(e), '|', str(e), '|', e.args)
