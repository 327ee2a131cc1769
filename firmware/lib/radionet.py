"""Send readings to the class radio gateway (firmware/gateway.py) as k1,<name>,<seq>,<values>.

A file of its own beside main.py, like klima. V1-compatible and tiny. The sequence number
lets the recorder count messages lost on the way. Usage:
    radio_begin("gruppe3")
    radio_send((temperature(), display.read_light_level()))
"""
import radio

_rn_name = ""
_rn_seq = 0


def radio_begin(name, group=42):
    # The gateway drops names it cannot print: letters, digits, - and _, starting with a letter.
    global _rn_name
    ok = 0 < len(name) <= 16 and name[0].isalpha()
    for c in name:
        ok = ok and (c.isalpha() or c.isdigit() or c in "-_") and ord(c) < 128
    if not ok:
        raise ValueError("radio name: letters, digits, - and _ (max 16)")
    _rn_name = name
    radio.config(group=group, length=64)  # room for a long name and several values
    radio.on()


def radio_send(values):
    global _rn_seq
    message = "k1," + _rn_name + "," + str(_rn_seq) + "," + ",".join([str(v) for v in values])
    radio.send(message)
    _rn_seq += 1
    return message
