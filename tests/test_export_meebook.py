"""The Meebook package and the IMS Common Cartridge: layout, manifest, determinism, safety."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit import __version__
from kit.build import assemble, build_universal_hex, inline_source, universal_to_v1
from kit.cli import cli
from kit.errors import ExportError
from kit.export import export_meebook
from kit.lessons import LessonText, load_library
from kit.resources import lessons_dir

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "data" / "export"
SCRIPT_TITLE = "Lys <script>alert(1)</script> & skygge"
FORLOEB_HEADINGS = [
    "Beskrivelse", "Fag og klassetrin", "Varighed", "Fælles Mål", "Læringsmål", "Materialer",
    "Forberedelse", "Aktiviteter (forløb)", "Tegn på læring", "Evaluering", "Differentiering",
    "Lokal kobling", "Sikkerhed", "Licens",
]


def _export(export_library: Path, out: Path, fmt: str = "zip") -> zipfile.ZipFile:
    export_meebook(load_library(export_library), out, fmt=fmt)
    return zipfile.ZipFile(out)


def _text(archive: zipfile.ZipFile, name: str) -> str:
    return archive.read(name).decode("utf-8")


class _Tags(HTMLParser):
    """Collect (tag, attrs, enclosing section id) and the text of h2 headings."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None], str | None]] = []
        self.h2: list[str] = []
        self._section: str | None = None
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section":
            self._section = found.get("id") or "?"
        self.tags.append((tag, found, self._section))
        if tag == "h2":
            self._in_h2 = True
            self.h2.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._section = None
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.h2[-1] += data


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_package_has_every_file_per_lesson_and_an_honest_manifest(export_library: Path,
                                                                  tmp_path: Path):
    archive = _export(export_library, tmp_path / "pakke.zip")
    names = set(archive.namelist())
    for lesson_id in ("havvand", "skript"):
        for name in ("lesson.html", "copy-blocks.html", "elevark.html",
                     lesson_id + ".py", lesson_id + ".hex"):
            assert "{}/{}".format(lesson_id, name) in names
    assert "havvand/kurve.png" in names
    manifest = json.loads(_text(archive, "manifest.json"))
    assert manifest["klimakit_version"] == __version__
    by_id = {entry["id"]: entry for entry in manifest["lessons"]}
    assert by_id["havvand"]["title"] == "Hvor hurtigt afkøles havvand?"
    assert by_id["havvand"]["grades"] == [5, 6] and by_id["havvand"]["bands"] == ["mellemtrin"]
    assert by_id["havvand"]["subjects"] == ["natur/teknologi", "matematik"]
    assert by_id["havvand"]["competences"] == ["computationel tankegang"]
    assert by_id["havvand"]["goals"][1] == "Jeg kan aflæse en afkølingskurve."
    assert "havvand/kurve.png" in by_id["havvand"]["files"]
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == names - {"manifest.json"}
    for name, entry in listed.items():
        data = archive.read(name)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), name
        assert entry["bytes"] == len(data)


def test_same_input_gives_a_byte_identical_zip(export_library: Path, tmp_path: Path):
    """Even after the lesson files get new timestamps and the export runs elsewhere."""
    first = tmp_path / "a" / "pakke.zip"
    export_meebook(load_library(export_library), first)
    for path in export_library.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    second = tmp_path / "b" / "anden.zip"
    export_meebook(load_library(export_library), second)
    assert first.read_bytes() == second.read_bytes()
    infos = zipfile.ZipFile(first).infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_cartridge_is_deterministic_too(export_library: Path, tmp_path: Path):
    export_meebook(load_library(export_library), tmp_path / "a.imscc", fmt="imscc")
    export_meebook(load_library(export_library), tmp_path / "b.imscc", fmt="imscc")
    assert (tmp_path / "a.imscc").read_bytes() == (tmp_path / "b.imscc").read_bytes()


