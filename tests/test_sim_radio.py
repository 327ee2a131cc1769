"""A class radio network in the simulator: vejrstation boards → gateway → parser/recorder.

Losses are counted from sequence numbers, as a teacher's recorder does, and must equal what
the simulated radio really dropped (random loss or a full queue) — except drops before a
sender's first or after its last delivered message, which no sequence number can reveal.
"""
from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from kit.build import Program, assemble
from kit.record import GatewayData, Header, Raw, parse_line
from kit.resources import firmware_path
from kit.sim import SimBoard, Simulation

SENDERS = 6
NAME_LINE = 'NAME = "gruppe1"'


def vejrstation_source(group_name: str) -> Program:
    """The lesson firmware as a group would edit it: only NAME changes (klima.py beside it)."""
    program = assemble(firmware_path("vejrstation"))
    assert NAME_LINE in program.source, "vejrstation.py no longer has the NAME line this test edits"
    return replace(program, source=program.source.replace(
        NAME_LINE, 'NAME = "{}"'.format(group_name)))


def class_network(loss: float, seed: int = 7) -> tuple[Simulation, list[SimBoard], SimBoard]:
    sim = Simulation(seed=seed, loss=loss)
    senders = [SimBoard(vejrstation_source("gruppe{}".format(i + 1)), sim=sim, version="v1",
                        scenario="weather") for i in range(SENDERS)]
    gateway = SimBoard(assemble(firmware_path("gateway")), sim=sim, version="v1", name="gateway")
    return sim, senders, gateway


def visible_drops(gateway: SimBoard, sent: dict[str, int]) -> set[tuple[str, int]]:
    """(sender, seq) the gateway's radio dropped between two messages it did receive."""
    dropped = set()
    for _, payload in gateway.radio_dropped:
        parts = payload[3:].decode().split(",")
        dropped.add((parts[1], int(parts[2])))
    visible = set()
    for name, count in sent.items():
        delivered = [s for s in range(count) if (name, s) not in dropped]
        first, last = (min(delivered), max(delivered)) if delivered else (0, -1)
        visible |= {(n, s) for n, s in dropped if n == name and first < s < last}
    return visible


def sent_counts(senders: list[SimBoard]) -> dict[str, int]:
    return {b._rt.globals["NAME"]: b._rt.globals["seq"] for b in senders}


def gateway_readings(lines: list[bytes]) -> list[GatewayData]:
    parsed = [parse_line(line) for line in lines]
    assert isinstance(parsed[0], Header) and parsed[0].fields == ("temp", "lys")
    assert parsed[0].lesson == "vejrstation" and parsed[0].extra.get("gateway") == "1"
    assert all(p.reason == "comment" for p in parsed if isinstance(p, Raw)), \
        [p for p in parsed if isinstance(p, Raw)]
    return [p for p in parsed if isinstance(p, GatewayData)]


def lost_by_sequence(readings: list[GatewayData]) -> set[tuple[str, int]]:
    seqs: dict[str, list[int]] = {}
    for reading in readings:
        seqs.setdefault(reading.sender, []).append(reading.seq)
    lost = set()
    for name, got in seqs.items():
        assert got == sorted(got), "{} arrived out of order".format(name)
        lost |= {(name, s) for s in range(got[0], got[-1]) if s not in got}
    return lost


def test_six_boards_without_loss_deliver_every_reading() -> None:
    sim, senders, gateway = class_network(loss=0.0)
    sim.run_for(600, timeout=120)
    readings = gateway_readings(gateway.collect())
    sent = sent_counts(senders)
    assert set(sent) == {"gruppe{}".format(i + 1) for i in range(SENDERS)}
    assert {r.sender for r in readings} == set(sent)
    assert lost_by_sequence(readings) == set() and gateway.radio_dropped == []
    for name, count in sent.items():
        assert count >= 55
        assert [r.seq for r in readings if r.sender == name][0] == 0
    assert all(len(r.values) == 2 and -20 < r.values[0] < 40 and 0 <= r.values[1] <= 255
               for r in readings)
    sim.close()


