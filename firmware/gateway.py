"""Radio gateway: prints what the class's boards send (k1,name,seq,values) as (name, seq, values)."""
from microbit import display, running_time, sleep, Image
import radio

# The lesson whose boards this gateway listens to; the recorder reads these from the header.
LESSON = "vejrstation"
FIELDS = ("temp", "lys")
UNITS = ("C", "lvl")
GROUP = 42  # the same radio group as the boards (vejrstation.py uses 42)

HEADER = "# klimakit 1 lesson=" + LESSON + " fields=" + ",".join(FIELDS) + " units=" + ",".join(UNITS) + " gateway=1"
NUMBER_CHARS = "0123456789.-+eE"


def good_name(name):
    # Letters, digits, - and _, starting with a letter, at most 16: what the recorder accepts.
    if not 0 < len(name) <= 16 or not name[0].isalpha():
        return False
    for c in name:
        if not (c.isalpha() or c.isdigit() or c in "-_") or ord(c) > 127:
            return False
    return True


def good_number(text):
    if not text or text[0] in "eE":
        return False
    for c in text:
        if c not in NUMBER_CHARS:
            return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def line_for(message):
    # "k1,gruppe3,412,21,130" -> "(gruppe3, 412, 21, 130)", or None if it is not one of ours
    parts = message.split(",")
    if len(parts) != 3 + len(FIELDS) or parts[0] != "k1":
        return None
    if not good_name(parts[1]) or not parts[2].isdigit() or len(parts[2]) > 9:
        return None
    for value in parts[3:]:
        if not good_number(value):
            return None
    return "(" + ", ".join(parts[1:]) + ")"


radio.config(group=GROUP, queue=10, length=64)  # 10 x 64 bytes still fits a V1 heap
radio.on()
print(HEADER)
header_at = running_time()
good = 0
bad = 0
display.show(Image.ARROW_S)
while True:
    try:
        message = radio.receive()
    except Exception:  # a packet that is not text, or garbled text
        message = ""
    if message is None:
        sleep(10)
    else:
        line = line_for(message)
        if line is None:
            bad += 1
        else:
            good += 1
            print(line)
            display.set_pixel(good % 5, 4, 9 if good % 10 < 5 else 0)
    if running_time() - header_at >= 10000:
        print(HEADER)
        print("# gateway ok=" + str(good) + " bad=" + str(bad))
        header_at = running_time()
