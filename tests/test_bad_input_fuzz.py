"""Issue 19: random front matter (hypothesis) never gives a traceback in the lesson commands.

Two kinds of input: a good lesson's front matter with random values put in, taken out or added
(every key, the experiment's keys, any YAML type), and random YAML-ish text. The loader either
refuses the file with file:line or gives a Lesson whose typed views, rules and export gate all
answer; `lessons list`, `lessons check` and both exports end with a message or a result.
"""
from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_lesson_check import LESSON, make_library

from kit.cli import cli
from kit.errors import ExportError, LessonFormatError
from kit.export.pages import refuse_invalid
from kit.lessons import (
    BANDS, SENSORS, SUBJECTS, LessonFilter, body_problems, front_matter_problems, load_lesson,
)

FUZZED = "fuzz"
KEYS = ["id", "title", "summary", "grades", "lessons", "subjects", "competences", "curriculum",
        "goals", "signs_of_learning", "materials", "safety", "context", "firmware", "boards",
        "sensors", "experiment", "licence"]
EXPERIMENT_KEYS = ["fields", "interval_s", "duration_min", "scenario"]
SCALARS = (st.none() | st.booleans() | st.integers(min_value=-10**30, max_value=10**30)
           | st.floats() | st.text(max_size=12)
           | st.sampled_from(["v1", "v2", "light", "cooling", "CC-BY-4.0", FUZZED, "[5, 6]",
                              "natur/teknologi", "\x1b[2J", "{a: 1}", "*x", "&x"]))
VALUES = st.recursive(
    SCALARS,
    lambda inner: (st.lists(inner, max_size=4)
                   | st.dictionaries(st.sampled_from(["name", "unit", "label", "subject", "area",
                                                      "topic", "a", "0"]) | st.text(max_size=6),
                                     inner, max_size=4)),
    max_leaves=12)
# Characters that make YAML interesting: indicators, quotes, anchors, tags, breaks, tabs.
YAML_TEXT = st.text(alphabet=st.sampled_from(list("abc019 :-[]{},&*!|>'\"#%@`?\n\t\\.~=+")
                                             + ["æ", "\u2028", "\x85", "é"]), max_size=160)


@pytest.fixture
def fuzz_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The good library plus lessons/fuzz (a copy of lysmaaler) for the examples to rewrite."""
    root, firmware = make_library(tmp_path)
    shutil.copytree(root / LESSON, root / FUZZED)
    monkeypatch.setenv("KLIMAKIT_LESSONS", str(root))
    monkeypatch.setenv("KLIMAKIT_FIRMWARE", str(firmware))
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path / "out")
    return root


def _good_front_matter(root: Path) -> tuple[dict[str, Any], str]:
    text = (root / LESSON / "lesson.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    meta["id"] = FUZZED
    return meta, body


@st.composite
def mutated_meta(draw: st.DrawFn, good: dict[str, Any], changes: int = 0) -> dict[str, Any]:
    """The good front matter with keys removed and at least `changes` values replaced."""
    meta = json.loads(json.dumps(good))
    for key in draw(st.sets(st.sampled_from(KEYS), max_size=3)):
        meta.pop(key, None)
    meta.update(draw(st.dictionaries(st.sampled_from(KEYS + ["farve"]), VALUES,
                                     min_size=changes, max_size=3)))
    if isinstance(meta.get("experiment"), dict):
        meta["experiment"].update(draw(st.dictionaries(st.sampled_from(EXPERIMENT_KEYS + ["x"]),
                                                       VALUES, max_size=2)))
    return meta


def _write(root: Path, front: str, body: str) -> Path:
    path = root / FUZZED / "lesson.md"
    path.write_text("---\n" + front + ("" if front.endswith("\n") else "\n") + "---\n" + body,
                    encoding="utf-8")
    return path


def _every_view_answers(path: Path) -> None:
    """Load the lesson; if it loads, every typed view, rule and the export gate answer."""
    try:
        lesson = load_lesson(path)
    except LessonFormatError as err:
        assert str(err).startswith("{}:{}: ".format(path, err.line)) and err.line >= 1
        return
    views = (lesson.title, lesson.summary, lesson.band, lesson.bands, lesson.subjects,
             lesson.competences, lesson.goals, lesson.signs_of_learning, lesson.materials,
             lesson.sensors, lesson.boards, lesson.firmware, lesson.curriculum,
             lesson.runs_on("v1"), lesson.runs_on("v2"))
    assert all(isinstance(view, (str, tuple, bool)) for view in views)
    first, last = lesson.grades
    assert isinstance(first, int) and isinstance(last, int) and lesson.lesson_count >= 1
    experiment = lesson.experiment
    assert math.isfinite(experiment.interval_s) and experiment.interval_s > 0
    assert math.isfinite(experiment.duration_min) and experiment.duration_min > 0
    assert all(isinstance(field.name, str) for field in experiment.fields)
    for wanted in (LessonFilter(grade=5), LessonFilter(band=BANDS[0][0]),
                   LessonFilter(subject=SUBJECTS[0], sensor=SENSORS[0], board="v1")):
        assert wanted.matches(lesson) in (True, False)
    problems = front_matter_problems(lesson)
    assert all(isinstance(message, str) and lesson.line_of(*where) >= 1
               for where, message in problems)
    body_problems(lesson)
    try:
        refuse_invalid(lesson)
    except ExportError as err:
        assert problems or "id" in str(err)
        assert str(err).startswith("{}:".format(lesson.path))
    else:
        assert not problems


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_front_matter_loads_or_is_refused_and_every_view_answers(fuzz_library, data):
    good, body = _good_front_matter(fuzz_library)
    if data.draw(st.booleans()):
        front = yaml.safe_dump(data.draw(mutated_meta(good)), allow_unicode=True,
                               sort_keys=False)
    else:
        front = data.draw(YAML_TEXT)
    _every_view_answers(_write(fuzz_library, front, body))


def _no_traceback(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args, repr(result.exception), result.output)
    assert "Traceback" not in result.output and result.exit_code in (0, 1), result.output
    if result.exit_code == 1 and args[0] == "export":
        assert "lesson.md:" in result.stderr, result.stderr  # names the file and the line
    return result.stdout


@settings(max_examples=75, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_front_matter_gives_no_traceback_in_list_check_and_export(fuzz_library, data):
    good, body = _good_front_matter(fuzz_library)
    if data.draw(st.integers(0, 3)):
        front = yaml.safe_dump(data.draw(mutated_meta(good, changes=1)), allow_unicode=True,
                               sort_keys=False)
    else:
        front = data.draw(YAML_TEXT)
    path = _write(fuzz_library, front, body)
    listed = json.loads(_no_traceback("lessons", "list", "--json"))
    assert LESSON in [row["id"] for row in listed]  # the good lesson always loads
    _no_traceback("lessons", "list")
    _no_traceback("lessons", "check", str(path), "--no-qemu")
    _no_traceback("export", "meebook", "-o", "pakke.zip")
    _no_traceback("export", "site", "-o", "site")
