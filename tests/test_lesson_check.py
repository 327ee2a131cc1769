"""Lesson validation: one edit of a good fixture lesson per rule of lessons/README.md, each
reported as file:line at the exact line; the real library passes."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kit.build import MAX_SCRIPT_BYTES
from kit.build import v1_code_bytes as code_bytes
from kit.check import Problem, check_lesson, check_library, check_paths
from kit.resources import firmware_dir, lessons_dir

FIXTURES = Path(__file__).parent / "data" / "lessons"
LESSON = "lysmaaler"


def make_library(tmp_path: Path) -> tuple[Path, Path]:
    """Copy the good fixture library and its firmware (with the real firmware/lib) to tmp_path."""
    root, firmware = tmp_path / "lessons", tmp_path / "firmware"
    shutil.copytree(FIXTURES / "library", root)
    shutil.copytree(FIXTURES / "firmware", firmware)
    shutil.copytree(firmware_dir() / "lib", firmware / "lib")
    return root, firmware


def _line_of(path: Path, marker: str) -> int:
    """Line of the first (or, for 'text@N', the N-th) line containing the marker."""
    text, _, nth = marker.partition("@")
    hits = [number for number, line in
            enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if text in line]
    assert hits, "marker {!r} not in {}".format(marker, path)
    return hits[int(nth or 1) - 1]


def test_good_fixture_has_no_problems(tmp_path):
    root, firmware = make_library(tmp_path)
    assert check_library(root, firmware) == []


# (id, file edited, [(old, new)], file expected in the problem, marker of the expected line
#  (None: line 1), words the message must contain)
L, F, E = "lesson.md", "firmware", "elevark.md"
MUTATIONS = [
    ("unknown-key", L, [("licence:", "farve: blå\nlicence:")], L, "farve:", "unknown key 'farve'"),
    ("missing-key", L, [("safety: Ingen særlige risici; batteripakken må ikke blive våd.\n", "")],
     L, None, "missing key safety"),
    ("wrong-type", L, [("lessons: 2", "lessons: to")], L, "lessons: to", "lessons must be"),
    ("lessons-range", L, [("lessons: 2", "lessons: 25")], L, "lessons: 25", "1-20"),
    ("id-not-folder", L, [("id: lysmaaler", "id: lysmaler")], L, "id: lysmaler",
     "must equal the folder name"),
    ("id-syntax", L, [("id: lysmaaler", "id: Lys_Maaler")], L, "id: Lys_Maaler", "lowercase"),
    ("grade-range", L, [("grades: [4, 6]", "grades: [4, 11]")], L, "grades:", "outside 0-10"),
    ("grade-order", L, [("grades: [4, 6]", "grades: [6, 4]")], L, "grades:", "first grade 6"),
    ("grade-type", L, [("grades: [4, 6]", "grades: 4")], L, "grades:", "[first, last]"),
    ("unknown-subject", L, [("subjects: [natur/teknologi, teknologiforståelse]",
                             "subjects: [natur/teknologi, kemi]")], L, "subjects:",
     "unknown subjects 'kemi'"),
    ("unknown-competence", L, [("competences: [computationel tankegang",
                                "competences: [kodning")], L, "competences:", "'kodning'"),
    ("unknown-sensor", L, [("sensors: [light, buttons]", "sensors: [light, lysmåler]")], L,
     "sensors:", "unknown sensors 'lysmåler'"),
    ("unknown-board", L, [("boards: [v1, v2]", "boards: [v1, v3]")], L, "boards:", "'v3'"),
    ("v2-sensor-on-v1", L, [("sensors: [light, buttons]", "sensors: [light, microphone]")], L,
     "sensors:", "only on micro:bit V2"),
    ("curriculum-shape", L, [('  - {subject: teknologiforståelse, area: Modellering, topic: '
                              '"Data og sensorer"}', "  - teknologiforståelse")], L,
     "  - teknologiforståelse", "curriculum entries must be"),
    ("curriculum-subject", L, [("{subject: teknologiforståelse, area: Modellering",
                                "{subject: it, area: Modellering")], L, "{subject: it",
     "unknown subject 'it'"),
    ("curriculum-missing", L, [('area: Modellering, topic: "Data og sensorer"}',
                                "area: Modellering}")], L, "area: Modellering}", "no 'topic'"),
    ("one-goal", L, [("  - Jeg kan forklare, hvornår lyset spildes.\n", "")], L, "goals:",
     "at least 2"),
    ("one-sign", L, [("  - Eleven foreslår en regel for at slukke lyset.\n", "")], L,
     "signs_of_learning:", "at least 2"),
    ("licence", L, [("licence: CC-BY-4.0", "licence: alle rettigheder")], L, "licence:",
     "licence must be"),
    ("summary-long", L, [("summary: Eleverne", "summary: " + "Meget lang. " * 40 + "Eleverne")],
     L, "summary:", "1-3 sentences"),
    ("duplicate-key", L, [("licence: CC-BY-4.0", "licence: CC-BY-4.0\nlessons: 3")], L,
     "lessons: 3", "appears twice"),
    ("invalid-yaml", L, [("summary: Eleverne måler", "summary: Eleverne: måler")], L,
     "summary:", "invalid YAML"),
    ("no-front-matter", L, [("---\nid:", "id:")], L, None, "must start with '---'"),
    ("unclosed-front-matter", L, [("licence: CC-BY-4.0\n---", "licence: CC-BY-4.0")], L, None,
     "no closing '---'"),
    ("field-name", L, [("{name: lys,", "{name: Lys,")], L, "{name: Lys,", "field name 'Lys'"),
    ("field-twice", L, [("{name: tryk,", "{name: lys,")], L, "{name: lys, unit: stk",
     "used twice"),
    ("field-key", L, [("label: Lysniveau}", "label: Lysniveau, farve: gul}")], L,
     "label: Lysniveau, farve", "unknown field key 'farve'"),
    ("interval", L, [("interval_s: 0.2", "interval_s: 0")], L, "interval_s:", "> 0"),
    ("duration", L, [("duration_min: 40", "duration_min: -5")], L, "duration_min:", "> 0"),
    ("scenario", L, [("scenario: daylight", "scenario: solskin")], L, "scenario:",
     "unknown scenario 'solskin'"),
    ("experiment-key", L, [("scenario: daylight", "scenario: daylight\n  farve: rød")], L,
     "farve: rød", "unknown experiment key"),
    ("missing-section", L, [("## Evaluering\nGrupperne fremlægger deres graf.\n", "")], L,
     "## Elevark", "missing section '## Evaluering'"),
    ("section-order", L, [("## Evaluering", "## TMP"), ("## Elevark", "## Evaluering"),
                          ("## TMP", "## Elevark")], L, "## Elevark",
     "'## Elevark' must come after '## Evaluering'"),
    ("empty-section", L, [("Grupperne fremlægger deres graf.\n", "")], L, "## Evaluering",
     "is empty"),
    ("section-twice", L, [("## Udvidelse", "## Evaluering\nIgen.\n\n## Udvidelse")], L,
     "## Evaluering@2", "appears twice"),
    ("untimed-activities", L, [("(10 min) ", ""), ("(25 min) ", ""), ("(10 min) ", "")], L,
     "## Forløb", "needs times"),
    ("image-missing", L, [("](kurve.png)", "](mangler.png)")], L, "mangler.png", "not found"),
    ("image-leaves-folder", L, [("](kurve.png)", "](../lysmaaler/kurve.png)")], L,
     "../lysmaaler", "leaves the lesson folder"),
    ("image-absolute", L, [("](kurve.png)", "](/etc/kurve.png)")], L, "/etc/kurve",
     "leaves the lesson folder"),
    ("image-url", L, [("](kurve.png)", "](https://example.com/kurve.png)")], L, "https://",
     "works offline"),
    # Links follow the export's rules (kit.lessons.text), so the check fails where it would.
    ("link-javascript", L, [("Grupperne fremlægger deres graf.",
                             "Grupperne fremlægger [deres graf](javascript:alert%281%29).")], L,
     "javascript:", "uses 'javascript:'"),
    ("link-leaves-folder", L, [("Grupperne fremlægger deres graf.",
                                "Se [forrige lektion](../afkoeling/lesson.md).")], L,
     "../afkoeling", "leaves the lesson folder"),
    ("worksheet-link-file", E, [("](kurve.png)", "](kurve.png) [noter](file:///etc/passwd)")],
     E, "file:///etc", "uses 'file:'"),
    ("worksheet-image", E, [("](kurve.png)", "](billeder/mangler.png)")], E, "billeder/mangler",
     "not found"),
    ("firmware-missing", L, [("firmware: lysmaaler", "firmware: findes_ikke")], L,
     "firmware: findes_ikke", "not found"),
    ("firmware-path", L, [("firmware: lysmaaler", "firmware: ../lysmaaler")], L,
     "firmware: ../", "no folders"),
    ("f-string", F, [("        presses += 1", '        presses += 1\n        print(f"{presses}")')],
     F, 'print(f"', "f-strings"),
    ("walrus", F, [("    send((display", "    if (n := 1):\n        pass\n    send((display")], F,
     "(n := 1)", "':='"),
    ("syntax-error", F, [("while True:", "while True")], F, "while True", "syntax error"),
    ("no-docstring", F, [('"""Lysmåler (test fixture): prints the light level and button A '
                          'presses as klimakit data lines."""\n', "")], F, None, "docstring"),
    ("no-begin", F, [('begin("lysmaaler", ("lys", "tryk"), ("lvl", "stk"))\n', "")], F, None,
     "never calls begin"),
    ("begin-fields", F, [('("lys", "tryk")', '("lys", "knap")')], F, "begin(",
     "declares fields (lys, knap)"),
    ("begin-order", F, [('("lys", "tryk")', '("tryk", "lys")')], F, "begin(", "same order"),
    ("begin-lesson", F, [('begin("lysmaaler"', 'begin("lys"')], F, "begin(", "names lesson 'lys'"),
    ("begin-not-literal", F, [('begin("lysmaaler", ("lys", "tryk")',
                               'NAMES = ("lys", "tryk")\nbegin("lysmaaler", NAMES')], F,
     "begin(", "spelled out"),
    ("begin-units-count", F, [('("lvl", "stk")', '("lvl",)')], F, "begin(", "2 field names but 1"),
    ("begin-units-ascii", F, [('("lvl", "stk")', '("lvl", "°C")')], F, "begin(", "plain ASCII"),
    ("too-big", F, [("presses = 0", "presses = 0\n" + "# fyld\n" * (MAX_SCRIPT_BYTES // 7))], F,
     None, "too large"),
]


@pytest.mark.parametrize("kind,edited,edits,where,marker,words", MUTATIONS,
                         ids=[m[0] for m in MUTATIONS])
def test_each_broken_rule_is_reported_at_its_line(tmp_path, kind, edited, edits, where, marker,
                                                  words):
    root, firmware = make_library(tmp_path)
    files = {L: root / LESSON / L, E: root / LESSON / E, F: firmware / (LESSON + ".py")}
    text = files[edited].read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    files[edited].write_text(text, encoding="utf-8")
    expected_path = files[where]
    expected_line = _line_of(expected_path, marker) if marker else 1

    problems = check_library(root, firmware)

    hits = [p for p in problems if words in p.message]
    assert hits, "no problem mentions {!r}: {}".format(words, [str(p) for p in problems])
    assert any(p.path.resolve() == expected_path.resolve() and p.line == expected_line
               for p in hits), [str(p) for p in hits]
    assert any(str(p).startswith("{}:{}: ".format(expected_path, expected_line)) for p in hits)
    assert not any(p.warning for p in hits)


def test_v2_only_lesson_may_use_f_strings_but_must_parse(tmp_path):
    root, firmware = make_library(tmp_path)
    lesson, program = root / LESSON / L, firmware / (LESSON + ".py")
    lesson.write_text(lesson.read_text().replace("boards: [v1, v2]", "boards: [v2]"))
    program.write_text(program.read_text().replace(
        "        presses += 1", '        presses += 1\n        print(f"{presses}")'))
    assert check_library(root, firmware) == []
    program.write_text(program.read_text().replace("while True:", "while True"))
    [problem] = check_library(root, firmware)
    assert problem.path == program and "syntax error" in problem.message
    assert problem.line == _line_of(program, "while True")


def test_v1_code_size_is_a_warning_with_the_byte_count(tmp_path):
    root, firmware = make_library(tmp_path)
    program = firmware / (LESSON + ".py")
    filler = "".join("v{} = {}\n".format(i, i) for i in range(400))  # ~3.6 KB of real code
    program.write_text(program.read_text().replace("presses = 0\n", "presses = 0\n" + filler))
    [problem] = check_library(root, firmware)
    assert problem.warning and problem.path == program and problem.line == 1
    assert str(problem).startswith("{}:1: warning: ".format(program))
    assert int(problem.message.split()[0]) > 3000


def test_code_bytes_ignores_comments_and_blank_lines():
    source = "x = 1  # note\n\n# only a comment\n   \ny = '#'\n"
    assert code_bytes(source) == len("x = 1\ny = '#'\n")


@pytest.mark.parametrize("garbage", [b"\xff\xfe\x00binary\x80noise", b"---\nid: lysm", b"",
                                     b"---\n- just\n- a list\n---\n"],
                         ids=["binary", "truncated", "empty", "list"])
def test_garbage_lesson_files_are_problems_at_line_1_or_2(tmp_path, garbage):
    root, firmware = make_library(tmp_path)
    path = root / LESSON / L
    path.write_bytes(garbage)
    problems = check_lesson(path, firmware)
    assert len(problems) == 1 and problems[0].path == path and problems[0].line in (1, 2)


def test_folder_without_lesson_and_empty_library(tmp_path):
    root, firmware = make_library(tmp_path)
    (root / "tom").mkdir()
    [problem] = check_library(root, firmware)
    assert problem.path == root / "tom" and "no lesson.md" in problem.message
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no lessons found" in check_library(empty, firmware)[0].message


def test_check_paths_accepts_file_folder_and_library(tmp_path):
    root, firmware = make_library(tmp_path)
    for path in (root, root / LESSON, root / LESSON / L):
        found, problems = check_paths([path], firmware)
        assert found == [root / LESSON / L] and problems == []


def test_problem_renders_as_file_line_message():
    assert str(Problem(Path("a/lesson.md"), 7, "x")) == "a/lesson.md:7: x"
    assert str(Problem(Path("f.py"), 1, "big", warning=True)) == "f.py:1: warning: big"


def test_real_library_passes_check():
    """The shipped library (lessons/ + firmware/) must pass every static rule."""
    problems = check_library(lessons_dir(), firmware_dir())
    assert [str(p) for p in problems if not p.warning] == []
