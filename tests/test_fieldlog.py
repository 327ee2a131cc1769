"""The field log's host side without a board: V1 files parsed, bad files kept as far as they go,
the front-matter rules of field_log, and what a field build puts on the board."""
from __future__ import annotations

from dataclasses import replace

import pytest

from kit.build import lesson_program
from kit.errors import FirmwareError
from kit.lessons import front_matter_problems, get_lesson
from kit.record.fieldlog import parse_files

HEADER = b"# klimakit-log 1 lesson=varmekort fields=temp,lys,sted units=C,lvl,nr event=a\n"


def test_sessions_rows_and_events():
    files = {"k001000": HEADER + b"100,21,130,1,\n", "k001001": b"10100,22,131,2,1\n",
             "k002000": HEADER + b"50,19,90,1,\n", "main.py": b"x"}
    first, second = parse_files(files)
    assert first.lesson == "varmekort" and first.fields == ("temp", "lys", "sted")
    assert first.rows == [(100, [21, 130, 1], 0), (10100, [22, 131, 2], 1)]
    assert second.number == 2 and second.rows == [(50, [19, 90, 1], 0)]


def test_cut_off_missing_header_and_wrong_lines_are_kept_out_of_the_data():
    files = {"k001000": HEADER + b"100,21,130,1,\n200,2", "k001001": b"300,1,2\n400,a,b,c,\n",
             "k003001": b"5,1,2,3,\n", "k004000": HEADER + b"7,1,2,3,\n\xff\xff\xff"}
    one, three, four = parse_files(files)
    assert one.rows == [(100, [21, 130, 1], 0)]
    assert one.cut_files == ["k001000"]
    assert [why for _, why in one.rejected] == ["cut off mid-write", "1 values, the header "
                                                "names 3", "not numbers"]
    assert not three.has_header and three.rows == [] and len(three.rejected) == 1
    assert four.rows == [(7, [1, 2, 3], 0)] and not four.cut_files, "0xFF: unused flash"


@pytest.mark.parametrize("garbage", [b"", b"\xff" * 116, b"\x00\x01\x02", "æøå".encode() * 40])
def test_garbage_files_never_raise(garbage):
    sessions = parse_files({"k001000": garbage, "k001001": garbage})
    assert all(s.rows == [] for s in sessions)


@pytest.mark.parametrize("field_log, message", [
    ({"event": 3}, "field_log.event must be a, b, none or the name of a field"),
    ({"event": "Tryk A"}, "field_log.event must be a, b, none or the name of a field"),
    ({"event": "fugtig"}, "field_log.event 'fugtig' is not one of the experiment's fields"),
    ({"interval_s": -1}, "field_log.interval_s must be a number ≥ 0"),
    ({"serial": "ja"}, "field_log.serial must be true or false"),
    ({"hvad": 1}, "unknown field_log key 'hvad'"),
    ("ja", "field_log must be a mapping"),
])
def test_field_log_rules(field_log, message):
    lesson = get_lesson("planter")
    lesson = replace(lesson, meta=dict(lesson.meta, field_log=field_log))
    problems = [text for _, text in front_matter_problems(lesson)]
    assert any(message in text for text in problems), problems


def test_field_lessons_are_clean_and_build_with_the_log_modules():
    for lesson_id in ("varmekort", "planter"):
        lesson = get_lesson(lesson_id)
        assert front_matter_problems(lesson) == []
        names = [f.name for f in lesson_program(lesson).board_files]
        assert names[-3:] == ["feltlog.py", "feltv2.py", "klimafelt.py"]
        plain = [f.name for f in lesson_program(lesson, field=False).board_files]
        assert plain == ["main.py", "klima.py"]
    settings = lesson_program(get_lesson("planter")).module_sources()["klimafelt"]
    assert "('planter', ('fugt',), ('0-1023',), 'b', 900000, True)" in settings


def test_log_on_board_needs_a_lesson(tmp_path):
    from kit.build import build_target

    program = tmp_path / "mit.py"
    program.write_text("print(1)\n")
    with pytest.raises(FirmwareError, match="--log-on-board needs a lesson"):
        build_target(str(program), field=True)
