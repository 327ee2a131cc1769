"""Facts about the micro:bit itself, with one owner each: versions, board ids, pins, USB ids.

Every room asks here instead of keeping its own copy (they had drifted apart). Sources:
DAPLink's board ids (the first four hex digits of the unique id in DETAILS.TXT and the USB
serial number; docs/daplink.md), the edge connector of both versions (pins 0-16, 19, 20; 17
and 18 are 3V), and the universal hex format's Block Start board ids (docs/firmware.md).
"""
from __future__ import annotations

import hashlib

V1, V2, UNKNOWN_VERSION = "v1", "v2", "?"
VERSIONS = (V1, V2)

# DAPLink board ids: 9900/9901 are micro:bit V1 (nRF51822), 9903-9906 are V2 (nRF52833).
V1_BOARD_IDS = ("9900", "9901")
V2_BOARD_IDS = ("9903", "9904", "9905", "9906")
# The board id a virtual board of each version claims (what a V1.5 and a V2.00 report).
VIRTUAL_BOARD_IDS = {V1: "9900", V2: "9904"}

MICROBIT_USB_ID = (0x0D28, 0x0204)  # ARM DAPLink: vendor, product

PIN_NUMBERS = tuple(range(17)) + (19, 20)  # pinN objects of `microbit` on both versions
TOUCH_PINS = (0, 1, 2)


def board_version(board_id: str) -> str:
    """Map a DAPLink board id (first 4 digits of the unique id) to 'v1', 'v2' or '?'."""
    board_id = board_id.lower()
    if board_id in V1_BOARD_IDS:
        return V1
    if board_id in V2_BOARD_IDS:
        return V2
    return UNKNOWN_VERSION


def fake_unique_id(name: str, version: str = V1, salt: str = "") -> str:
    """Return a stable DAPLink-style unique id for a virtual board: its board id, then a hash.

    `salt` keeps boards of different fleets or simulations apart when they share a name.
    """
    digest = hashlib.sha256("{}/{}".format(name, salt).encode() if salt else name.encode())
    return VIRTUAL_BOARD_IDS.get(version, VIRTUAL_BOARD_IDS[V1]) + digest.hexdigest()[:44]
