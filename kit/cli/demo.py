"""`klimakit demo`: the whole flow on a virtual board, no hardware needed."""
from __future__ import annotations

from pathlib import Path

import click

from kit.cli.output import err_console
from kit.demo import run_demo


@click.command()
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("klimakit-demo"), show_default=True,
              help="Folder for the CSV and the graph.")
@click.option("--seconds", type=click.FloatRange(1, 600), default=6.0, show_default=True,
              help="How long to record.")
def demo(out_dir: Path, seconds: float) -> None:
    """Try klimakit without a micro:bit: run an experiment on a virtual board.

    Builds a lesson's micro:bit program, starts it on a virtual micro:bit (real micro:bit
    MicroPython in QEMU), records its measurements with the same recorder as `klimakit
    record` (pressing buttons A and B along the way), and writes a CSV file (opens in Excel),
    its JSON metadata and a PNG graph into the output folder.

    \b
    Example:
      klimakit demo --out mit-forsoeg
    """
    result = run_demo(out_dir, seconds=seconds, on_status=lambda m: err_console.print(m))
    err_console.print(
        "[green]Færdig.[/green] {} målinger fra en virtuel micro:bit ({}), felter: {}".format(
            result.rows, result.backend, ", ".join(result.fields)))
    err_console.print("  CSV:      {}".format(result.csv_path))
    err_console.print("  Metadata: {}".format(result.csv_path.with_suffix(".json")))
    err_console.print("  Graf:     {}".format(result.png_path))
    click.echo(str(result.out_dir.resolve()))


COMMANDS = [demo]
