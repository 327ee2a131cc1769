"""The rules of lessons/README.md for one lesson's front matter (the body: bodyrules.py).

Front-matter rules return (node path, message); kit.check turns the path into a line with
Lesson.line_of, so a problem points at the key or list item to fix. The rules take any value
YAML can give (tests/test_bad_input_fuzz.py feeds them random ones) and never raise.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from kit.i18n import gettext as _
from kit.i18n import ngettext
from kit.lessons.frontmatter import NodePath
from kit.lessons.library import (
    BOARD_VERSIONS, COMPETENCES, FIELD_EVENTS, SCENARIOS, SENSORS, SUBJECTS, Lesson,
    is_lesson_id,
)

Issue = tuple[NodePath, str]
LICENCES = ("CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0")
V2_ONLY_SENSORS = ("microphone", "logo-touch", "speaker")
MAX_SUMMARY_CHARS = 400
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _text(value: Any, path: NodePath) -> list[Issue]:
    if not isinstance(value, str) or not value.strip():
        return [(path, _("{key} must be a non-empty text").format(key=path[-1]))]
    return []


def _texts(minimum: int, known: tuple[str, ...] = ()) -> Callable[[Any, NodePath], list[Issue]]:
    def rule(value: Any, path: NodePath) -> list[Issue]:
        if not isinstance(value, list):
            return [(path, _("{key} must be a list, e.g. [{example}]").format(
                key=path[-1], example=known[0] if known else "..."))]
        issues: list[Issue] = []
        if len(value) < minimum:
            issues.append((path, ngettext("{key} needs at least {minimum} entry, has {count}",
                                          "{key} needs at least {minimum} entries, has {count}",
                                          minimum).format(key=path[-1], minimum=minimum,
                                                          count=len(value))))
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                issues.append((path + (index,), _("{key} entries must be texts").format(
                    key=path[-1])))
            elif known and item not in known:
                issues.append((path + (index,), _("unknown {key} {value!r}; use one of: {known}")
                               .format(key=path[-1], value=item, known=", ".join(known))))
            elif item in value[:index]:
                issues.append((path + (index,), _("{value!r} is listed twice").format(
                    value=item)))
        return issues

    return rule


def _id(value: Any, path: NodePath) -> list[Issue]:
    if not isinstance(value, str) or not is_lesson_id(value):
        return [(path, _("id {value!r} must be lowercase letters, digits and '-' (e.g. "
                         "'afkoeling')").format(value=value))]
    return []


def _grades(value: Any, path: NodePath) -> list[Issue]:
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(g, int) and not isinstance(g, bool) for g in value)):
        return [(path, _("grades must be [first, last] grade as two whole numbers, e.g. "
                         "[5, 6]"))]
    issues: list[Issue] = []
    for index, grade in enumerate(value):
        if not 0 <= grade <= 10:
            issues.append((path + (index,), _("grade {grade} is outside 0-10 (0 = "
                                              "børnehaveklasse)").format(grade=grade)))
    if value[0] > value[1]:
        issues.append((path, _("first grade {first} is after last grade {last}").format(
            first=value[0], last=value[1])))
    return issues


def _lesson_count(value: Any, path: NodePath) -> list[Issue]:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 20:
        return [(path, _("lessons must be the number of 45-minute lessons, 1-20, not "
                         "{value!r}").format(value=value))]
    return []


def _summary(value: Any, path: NodePath) -> list[Issue]:
    if isinstance(value, str) and len(value) > MAX_SUMMARY_CHARS:
        return [(path, _("summary is {count} characters; keep it to 1-3 sentences (at most "
                         "{most})").format(count=len(value), most=MAX_SUMMARY_CHARS))]
    return _text(value, path)


def _curriculum(value: Any, path: NodePath) -> list[Issue]:
    if not isinstance(value, list) or not value:
        return [(path, _("curriculum must be a list of subject, area and topic"))]
    issues: list[Issue] = []
    for index, entry in enumerate(value):
        where = path + (index,)
        if not isinstance(entry, dict):
            issues.append((where, _("curriculum entries must be mappings of subject: ..., "
                                    "area: ..., topic: ...")))
            continue
        for key in entry:
            if key not in ("subject", "area", "topic"):
                issues.append((where + (str(key),), _("unknown curriculum key {key!r} (use "
                                                      "subject, area, topic)").format(key=key)))
        for key in ("subject", "area", "topic"):
            if key not in entry:
                issues.append((where, _("curriculum entry has no {key!r}").format(key=key)))
            else:
                issues += _text(entry[key], where + (key,))
        subject = entry.get("subject")
        if isinstance(subject, str) and subject.strip() and subject not in SUBJECTS:
            issues.append((where + ("subject",), _("unknown subject {value!r}; use one of: "
                                                   "{known}").format(value=subject,
                                                                     known=", ".join(SUBJECTS))))
    return issues


def _licence(value: Any, path: NodePath) -> list[Issue]:
    if value not in LICENCES:
        return [(path, _("licence must be one of {known}, not {value!r}").format(
            known=", ".join(LICENCES), value=value))]
    return []


def _positive(value: Any, path: NodePath) -> list[Issue]:
    if (not isinstance(value, (int, float)) or isinstance(value, bool)
            or not math.isfinite(value) or value <= 0):
        return [(path, _("{key} must be a number > 0, not {value!r}").format(key=path[-1],
                                                                            value=value))]
    return []


def _field(entry: Any, where: NodePath, earlier: list[str | None]) -> list[Issue]:
    if not isinstance(entry, dict):
        return [(where, _("each field must be a mapping of name: ..., unit: ..., label: ..."))]
    issues = [(where + (str(k),), _("unknown field key {key!r} (use name, unit, label)").format(
        key=k)) for k in entry if k not in ("name", "unit", "label")]
    name = entry.get("name")
    if not isinstance(name, str) or not FIELD_NAME.match(name):
        issues.append((where + ("name",), _("field name {name!r} must be lowercase ASCII "
                                            "letters, digits and '_', starting with a letter")
                       .format(name=name)))
    elif name in earlier:
        issues.append((where + ("name",), _("field name {name!r} is used twice").format(
            name=name)))
    if not isinstance(entry.get("unit", ""), str):
        issues.append((where + ("unit",), _("unit must be a text (quote it: \"°C\")")))
    issues += _text(entry.get("label"), where + ("label",))
    return issues


def _experiment(value: Any, path: NodePath) -> list[Issue]:
    if not isinstance(value, dict):
        return [(path, _("experiment must be a mapping with fields, interval_s, duration_min, "
                         "scenario"))]
    issues: list[Issue] = [(path + (str(k),), _("unknown experiment key {key!r}").format(key=k))
                           for k in value if k not in EXPERIMENT_RULES]
    for key, rule in EXPERIMENT_RULES.items():
        if key not in value:
            issues.append((path, _("experiment has no {key!r}").format(key=key)))
        else:
            issues += rule(value[key], path + (key,))
    return issues


def _fields(value: Any, path: NodePath) -> list[Issue]:
    if not isinstance(value, list) or not value:
        return [(path, _("fields must be a list of name, unit and label, one per value the "
                         "program sends"))]
    issues: list[Issue] = []
    names: list[str | None] = []  # None for an entry that is not a mapping
    for index, entry in enumerate(value):
        issues += _field(entry, path + (index,), names)
        names.append(entry.get("name") if isinstance(entry, dict) else None)
    return issues


def _scenario(value: Any, path: NodePath) -> list[Issue]:
    if value not in SCENARIOS:
        return [(path, _("unknown scenario {value!r}; use one of: {known}").format(
            value=value, known=", ".join(SCENARIOS)))]
    return []


EXPERIMENT_RULES: dict[str, Callable[[Any, NodePath], list[Issue]]] = {
    "fields": _fields, "interval_s": _positive, "duration_min": _positive, "scenario": _scenario,
}


def _field_log(value: Any, path: NodePath) -> list[Issue]:
    if not isinstance(value, dict):
        return [(path, _("field_log must be a mapping (event, interval_s, serial), e.g. "
                         "{{event: a}}"))]
    issues: list[Issue] = [(path + (str(k),), _("unknown field_log key {key!r} (use event, "
                                              "interval_s, serial)").format(key=k))
                           for k in value if k not in ("event", "interval_s", "serial")]
    event = value.get("event", "a")
    if not isinstance(event, str) or not (event in FIELD_EVENTS or FIELD_NAME.match(event)):
        issues.append((path + ("event",), _("field_log.event must be a, b, none or the name "
                                            "of a field, not {value!r}").format(value=event)))
    if "interval_s" in value:
        interval = value["interval_s"]
        if (not isinstance(interval, (int, float)) or isinstance(interval, bool)
                or not math.isfinite(interval) or interval < 0):
            issues.append((path + ("interval_s",), _("field_log.interval_s must be a number "
                                                     "≥ 0, not {value!r}").format(value=interval)))
    if not isinstance(value.get("serial", True), bool):
        issues.append((path + ("serial",), _("field_log.serial must be true or false")))
    return issues


def _field_event(meta: dict[str, Any]) -> list[Issue]:
    """An event named by a field must be one of the experiment's fields."""
    raw, experiment = meta.get("field_log"), meta.get("experiment")
    event = raw.get("event") if isinstance(raw, dict) else None
    if (not isinstance(event, str) or event in FIELD_EVENTS or not FIELD_NAME.match(event)
            or not isinstance(experiment, dict) or not isinstance(experiment.get("fields"), list)):
        return []
    names = [f.get("name") for f in experiment["fields"] if isinstance(f, dict)]
    if event in names:
        return []
    return [(("field_log", "event"), _("field_log.event {value!r} is not one of the "
                                       "experiment's fields ({fields})").format(
                                           value=event, fields=", ".join(str(n) for n in names)))]


