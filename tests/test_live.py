"""The live view without a browser: the CSV follower, the feed, the server's borders, the CLI."""
from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import fakeboards as fb
import pytest
from click.testing import CliRunner
from livehelpers import LiveRecording, cup_readings

from kit import cli
from kit.record import EXCEL_DA, STANDARD, RunPaths, RunWriter, open_port
from kit.record.live import CsvTail


@pytest.mark.parametrize("style", [STANDARD, EXCEL_DA])
def test_the_follower_takes_whole_rows_only_in_both_styles(tmp_path: Path, style) -> None:
    paths = RunPaths.for_stem(tmp_path, "run")
    writer = RunWriter(paths, style)
    writer.set_fields(("temp", "lys"))
    writer.write_row(1.0, 0.5, "=kop", (21.5, 3))
    tail = CsvTail(paths.csv, style)
    rows = tail.read()
    assert tail.fields == ("temp", "lys")
    assert [(r.board, r.seconds, r.values) for r in rows] == [("'=kop", 0.5, (21.5, 3.0))]
    with open(paths.csv, "ab") as handle:  # a row still being written waits
        handle.write("2000-01-01T00:00:00.000{0}1{0}kop{0}22".format(style.delimiter).encode())
    assert tail.read() == [] and not tail.at_end()
    with open(paths.csv, "ab") as handle:
        handle.write(b"\r\ngarbage,,\r\n")
    rows = tail.read()
    assert len(rows) == 0 and tail.skipped == 2 and tail.at_end(), "bad rows are skipped"
    writer.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_the_page_is_local_safe_and_complete(tmp_path: Path) -> None:
    board = fb.TcpBoard([cup_readings(45.0, 300, 20)])
    board.start()
    run = LiveRecording(tmp_path, [open_port(board.url, "kop")])
    try:
        status, headers, body = _get(run.url)
        assert status == 200 and b"static/live.js" in body
        assert "script-src 'self'" in headers["content-security-policy"]
        assert _get(run.url + "static/uplot/LICENSE.txt")[0] == 200
        # another site's name for this address (DNS rebinding) gets nothing
        assert _get(run.url, host="evil.example:{}".format(run.address.port))[0] == 400
        time.sleep(1.5)
        snapshot = json.loads(_get(run.url + "run.json")[2])
        assert snapshot["run"]["fields"] == [{"name": "temp", "unit": "°C",
                                              "label": "Temperatur i koppen"}]
        assert len(snapshot["rows"]) > 10 and snapshot["boards"] == ["kop"]
    finally:
        result = run.finish()
        board.close()
    assert result.accepted > 10
    with pytest.raises(OSError):
        _get(run.url)  # the server stopped with the recording


def test_record_live_cli_serves_the_page_while_recording(tmp_path: Path) -> None:
    board = fb.TcpBoard([cup_readings(45.0, 200, 20)])
    board.start()
    port = _free_port()
    seen: list[dict[str, object]] = []

    def fetch() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not seen:
            try:
                body = _get("http://127.0.0.1:{}/run.json".format(port))[2]
                snapshot = json.loads(body)
                if snapshot["rows"]:
                    seen.append(snapshot)
            except (OSError, ValueError):
                pass
            time.sleep(0.2)

    thread = threading.Thread(target=fetch)
    thread.start()
    result = CliRunner().invoke(cli.cli, [
        "record", "afkoeling", "--port", board.url, "--duration", "4s", "-o", str(tmp_path),
        "--live-plot", "--no-browser", "--live-port", str(port)])
    thread.join()
    board.close()
    assert result.exit_code == 0, result.output
    assert "Live view: http://127.0.0.1:{}/".format(port) in result.output
    assert seen and seen[0]["run"]["title"] == "Hvem holder bedst på varmen?"


def test_a_taken_live_port_is_a_clear_error_and_no_files_are_left(tmp_path: Path) -> None:
    board = fb.TcpBoard([cup_readings(45.0, 50, 20)])
    board.start()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli.cli, [
            "record", "--port", board.url, "-o", str(tmp_path / "d"), "--live",
            "--no-browser", "--live-port", str(port)])
    board.close()
    assert result.exit_code == 1 and "--live-port" in result.output
    assert "Traceback" not in result.output
    assert not list((tmp_path / "d").glob("*.csv"))
