# dir() of the board's modules.
import music, os, gc, micropython, machine, utime, random, math, sys, struct
for m in [music, os, gc, micropython, machine, utime, random, math, sys, struct]:
    print(dir(m))
