# The heap is small.
import gc
gc.collect()
print(gc.mem_free() < 10000, gc.mem_free() > 4000)
