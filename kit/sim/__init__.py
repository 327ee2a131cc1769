"""The simulator: micro:bit programs in CPython with a virtual clock, scenarios and radio.

Importing it starts nothing. See kit.sim.board.SimBoard (a Board), kit.sim.board.Simulation
(boards sharing a clock and radio), kit.sim.scenarios (sensor scenarios per lesson) and
kit.sim.run.run_program (`klimakit run --sim`).
"""
from __future__ import annotations

from kit.sim.board import SimBoard, Simulation
from kit.sim.datalog import LogStore
from kit.sim.demo import open_sim_board
from kit.sim.errors import SimulatorError
from kit.sim.run import render_display, run_program
from kit.sim.scenarios import SCENARIOS, make_scenario

__all__ = ["LogStore", "SimBoard", "Simulation", "run_program", "render_display", "SCENARIOS",
           "make_scenario", "SimulatorError", "open_sim_board"]
