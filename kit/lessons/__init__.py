"""Lessons: the library of Danish lessons (lesson.md with YAML front matter), its format rules.

`load_lesson`/`load_library`/`get_lesson` read lessons (kit/lessons/library.py), through
kit/lessons/frontmatter.py, which bounds what a lesson file may make the loader do (size, YAML
aliases, nesting, pipes and devices); the format rules that `klimakit lessons check` reports
and the export enforces live in kit/lessons/rules.py (front matter) and bodyrules.py (body),
the safe Markdown (and which links a lesson may have) in kit/lessons/text.py and which files
it may carry in kit/lessons/assets.py, shared by the check and the export.
The format itself is documented in lessons/README.md.
"""
from __future__ import annotations

from kit.lessons.assets import MAX_ASSET_BYTES, Asset
from kit.lessons.frontmatter import (
    MAX_FRONT_MATTER_BYTES, MAX_LESSON_BYTES, MAX_YAML_DEPTH, MAX_YAML_VALUES, NodePath,
    read_lesson_file, split_sections,
)
from kit.lessons.bodyrules import body_problems
from kit.lessons.library import (
    BANDS, BOARD_VERSIONS, COMPETENCES, FIELD_EVENTS, LESSON_FILE, REQUIRED_SECTIONS,
    SCENARIOS, SENSOR_LABELS, SENSORS, SUBJECTS, WORKSHEET_FILE, Experiment, Field, FieldLog,
    Lesson, LessonFilter, get_lesson, lesson_paths, is_lesson_id, load_lesson, load_lessons,
    load_library, sensor_label,
)
from kit.lessons.rules import front_matter_problems
from kit.lessons.text import LessonText, TargetRefused

__all__ = [
    "BANDS", "BOARD_VERSIONS", "COMPETENCES", "LESSON_FILE", "MAX_ASSET_BYTES",
    "MAX_FRONT_MATTER_BYTES", "MAX_LESSON_BYTES", "MAX_YAML_DEPTH", "MAX_YAML_VALUES",
    "REQUIRED_SECTIONS", "SCENARIOS", "SENSOR_LABELS", "SENSORS", "SUBJECTS", "WORKSHEET_FILE",
    "Asset", "Experiment", "FIELD_EVENTS", "Field", "FieldLog", "Lesson", "LessonFilter",
    "LessonText", "NodePath", "TargetRefused",
    "body_problems", "front_matter_problems", "get_lesson", "is_lesson_id", "lesson_paths",
    "load_lesson", "load_lessons", "load_library", "read_lesson_file", "sensor_label",
    "split_sections",
]
