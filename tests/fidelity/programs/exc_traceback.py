# An uncaught error: the board's traceback.
def average(values):
    return sum(values) / len(values)
print('start')
print(average([]))
