"""Radio between simulated boards: micro:bit `radio` semantics over a shared, lossy air.

Like the real radio: off until radio.on(); a board hears only boards on the same group and
channel; each receiver has a queue (default 3 messages) and drops what arrives when it is full;
`send` adds the 3-byte header of a str message and payloads longer than `length` are cut.
Packet loss is optional and seeded. The air counts every drop, so a test can compare what a
gateway reports lost with what the radio really lost.
"""
from __future__ import annotations

import random
import threading
from collections import Counter, deque
from dataclasses import dataclass
from types import SimpleNamespace

STR_HEADER = b"\x01\x00\x01"  # what radio.send() puts before the text (MicroPython's format)
RATE_1MBIT, RATE_2MBIT, RATE_250KBIT = 0, 1, 2


@dataclass
class RadioConfig:
    """radio.config() settings, with the micro:bit defaults."""

    length: int = 32
    queue: int = 3
    channel: int = 7
    power: int = 6
    address: int = 0x75626974
    group: int = 0
    data_rate: int = RATE_1MBIT


class Air:
    """The medium every simulated radio of one simulation shares."""

    def __init__(self, loss: float = 0.0, seed: int = 0) -> None:
        if not 0.0 <= loss <= 1.0:
            raise ValueError("packet loss must be between 0 and 1")
        self.loss = loss
        self._rng = random.Random(seed)
        self._radios: list[Radio] = []
        self._lock = threading.Lock()
        self.sent = 0
        self.dropped: Counter[str] = Counter()  # "loss" / "queue full", over all receivers

    def join(self, radio: Radio) -> None:
        with self._lock:
            self._radios.append(radio)

    def transmit(self, sender: Radio, payload: bytes) -> None:
        payload = payload[: sender.config.length]  # longer messages are cut, as on the board
        with self._lock:
            self.sent += 1
            for radio in self._radios:
                if radio is sender or not radio.enabled:
                    continue
                if (radio.config.group, radio.config.channel, radio.config.address) != (
                        sender.config.group, sender.config.channel, sender.config.address):
                    continue
                if self.loss and self._rng.random() < self.loss:
                    radio.drop("loss", payload)
                    continue
                if len(radio.queue) >= radio.config.queue:
                    radio.drop("queue full", payload)
                    continue
                radio.queue.append(payload[: radio.config.length])


class Radio:
    """One board's radio (the object behind its `radio` module)."""

    def __init__(self, air: Air, rt: object) -> None:
        self.air = air
        self.rt = rt
        self.enabled = False
        self.config = RadioConfig()
        self.queue: deque[bytes] = deque()
        self.dropped: list[tuple[str, bytes]] = []  # (why, payload) of messages never queued
        air.join(self)

    @property
    def lost(self) -> int:
        return len(self.dropped)

    def drop(self, why: str, payload: bytes) -> None:
        self.dropped.append((why, payload))
        self.air.dropped[why] += 1

    def module_namespace(self) -> dict[str, object]:
        """The names `import radio` gives a program."""
        return {
            "on": self.on, "off": self.off, "config": self.configure, "reset": self.reset,
            "send": self.send, "send_bytes": self.send_bytes, "receive": self.receive,
            "receive_bytes": self.receive_bytes, "receive_full": self.receive_full,
            "receive_bytes_into": self.receive_bytes_into,
            "RATE_1MBIT": RATE_1MBIT, "RATE_2MBIT": RATE_2MBIT, "RATE_250KBIT": RATE_250KBIT,
        }

    def on(self) -> None:
        self.enabled = True

    def off(self) -> None:
        self.enabled = False

    def reset(self) -> None:
        self.config = RadioConfig()

    def configure(self, **settings: int) -> None:
        for key, value in settings.items():
            if not hasattr(self.config, key):
                raise TypeError("unexpected keyword argument '{}'".format(key))
            limits = {"length": (1, 251), "queue": (1, 254), "channel": (0, 83),
                      "power": (0, 7), "group": (0, 255), "data_rate": (0, 2)}
            low, high = limits.get(key, (0, 2**32 - 1))
            if not low <= int(value) <= high:
                raise ValueError("value out of range for argument '{}'".format(key))
            setattr(self.config, key, int(value))
        if "queue" in settings:
            self.queue.clear()

    def _check_on(self) -> None:
        if not self.enabled:
            raise ValueError("radio is not enabled")

    def send_bytes(self, message: bytes) -> None:
        self._check_on()
        self.rt.tick()  # type: ignore[attr-defined]
        self.air.transmit(self, bytes(message))

    def send(self, message: str) -> None:
        self.send_bytes(STR_HEADER + str(message).encode("utf-8"))

    def receive_bytes(self) -> bytes | None:
        self._check_on()
        self.rt.tick()  # type: ignore[attr-defined]
        return self.queue.popleft() if self.queue else None

    def receive(self) -> str | None:
        payload = self.receive_bytes()
        if payload is None:
            return None
        if not payload.startswith(STR_HEADER):
            raise ValueError("received packet is not a string")
        return payload[3:].decode("utf-8", "replace")

    def receive_full(self) -> tuple[bytes, int, int] | None:
        payload = self.receive_bytes()
        if payload is None:
            return None
        return payload, -50, self.rt.running_ms() * 1000  # type: ignore[attr-defined]

    def receive_bytes_into(self, buffer: bytearray) -> int | None:
        payload = self.receive_bytes()
        if payload is None:
            return None
        n = min(len(buffer), len(payload))
        buffer[:n] = payload[:n]
        return n


def radio_module(radio: Radio) -> SimpleNamespace:
    return SimpleNamespace(**radio.module_namespace())
