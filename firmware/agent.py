"""klimakit host-API agent: prints 'KA1 <v> <free>', then one reply line per request line.

Never flashed: kit.microbit.session sends it once through the raw REPL and calls _ka(). It
reads requests with input(), which waits without spinning and echoes each line (the host
checks the echo to stay in step), and answers every line with exactly one line, so a call
costs one short line each way instead of a whole raw-REPL exec. Requests (host keys never
start with = : e x q + & and hold no space, '(' or ';'):
  =K EXPR     remember eval(EXPR) under key K, e.g. =a m.display.set_pixel
  K           call K()                      K 1,2,9    call K with these ints
  K((A),{W})  call K(*A, **W), A and W written with repr
  :K 1,2;K2   several calls with int args, replied to once (a batch)
  eEXPR       evaluate          xSTMT   execute (imports)       q   stop
  +TEXT       first parts of a long request; &TEXT completes it (the UART buffer is 64 bytes)
Replies: an empty line for None, 1/0 for True/False (every reply byte costs ~35 us in QEMU),
the value as repr, or '!N ' + repr('Error: message') where N counts the batch items that ran
before the error. Written for micro:bit V1 MicroPython
1.9.2: no f-strings, no str.partition, a 10 KB heap.
"""
import gc
import microbit


def _ka():
    g = {"m": microbit}
    t = {}
    b = ""
    gc.collect()
    print("KA1", 2 if hasattr(microbit, "microphone") else 1, gc.mem_free())
    while True:
        s = input()
        i = 0
        r = None
        try:
            f = t.get(s)
            if f:
                r = f()
            else:
                c = s[0]
                if c == "+":
                    b += s[1:]
                    print()
                    continue
                if c == "&":
                    s = b + s[1:]
                    b = ""
                    c = s[0]
                if c == "=":
                    p = s.find(" ")
                    t[s[1:p]] = eval(s[p + 1:], g)
                elif c == ":":
                    for q in s[1:].split(";"):
                        p = q.find(" ")
                        if p > 0:
                            t[q[:p]](*map(int, q[p + 1:].split(",")))
                        else:
                            t[q]()
                        i += 1
                elif c == "e":
                    r = eval(s[1:], g)
                elif c == "x":
                    exec(s[1:], g)
                elif c == "q":
                    print("KA-bye")
                    return
                else:
                    p = s.find("(")
                    if p > 0:
                        a = eval(s[p:], g)
                        r = t[s[:p]](*a[0], **a[1])
                    else:
                        p = s.find(" ")
                        r = t[s[:p]](*map(int, s[p + 1:].split(",")))
        except Exception as err:
            print("!%d %s" % (i, repr(str(type(err))[8:-2] + ": " + str(err))))
            continue
        if r is None:
            print()
        elif r is True:
            print(1)
        elif r is False:
            print(0)
        elif type(r) is str:
            print(repr(r))
        else:
            print(r)
