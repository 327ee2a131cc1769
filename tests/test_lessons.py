"""The lesson loader (line numbers, forgiving typed views) and the `klimakit lessons` commands."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import require_qemu
from test_lesson_check import LESSON, _line_of, make_library

from kit import cli
from kit.errors import LessonError, LessonFormatError
from kit.lessons import get_lesson, load_lesson, load_library, split_sections


def _lesson_md(root: Path, lesson_id: str = LESSON) -> Path:
    return root / lesson_id / "lesson.md"


def _add_lesson(root: Path, firmware: Path, lesson_id: str, **swap: str) -> None:
    """Copy the fixture lesson under a new id with some front-matter values swapped."""
    text = _lesson_md(root).read_text(encoding="utf-8").replace(
        "id: " + LESSON, "id: " + lesson_id).replace(
        "firmware: " + LESSON, "firmware: " + lesson_id)
    for old, new in swap.items():
        assert old in text, old
        text = text.replace(old, new)
    (root / lesson_id).mkdir()
    (root / lesson_id / "kurve.png").write_bytes((root / LESSON / "kurve.png").read_bytes())
    _lesson_md(root, lesson_id).write_text(text, encoding="utf-8")
    source = (firmware / (LESSON + ".py")).read_text().replace(
        'begin("{}"'.format(LESSON), 'begin("{}"'.format(lesson_id))
    (firmware / (lesson_id + ".py")).write_text(source)


# --- loader -----------------------------------------------------------------------------------

def test_loader_keeps_lines_of_keys_items_and_headings(tmp_path):
    root, _ = make_library(tmp_path)
    path = _lesson_md(root)
    lesson = load_lesson(path)
    assert lesson.key_lines["grades"] == _line_of(path, "grades:")
    assert lesson.line_of("curriculum", 1, "subject") == _line_of(path, "{subject: teknologi")
    assert lesson.line_of("experiment", "fields", 1) == _line_of(path, "{name: tryk")
    assert lesson.line_of("experiment", "nothing", 3) == _line_of(path, "experiment:")
    assert lesson.section_lines["Udvidelse"] == _line_of(path, "## Udvidelse")
    assert lesson.band == "mellemtrin" and lesson.bands == ("mellemtrin",)
    assert [f.name for f in lesson.experiment.fields] == ["lys", "tryk"]


def test_loader_views_survive_wrong_types(tmp_path):
    root, _ = make_library(tmp_path)
    path = _lesson_md(root)
    text = path.read_text().replace("interval_s: 0.2", "interval_s: hurtigt").replace(
        "grades: [4, 6]", "grades: fire").replace("lessons: 2", "lessons: [2]")
    path.write_text(text.replace("  fields:\n", "  fields: ingen\n  old_fields:\n"))
    lesson = load_lesson(path)
    assert lesson.experiment.interval_s == 1.0 and lesson.experiment.fields == ()
    assert lesson.grades == (0, 0) and lesson.lesson_count == 1


def test_loader_reports_bad_yaml_with_file_and_line(tmp_path):
    root, _ = make_library(tmp_path)
    path = _lesson_md(root)
    path.write_text(path.read_text().replace("lessons: 2", "lessons: [2"))
    with pytest.raises(LessonFormatError) as info:
        load_lesson(path)
    assert info.value.path == str(path) and info.value.line > 1
    assert str(info.value).startswith("{}:{}: invalid YAML".format(path, info.value.line))


def test_loader_lists_duplicate_keys(tmp_path):
    root, _ = make_library(tmp_path)
    path = _lesson_md(root)
    path.write_text(path.read_text().replace("licence: CC-BY-4.0", "licence: CC-BY-4.0\nid: x"))
    assert load_lesson(path).duplicate_keys == ((("id",), _line_of(path, "id: x")),)


def test_split_sections_ignores_headings_in_code_fences():
    sections, lines = split_sections("## A\ntext\n```\n## not a heading\n```\n## B\n", 10)
    assert list(sections) == ["A", "B"] and lines == {"A": 10, "B": 15}


def test_get_lesson_refuses_paths_and_names_known_ids(tmp_path):
    root, _ = make_library(tmp_path)
    assert get_lesson(LESSON, root).id == LESSON
    with pytest.raises(LessonError, match="not a lesson id"):
        get_lesson("../etc", root)
    with pytest.raises(LessonError, match=LESSON):
        get_lesson("findes-ikke", root)


# --- klimakit lessons check -------------------------------------------------------------------

def test_check_good_library_exits_0(tmp_path):
    root, firmware = make_library(tmp_path)
    result = CliRunner().invoke(cli.cli, ["lessons", "check", str(root), "--firmware",
                                          str(firmware), "--no-qemu"])
    assert result.exit_code == 0, result.output
    assert "1 lesson checked: 0 problems" in result.output


def test_check_prints_file_line_message_and_exits_1(tmp_path):
    root, firmware = make_library(tmp_path)
    path = _lesson_md(root)
    path.write_text(path.read_text().replace("grades: [4, 6]", "grades: [4, 12]"))
    result = CliRunner().invoke(
        cli.cli, ["lessons", "check", str(path), "--firmware", str(firmware), "--no-qemu"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "{}:{}: grade 12 is outside 0-10 (0 = børnehaveklasse)".format(
            path, _line_of(path, "grades:"))]
    assert "1 problem" in result.stderr


def test_check_warning_fails_only_with_strict(tmp_path):
    root, firmware = make_library(tmp_path)
    program = firmware / (LESSON + ".py")
    filler = "".join("v{} = {}\n".format(i, i) for i in range(400))
    program.write_text(program.read_text().replace("presses = 0\n", "presses = 0\n" + filler))
    args = ["lessons", "check", str(root), "--firmware", str(firmware), "--no-qemu"]
    relaxed = CliRunner().invoke(cli.cli, args)
    assert relaxed.exit_code == 0 and ":1: warning: " in relaxed.output
    assert CliRunner().invoke(cli.cli, args + ["--strict"]).exit_code == 1


def test_check_boots_firmware_in_qemu(tmp_path):
    require_qemu()
    root, firmware = make_library(tmp_path)
    result = CliRunner().invoke(cli.cli, ["lessons", "check", str(root), "--firmware",
                                          str(firmware), "--timeout", "20"])
    assert result.exit_code == 0, result.output
    assert "QEMU: 1 of 1 V1 program started" in result.output


def test_check_reports_firmware_that_crashes_in_qemu(tmp_path):
    """A misspelt name passes every static check but crashes on the board: QEMU finds it."""
    require_qemu()
    root, firmware = make_library(tmp_path)
    program = firmware / (LESSON + ".py")
    program.write_text(program.read_text().replace(
        "    send((display", "    send((display.read_light_levl(), presses))\n    send((display"))
    result = CliRunner().invoke(
        cli.cli, ["lessons", "check", str(root), "--firmware", str(firmware), "--timeout", "20"])
    assert result.exit_code == 1, result.output
    [line] = result.stdout.splitlines()
    assert line.startswith("{}:{}: fails on micro:bit V1 (QEMU): AttributeError".format(
        program, _line_of(program, "read_light_levl")))


def test_check_notes_missing_qemu_instead_of_failing(tmp_path, monkeypatch):
    root, firmware = make_library(tmp_path)
    monkeypatch.setattr("kit.cli.lessons.qemu_binary", lambda: None)
    result = CliRunner().invoke(cli.cli, ["lessons", "check", str(root), "--firmware",
                                          str(firmware)])
    assert result.exit_code == 0 and "qemu-system-arm is not installed" in result.output


# --- klimakit lessons list --------------------------------------------------------------------

@pytest.fixture
def small_library(tmp_path, monkeypatch):
    """Three lessons: lysmaaler (4-6, light+buttons, v1/v2), hav (8-9, temperature, v1/v2,
    geografi), lyd (1-2, microphone, v2 only)."""
    root, firmware = make_library(tmp_path)
    _add_lesson(root, firmware, "hav", **{"grades: [4, 6]": "grades: [8, 9]",
                                          "sensors: [light, buttons]": "sensors: [temperature]",
                                          "subjects: [natur/teknologi,": "subjects: [geografi,"})
    _add_lesson(root, firmware, "lyd", **{"grades: [4, 6]": "grades: [1, 2]",
                                          "sensors: [light, buttons]": "sensors: [microphone]",
                                          "boards: [v1, v2]": "boards: [v2]"})
    monkeypatch.setenv("KLIMAKIT_LESSONS", str(root))
    monkeypatch.setenv("KLIMAKIT_FIRMWARE", str(firmware))
    return root


def _listed(*options: str) -> list[str]:
    result = CliRunner().invoke(cli.cli, ["lessons", "list", "--json", *options])
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.output)]


def test_list_json_has_every_lesson_with_its_data(small_library):
    rows = json.loads(CliRunner().invoke(cli.cli, ["lessons", "list", "--json"]).output)
    assert [r["id"] for r in rows] == ["hav", "lyd", LESSON]
    hav = rows[0]
    assert hav["grades"] == [8, 9] and hav["bands"] == ["udskoling"]
    assert hav["sensors"] == ["temperature"] and hav["boards"] == ["v1", "v2"]
    assert hav["title"] == "Hvor meget lys spilder vi?" and hav["lessons"] == 2


@pytest.mark.parametrize("options,expected", [
    (("--grade", "5"), [LESSON]),
    (("--grade", "9"), ["hav"]),
    (("--grade", "0"), []),
    (("--band", "indskoling"), ["lyd"]),
    (("--subject", "geografi"), ["hav"]),
    (("--subject", "Natur/Teknologi"), ["lyd", LESSON]),
    (("--sensor", "microphone"), ["lyd"]),
    (("--board", "v1"), ["hav", LESSON]),
    (("--board", "v2", "--grade", "2"), ["lyd"]),
])
def test_list_filters(small_library, options, expected):
    assert _listed(*options) == expected


def test_list_table_and_unknown_filter(small_library):
    result = CliRunner().invoke(cli.cli, ["lessons", "list"])
    assert result.exit_code == 0 and "hav" in result.output and "lyd" in result.output
    assert CliRunner().invoke(cli.cli, ["lessons", "list", "--sensor", "laser"]).exit_code == 2
    assert CliRunner().invoke(cli.cli, ["lessons", "list", "--grade", "11"]).exit_code == 2


@pytest.mark.parametrize("title", ["[red]x[/red]", "[bold]x", "x [/] y"])
def test_list_table_shows_brackets_in_a_title_as_written(small_library, monkeypatch, title):
    """rich markup in lesson text ('[red]', a lone '[/]') is shown, not applied or crashing."""
    monkeypatch.setenv("COLUMNS", "200")  # rich reads it per print: no wrapping inside the title
    path = _lesson_md(small_library, "hav")
    text = path.read_text(encoding="utf-8")
    assert "title: Hvor meget lys spilder vi?" in text
    path.write_text(text.replace("title: Hvor meget lys spilder vi?",
                                 "title: '{}'".format(title)), encoding="utf-8")
    result = CliRunner().invoke(cli.cli, ["lessons", "list"])
    assert result.exit_code == 0, result.output
    assert title in result.stdout


def test_list_skips_a_broken_lesson_and_names_it(small_library):
    path = _lesson_md(small_library, "hav")
    path.write_text("---\ntitle: [ikke lukket\n---\n")
    result = CliRunner().invoke(cli.cli, ["lessons", "list", "--json"])
    assert result.exit_code == 0
    assert [r["id"] for r in json.loads(result.stdout)] == ["lyd", LESSON]
    assert str(path) in result.stderr and "invalid YAML" in result.stderr


def test_real_library_lists(monkeypatch):
    monkeypatch.delenv("KLIMAKIT_LESSONS", raising=False)
    ids = _listed()
    assert ids == sorted(ids) and ids == [lesson.id for lesson in load_library()]


def test_boot_reports_memory_error_of_a_too_big_v1_program(tmp_path):
    """V1 compiles all of main.py in a ~10 KB heap: a big program dies before its header."""
    require_qemu()
    from kit.check import boot_lesson

    root, firmware = make_library(tmp_path)
    program = firmware / (LESSON + ".py")
    filler = "".join("def f{0}(a):\n    return a + {0}\n".format(i) for i in range(300))
    program.write_text(program.read_text().replace("presses = 0\n", filler + "presses = 0\n"))
    result = boot_lesson(load_lesson(_lesson_md(root)), firmware, timeout_s=20)
    [problem] = result.problems
    assert result.header is None and "MemoryError" in problem.message
    assert problem.path == program and "too big" in problem.message
