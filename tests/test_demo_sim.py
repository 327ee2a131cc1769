"""`klimakit demo` without QEMU: the simulator runs the same firmware and the demo still works."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

import kit.demo
from kit.demo import run_demo


def test_demo_falls_back_to_the_simulator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kit.demo, "qemu_binary", lambda: None)
    messages: list[str] = []
    result = run_demo(tmp_path / "demo", seconds=3.0, on_status=messages.append)
    assert any("QEMU er ikke installeret" in m and "simulatoren" in m for m in messages)
    assert result.backend != "qemu" and result.rows >= 8 and result.rejected == 0
    assert result.png_path.is_file() and result.png_path.stat().st_size > 1000
    with open(result.csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == result.rows
    assert {"a", "b", "lys"} <= set(rows[0])
    assert int(rows[-1]["a"]) >= 2 and int(rows[-1]["b"]) >= 1, "the demo presses A and B"