@pytest.mark.parametrize("loss", [0.2, 0.5])
def test_loss_counted_by_sequence_numbers_equals_what_the_radio_dropped(loss: float) -> None:
    sim, senders, gateway = class_network(loss=loss)
    sim.run_for(1800, timeout=120)
    readings = gateway_readings(gateway.collect())
    counted = lost_by_sequence(readings)
    truth = visible_drops(gateway, sent_counts(senders))
    assert counted == truth
    assert 0.5 * loss < len(counted) / sum(sent_counts(senders).values()) < 1.5 * loss
    sim.close()


def test_recorder_counts_the_same_loss(tmp_path: Path) -> None:
    """The real recorder, reading the gateway board, reports the loss the radio caused."""
    from kit.record import Recorder, plan_recording

    sim, senders, gateway = class_network(loss=0.2, seed=11)
    sim.run_for(900, timeout=120)
    sent = sent_counts(senders)
    for board in senders:  # the class stops sending; the gateway's lines wait to be read
        board.close()
    truth = visible_drops(gateway, sent)
    stop = threading.Event()
    plan = plan_recording(tmp_path, "vejrstation", duration_s=20, stem="radio")
    recorder = Recorder(plan)

    delivered = sum(sent.values()) - len(gateway.radio_dropped)

    def all_read(statuses: object) -> None:
        if sum(s.accepted for s in recorder.senders.values()) >= delivered:
            stop.set()

    result = recorder.run([gateway], stop=stop, on_update=all_read)
    assert result.ended_by == "stop" and result.accepted == delivered
    assert result.lost == len(truth) > 0
    assert {s.name for s in recorder.senders.values()} == set(sent)
    sim.close()


def test_gateway_ignores_malformed_messages_and_counts_them() -> None:
    sim = Simulation(seed=1)
    junk = ["hello", "k1,,1,2,3", "k1,9lives,1,2,3", "k1,g1,x,2,3", "k1,g1,1,nan,3",
            "k1,g1,1,2", "k1,g1,1,2,3,4", "k2,g1,1,2,3", "k1,g 1,1,2,3", "k1,g1,1,2,3e"]
    program = ("import radio\nfrom microbit import sleep\nradio.config(group=42)\nradio.on()\n"
               "sleep(100)\nfor m in {!r}:\n    radio.send(m)\n    sleep(50)\n"
               "radio.send_bytes(b'\\xff\\xfe')\nsleep(50)\nradio.send('k1,g1,0,21,130')\n"
               "sleep(50)\nradio.send('k1,g-2_b,7,-3.5,0')\n").format(junk)
    gateway = SimBoard(assemble(firmware_path("gateway")), sim=sim, version="v1")
    SimBoard(program, sim=sim, version="v1")
    sim.run_for(12, timeout=60)
    lines = gateway.collect()
    readings = gateway_readings(lines)
    assert [(r.sender, r.seq, r.values) for r in readings] == [
        ("g1", 0, (21, 130)), ("g-2_b", 7, (-3.5, 0))]
    assert "# gateway ok=2 bad={}".format(len(junk) + 1).encode() in lines
    sim.close()


def test_radionet_helper_talks_to_the_gateway(tmp_path: Path) -> None:
    """A pupil's own sender using firmware/lib/radionet.py reaches the gateway, seq from 0."""
    from kit.resources import firmware_dir

    program = tmp_path / "min_station.py"
    program.write_text(
        "from microbit import *\nfrom radionet import radio_begin, radio_send\n"
        "radio_begin('hold-7_lang-navn')\nfor i in range(5):\n"
        "    radio_send((temperature(), i * 1.5))\n    sleep(2000)\n", encoding="utf-8")
    sim = Simulation(seed=2)
    gateway = SimBoard(assemble(firmware_path("gateway")), sim=sim, version="v1")
    SimBoard(assemble(program, firmware_dir() / "lib"), sim=sim, version="v1",
             scenario="cooling")
    mine = assemble(program, firmware_dir() / "lib")
    bad = SimBoard(replace(mine, source=mine.source.replace("hold-7_lang-navn", "7hold")),
                   sim=sim, version="v1")
    sim.run_for(15, timeout=60)
    readings = gateway_readings(gateway.collect())
    assert [(r.sender, r.seq, r.values[1]) for r in readings] == [
        ("hold-7_lang-navn", i, i * 1.5) for i in range(5)]
    assert all(r.values[0] > 40 for r in readings)  # the cooling cup, not cut off by length
    assert b"ValueError: radio name" in b"\n".join(bad.collect())
    sim.close()