OPTIONAL_RULES: dict[str, Callable[[Any, NodePath], list[Issue]]] = {"field_log": _field_log}
RULES: dict[str, Callable[[Any, NodePath], list[Issue]]] = {
    "id": _id, "title": _text, "summary": _summary, "grades": _grades, "lessons": _lesson_count,
    "subjects": _texts(1, SUBJECTS), "competences": _texts(1, COMPETENCES),
    "curriculum": _curriculum, "goals": _texts(2), "signs_of_learning": _texts(2),
    "materials": _texts(1), "safety": _text, "context": _text, "firmware": _text,
    "boards": _texts(1, BOARD_VERSIONS), "sensors": _texts(1, SENSORS),
    "experiment": _experiment, "licence": _licence,
}


def front_matter_problems(lesson: Lesson) -> list[Issue]:
    """Every front-matter rule: keys known and present, types, vocabularies, id = folder."""
    meta = lesson.meta
    issues: list[Issue] = [((str(key),), _("unknown key {key!r} (known: {known})").format(
        key=key, known=", ".join(list(RULES) + list(OPTIONAL_RULES)))) for key in meta
        if key not in RULES and key not in OPTIONAL_RULES]
    issues += [(where, _("key {key!r} appears twice; YAML keeps only the last (line {line})")
                .format(key=".".join(str(part) for part in where), line=line))
               for where, line in lesson.duplicate_keys]
    missing = [key for key in RULES if key not in meta]
    if missing:
        issues.append(((), ngettext("missing key {keys} (see lessons/README.md)",
                                    "missing keys {keys} (see lessons/README.md)",
                                    len(missing)).format(keys=", ".join(missing))))
    for key, rule in list(RULES.items()) + list(OPTIONAL_RULES.items()):
        if key in meta:
            issues += rule(meta[key], (key,))
    issues += _field_event(meta)
    if isinstance(meta.get("id"), str) and meta["id"] != lesson.folder.name:
        issues.append((("id",), _("id {value!r} must equal the folder name {folder!r}").format(
            value=meta["id"], folder=lesson.folder.name)))
    sensors, boards = meta.get("sensors"), meta.get("boards")
    if isinstance(sensors, list) and isinstance(boards, list) and "v1" in boards:
        for index, sensor in enumerate(sensors):
            if sensor in V2_ONLY_SENSORS:
                issues.append((("sensors", index), _("{sensor} exists only on micro:bit V2; set "
                                                     "'boards: [v2]'").format(sensor=sensor)))
    return issues