def test_unwritable_output_is_a_clear_error(export_library: Path, tmp_path: Path):
    (tmp_path / "en-fil.txt").write_text("x")
    result = CliRunner().invoke(cli, ["export", "meebook", "-o",
                                      str(tmp_path / "en-fil.txt" / "pakke.zip")])
    assert result.exit_code == 1 and "cannot write" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.glob("**/.export-*")) == []  # no half-written temp file left


def test_a_changed_lesson_changes_the_zip(export_library: Path, tmp_path: Path):
    """The determinism test above could pass with a zip that ignores the lessons."""
    export_meebook(load_library(export_library), tmp_path / "a.zip")
    lesson = export_library / "havvand" / "lesson.md"
    lesson.write_text(lesson.read_text().replace("Varmt vand", "Koldt vand"))
    export_meebook(load_library(export_library), tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() != (tmp_path / "b.zip").read_bytes()


def test_lesson_page_follows_the_meebook_forloeb_fields_in_order(export_library: Path,
                                                                 tmp_path: Path):
    archive = _export(export_library, tmp_path / "pakke.zip")
    headings = _parse(_text(archive, "havvand/lesson.html")).h2
    positions = [headings.index(h) for h in FORLOEB_HEADINGS]
    assert positions == sorted(positions), headings
    html = _text(archive, "havvand/lesson.html")
    assert "2 lektioner à 45 min" in html and "5.–6. klasse" in html
    assert "<style>" in html and 'rel="stylesheet"' not in html  # self-contained
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert '"Segoe UI"' in style and "&#34;" not in style and "&gt;" not in style


def test_copy_blocks_are_plain_sections_one_per_field(export_library: Path, tmp_path: Path):
    archive = _export(export_library, tmp_path / "pakke.zip")
    parsed = _parse(_text(archive, "havvand/copy-blocks.html"))
    assert ["Titel"] + FORLOEB_HEADINGS == [h for h in parsed.h2 if h in ["Titel"]
                                            + FORLOEB_HEADINGS]
    inside = [(tag, attrs) for tag, attrs, section in parsed.tags if section]
    assert inside, "no sections found"
    for tag, attrs in inside:
        assert tag not in ("script", "iframe", "style", "link"), tag
        assert "class" not in attrs and "style" not in attrs, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    assert "<script" not in _text(archive, "havvand/copy-blocks.html")


def test_images_are_inlined_in_pages_and_kept_beside_them(export_library: Path, tmp_path: Path):
    archive = _export(export_library, tmp_path / "pakke.zip")
    png = (export_library / "havvand" / "kurve.png").read_bytes()
    assert archive.read("havvand/kurve.png") == png
    for page in ("lesson.html", "copy-blocks.html"):
        html = _text(archive, "havvand/" + page)
        assert 'src="data:image/png;base64,' in html
        assert 'alt="Afkølingskurve for havvand"' in html


def test_program_runs_as_pasted_and_hex_is_universal(export_library: Path, tmp_path: Path):
    archive = _export(export_library, tmp_path / "pakke.zip")
    program = assemble(export_library.parent / "firmware" / "havvand.py")
    source = _text(archive, "havvand/havvand.py")
    assert source == inline_source(program)
    compile(source, "havvand.py", "exec")
    hex_text = _text(archive, "havvand/havvand.hex")
    assert hex_text == build_universal_hex(program)
    assert universal_to_v1(hex_text).startswith(":")


def test_script_in_lesson_text_is_escaped_everywhere(export_library: Path, tmp_path: Path):
    archive = _export(export_library, tmp_path / "pakke.zip")
    for name in ("skript/lesson.html", "skript/copy-blocks.html", "skript/elevark.html",
                 "index.html"):
        html = _text(archive, name)
        for tag, attrs, _ in _parse(html).tags:
            assert tag not in ("script", "iframe"), (name, tag)
            handlers = {k: v for k, v in attrs.items() if k.startswith("on")}
            assert set(handlers.values()) <= {"window.print()"}, (name, tag, handlers)
            assert attrs.get("src") != "x", (name, tag)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; skygge" in _text(archive, "index.html")
    manifest = json.loads(_text(archive, "manifest.json"))
    assert {e["id"]: e["title"] for e in manifest["lessons"]}["skript"] == SCRIPT_TITLE


def _lesson_with_body_line(export_library: Path, line: str) -> Path:
    """Add a copy of havvand whose Forløb has `line`; return its lesson.md."""
    folder = export_library / "extra"
    shutil.copytree(export_library / "havvand", folder)
    path = folder / "lesson.md"
    text = path.read_text().replace("id: havvand", "id: extra")
    path.write_text(text.replace("2. (30 min) Eleverne måler.\n",
                                 "2. (30 min) Eleverne måler.\n\n" + line + "\n"))
    return path


def _line_number(path: Path, needle: str) -> int:
    return next(n for n, text in enumerate(path.read_text().splitlines(), 1) if needle in text)


@pytest.mark.parametrize("target", [
    "../../etc/passwd", "/etc/passwd", "../havvand/kurve.png", "img/../../kurve.png",
    "..\\..\\kurve.png", "C:/Windows/win.ini", "file:///etc/passwd",
])
def test_asset_paths_may_not_leave_the_lesson_folder(export_library: Path, tmp_path: Path,
                                                     target: str):
    path = _lesson_with_body_line(export_library, "![kort]({})".format(target))
    with pytest.raises(ExportError) as err:
        export_meebook(load_library(export_library), tmp_path / "x.zip")
    message = str(err.value)
    assert message.startswith("{}:{}:".format(path, _line_number(path, target))), message
    assert "leaves the lesson folder" in message or "not a file in the lesson" in message
    assert not (tmp_path / "x.zip").exists()


@pytest.mark.parametrize("line", [
    "[klik](javascript:alert(1))", "[klik](JaVaScRiPt:alert(1))", "<javascript:alert(1)>",
    "[klik](vbscript:msgbox(1))", "[klik](data:text/html;base64,PHNjcmlwdD4=)",
    "![x](https://example.org/billede.png)",
])
def test_unsafe_link_targets_are_refused_with_file_and_line(export_library: Path, tmp_path: Path,
                                                            line: str):
    path = _lesson_with_body_line(export_library, line)
    with pytest.raises(ExportError, match=r"^{}:{}: ".format(
            re.escape(str(path)), _line_number(path, line))):
        export_meebook(load_library(export_library), tmp_path / "x.zip")


def test_symlink_leaving_the_folder_is_refused(export_library: Path, tmp_path: Path):
    secret = tmp_path / "hemmelig.png"
    secret.write_bytes(b"\x89PNG")
    path = _lesson_with_body_line(export_library, "![x](genvej.png)")
    (path.parent / "genvej.png").symlink_to(secret)
    with pytest.raises(ExportError, match="leaves the lesson folder"):
        export_meebook(load_library(export_library), tmp_path / "x.zip")


def test_missing_image_names_file_and_line(export_library: Path, tmp_path: Path):
    path = _lesson_with_body_line(export_library, "![x](findes-ikke.png)")
    with pytest.raises(ExportError, match=r":{}: image 'findes-ikke.png' not found".format(
            _line_number(path, "findes-ikke"))):
        export_meebook(load_library(export_library), tmp_path / "x.zip")


def test_safe_links_and_elevark_md_are_kept(export_library: Path, tmp_path: Path):
    path = _lesson_with_body_line(export_library, "[kilde](https://dmi.dk) og [data](data.csv#a) "
                                           "og [mail](mailto:a@b.dk) og [op](#forloeb)")
    (path.parent / "data.csv").write_text("tid;temp\n")
    (path.parent / "elevark.md").write_text("Ekstra opgave: ![kurve](kurve.png)\n")
    archive = _export(export_library, tmp_path / "x.zip")
    html = _text(archive, "extra/lesson.html")
    for href in ('href="https://dmi.dk"', 'href="data.csv#a"', 'href="mailto:a@b.dk"',
                 'href="#forloeb"'):
        assert href in html
    assert archive.read("extra/data.csv") == b"tid;temp\n"
    assert "Ekstra opgave" in _text(archive, "extra/elevark.html")


def test_broken_firmware_is_reported_with_the_lesson_line(export_library: Path, tmp_path: Path):
    (export_library.parent / "firmware" / "havvand.py").write_text('"""x"""\nprint(f"{1}")\n')
    with pytest.raises(ExportError, match=r"havvand/lesson.md:\d+: firmware 'havvand'"):
        export_meebook(load_library(export_library), tmp_path / "x.zip")


@pytest.mark.parametrize("bad_id", ["../../ud", "a/b", "Store Bogstaver"])
def test_a_lesson_id_that_is_not_a_plain_name_is_refused(export_library: Path, tmp_path: Path,
                                                         bad_id: str):
    path = export_library / "havvand" / "lesson.md"
    path.write_text(path.read_text().replace("id: havvand", "id: {}".format(bad_id)))
    with pytest.raises(ExportError, match=r"havvand/lesson.md:2: id "):
        export_meebook(load_library(export_library), tmp_path / "x.zip")
    assert not any(tmp_path.parent.glob("ud"))


def test_two_lessons_with_the_same_id_are_refused(export_library: Path, tmp_path: Path):
    shutil.copytree(export_library / "havvand", export_library / "kopi")
    with pytest.raises(ExportError, match="both have id 'havvand'"):
        export_meebook(load_library(export_library), tmp_path / "x.zip")


def test_export_contains_no_absolute_paths(export_library: Path, tmp_path: Path):
    out = tmp_path / "out" / "pakke.zip"
    archive = _export(export_library, out)
    forbidden = {str(tmp_path), str(Path.home()), str(ROOT), str(export_library)}
    for name in archive.namelist():
        data = archive.read(name).decode("utf-8", errors="replace")
        for path in forbidden:
            assert path not in data, (name, path)
        assert not name.startswith("/") and ".." not in name


def test_imscc_is_well_formed_and_every_reference_exists(export_library: Path, tmp_path: Path):
    archive = _export(export_library, tmp_path / "pakke.imscc", fmt="imscc")
    names = set(archive.namelist())
    root = ET.fromstring(archive.read("imsmanifest.xml"))
    ns = {"cp": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
          "lom": "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"}
    assert root.tag == "{%s}manifest" % ns["cp"]
    assert root.findtext("cp:metadata/cp:schemaversion", namespaces=ns) == "1.1.0"
    assert root.find("cp:metadata/lom:lom/lom:general/lom:title/lom:string", ns) is not None
    resources = {r.get("identifier"): r for r in root.iterfind("cp:resources/cp:resource", ns)}
    assert len(resources) == 4  # page + worksheet per lesson
    for resource in resources.values():
        assert resource.get("type") == "webcontent"
        assert resource.get("href") in names
        for file in resource.iterfind("cp:file", ns):
            assert file.get("href") in names
    top = root.findall("cp:organizations/cp:organization/cp:item", ns)
    assert len(top) == 1 and top[0].get("identifierref") is None
    refs = [i.get("identifierref") for i in top[0].iter("{%s}item" % ns["cp"])
            if i.get("identifierref")]
    assert sorted(refs) == sorted(resources)
    titles = [t.text for t in root.iter("{%s}title" % ns["cp"])]
    assert SCRIPT_TITLE in titles  # stored as text; ElementTree escaped it
    assert b"<script>" not in archive.read("imsmanifest.xml")
    assert {"http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"} - set(
        re.findall(r'xmlns(?::\w+)?="([^"]+)"', _text(archive, "imsmanifest.xml")))


def test_cli_exports_one_lesson_and_reports_bad_ids(export_library: Path, tmp_path: Path):
    runner = CliRunner()
    out = tmp_path / "en.zip"
    result = runner.invoke(cli, ["export", "meebook", "--lesson", "havvand", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    names = zipfile.ZipFile(out).namelist()
    assert "havvand/lesson.html" in names and not any(n.startswith("skript/") for n in names)
    result = runner.invoke(cli, ["export", "meebook", "--lesson", "findes-ikke", "-o", str(out)])
    assert result.exit_code == 1 and "no lesson 'findes-ikke'" in result.output
    assert "Traceback" not in result.output


def test_cli_imscc_default_name(export_library: Path, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["export", "meebook", "--format", "imscc"])
    assert result.exit_code == 0, result.output
    assert "imsmanifest.xml" in zipfile.ZipFile(tmp_path / "klimakit-meebook.imscc").namelist()


def test_cli_reports_a_garbage_lesson_file_without_traceback(export_library: Path, tmp_path: Path):
    (export_library / "stoej").mkdir()
    (export_library / "stoej" / "lesson.md").write_bytes(b"---\n\xff\xfe\x00garbage: [\n")
    result = CliRunner().invoke(cli, ["export", "meebook", "-o", str(tmp_path / "x.zip")])
    assert result.exit_code == 1
    assert "stoej/lesson.md" in result.output and "Traceback" not in result.output


def test_empty_library_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KLIMAKIT_LESSONS", str(tmp_path))
    result = CliRunner().invoke(cli, ["export", "meebook", "-o", str(tmp_path / "x.zip")])
    assert result.exit_code == 1 and "no lessons to export" in result.output


def test_real_library_exports_to_meebook_and_imscc(tmp_path: Path):
    """The lessons in lessons/ (as they are today) make a valid package."""
    lessons = load_library(lessons_dir())
    if not lessons:
        pytest.skip("the lesson library is empty")
    for fmt in ("zip", "imscc"):
        archive = _export(lessons_dir(), tmp_path / ("pakke." + fmt), fmt=fmt)
        manifest = json.loads(_text(archive, "manifest.json"))
        assert [e["id"] for e in manifest["lessons"]] == [lesson.id for lesson in sorted(
            lessons, key=lambda x: (*x.grades, x.title.lower(), x.id))]
        for entry in manifest["lessons"]:
            assert entry["page"] in archive.namelist()
            headings = _parse(_text(archive, entry["page"])).h2
            assert all(h in headings for h in FORLOEB_HEADINGS), entry["id"]
        for name in archive.namelist():
            assert str(ROOT) not in archive.read(name).decode("utf-8", errors="replace")


SAFE_TAGS = {"p", "em", "strong", "a", "img", "ul", "ol", "li", "code", "pre", "h1", "h2", "h3",
             "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "blockquote", "hr",
             "br", "s"}
SAFE_ATTRS = {"href", "src", "alt", "title", "style", "start"}
FRAGMENTS = ["<script>", "</script>", "<img src=x onerror=alert(1)>", "[a](", "![b](", ")",
             "javascript:", "JAVASCRIPT:", "data:text/html,", "kurve.png", "../", "/etc/", "\\",
             '"', "'", "<", ">", "&", "&#x3C;", "\n", "\n\n", "    ", "```", "| a | b |\n|---|---|",
             "# ", "- ", "1. ", "<https://x.dk>", "<javascript:x>", "\x00", "æøå", "%2e%2e/"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=5), max_size=25))
def test_any_lesson_text_renders_to_safe_html_or_a_clear_error(pieces: list[str]):
    """Garbage in: either an ExportError naming lesson.md, or HTML with only harmless tags."""
    lesson_file = FIXTURES / "lessons" / "havvand" / "lesson.md"
    text = LessonText(lesson_file)
    try:
        html = str(text.block("".join(pieces), 30)) + str(text.inline("".join(pieces), 5))
    except ExportError as err:
        assert str(err).startswith(str(lesson_file) + ":")
        return
    for tag, attrs, _ in _parse(html).tags:
        assert tag in SAFE_TAGS, (tag, html)
        assert set(attrs) <= SAFE_ATTRS, (attrs, html)
        for key in ("href", "src"):
            value = (attrs.get(key) or "").strip().lower()
            assert not value.startswith(("javascript", "data:text", "/", "..")), html
    assert all(a.source.parent == lesson_file.parent for a in text.assets.values())
