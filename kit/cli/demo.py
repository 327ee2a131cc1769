"""`klimakit demo`: the afkoeling class experiment on simulated boards, no hardware needed."""
from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from kit.cli.output import err_console
from kit.demo import DemoResult, run_demo
from kit.record import LiveAddress


@click.command()
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("klimakit-demo"), show_default=True,
              help="Folder for the CSV and the graph.")
@click.option("--live", is_flag=True,
              help="Show the experiment in the browser as it runs (the live class view).")
@click.option("--live-seconds", type=click.FloatRange(5, 600), default=30.0,
              show_default=True, help="With --live: how long the 40 minutes take.")
@click.option("--no-browser", is_flag=True, help="With --live: do not open the browser.")
def demo(out_dir: Path, live: bool, live_seconds: float, no_browser: bool) -> None:
    """Try klimakit without a micro:bit: a class experiment on simulated boards.

    Six groups measure how fast a cup of warm water cools, each cup wrapped in something
    else (the lesson afkoeling). Their micro:bits are simulated: 40 minutes take a few
    seconds, recorded by the same recorder as `klimakit record`, and the result is a CSV
    file (opens in Excel), its JSON metadata and the class graph as PNG. When QEMU is
    installed, the same program also boots on real micro:bit V1 firmware.

    \b
    Examples:
      klimakit demo --out mit-forsoeg
      klimakit demo --live
    """
    def show_live(address: LiveAddress) -> None:
        err_console.print("Live-visning: [bold]{}[/bold]".format(escape(address.url)))
        if not no_browser:
            import webbrowser

            try:
                webbrowser.open(address.url)
            except webbrowser.Error:
                pass  # the address is printed above

    result = run_demo(out_dir, live=live, live_seconds=live_seconds,
                      on_status=lambda m: err_console.print(escape(m)), on_live=show_live)
    _report(result)
    click.echo(str(result.out_dir.resolve()))


def _report(result: DemoResult) -> None:
    err_console.print(
        "[green]Færdig.[/green] {} målinger fra {} simulerede micro:bits, {:.0f} minutter på "
        "deres ur, optaget på {:.1f} s.".format(result.rows, len(result.boards), result.minutes,
                                               result.wall_s))
    boot = result.boot
    if boot is None:
        err_console.print("  Ægte firmware: QEMU er ikke installeret (sudo apt-get install "
                          "qemu-system-arm), så programmet blev ikke startet på micro:bit "
                          "V1-firmware.")
    elif boot.ok and boot.header is not None:
        err_console.print(
            "  Ægte firmware: det samme program startede på micro:bit V1 (MicroPython 1.1.1) "
            "i QEMU og sendte sin overskrift (lesson={}, fields={}) efter {:.1f} s; QEMU har "
            "ingen temperaturmåler, så målingerne kommer fra simulatoren.".format(
                escape(boot.header.lesson), escape(",".join(boot.header.fields)), boot.seconds))
    else:
        problem = boot.problems[0].message if boot.problems else "ingen overskrift"
        err_console.print("  [red]Ægte firmware: programmet startede ikke rigtigt i QEMU[/red]"
                          ": " + escape(problem))
    err_console.print("  CSV:      {}".format(escape(str(result.csv_path))))
    err_console.print("  Metadata: {}".format(escape(str(result.csv_path.with_suffix(".json")))))
    err_console.print("  Graf:     {}".format(escape(str(result.png_path))))


COMMANDS = [demo]
