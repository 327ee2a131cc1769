"""IMS Common Cartridge 1.1 from the Meebook package (docs/publishing.md §1.6).

CC is the base of the Danish DK-Cartridge profile that læringsplatforme were specified to
exchange, and Moodle, Canvas and others import it. Each lesson becomes a folder item with two
webcontent resources (the forløb page, with the program files, and the worksheet).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from kit.export.bundle import Bundle
from kit.export.pages import LessonPage
from kit.export.templating import EXPORT_LANGUAGE
from kit.i18n import N_, use_language
from kit.i18n import gettext as _

MANIFEST_NAME = "imsmanifest.xml"
NS_CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
NS_LOM_MANIFEST = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = " ".join((
    NS_CP, "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd",
    NS_LOM_MANIFEST, "http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd",
))
PACK_TITLE = N_("klimakit: climate and technology with micro:bit")
PACK_DESCRIPTION = N_("Lessons for the folkeskole in which the pupils measure the climate with "
                      "BBC micro:bit and change the programs themselves. Teacher's guides, "
                      "worksheets and programs.")


def _ident(prefix: str, lesson_id: str) -> str:
    """An XML ID (NCName): lesson ids may contain '-', which is fine, but not start with a digit."""
    return "{}_{}".format(prefix, re.sub(r"[^A-Za-z0-9_.-]", "_", lesson_id))


def _lom(parent: ET.Element, title: str, description: str) -> None:
    lom = ET.SubElement(parent, "{%s}lom" % NS_LOM_MANIFEST)
    general = ET.SubElement(lom, "{%s}general" % NS_LOM_MANIFEST)
    for tag, text in (("title", title), ("description", description)):
        holder = ET.SubElement(general, "{%s}%s" % (NS_LOM_MANIFEST, tag))
        string = ET.SubElement(holder, "{%s}string" % NS_LOM_MANIFEST, language="da")
        string.text = text
    language = ET.SubElement(general, "{%s}language" % NS_LOM_MANIFEST)
    language.text = "da"


def imsmanifest(pages: Sequence[LessonPage], bundle: Bundle) -> str:
    """Return imsmanifest.xml listing every lesson page and the files each one uses."""
    ET.register_namespace("", NS_CP)
    ET.register_namespace("lomimscc", NS_LOM_MANIFEST)
    ET.register_namespace("xsi", NS_XSI)
    cp = "{%s}" % NS_CP
    root = ET.Element(cp + "manifest", {"identifier": "M_klimakit",
                                        "{%s}schemaLocation" % NS_XSI: SCHEMA_LOCATION})
    metadata = ET.SubElement(root, cp + "metadata")
    ET.SubElement(metadata, cp + "schema").text = "IMS Common Cartridge"
    ET.SubElement(metadata, cp + "schemaversion").text = "1.1.0"
    _lom(metadata, _(PACK_TITLE), _(PACK_DESCRIPTION))
    organizations = ET.SubElement(root, cp + "organizations")
    organization = ET.SubElement(organizations, cp + "organization",
                                 {"identifier": "O_1", "structure": "rooted-hierarchy"})
    top = ET.SubElement(organization, cp + "item", {"identifier": "I_root"})
    resources = ET.SubElement(root, cp + "resources")
    for page in pages:
        folder = ET.SubElement(top, cp + "item", {"identifier": _ident("I", page.id)})
        ET.SubElement(folder, cp + "title").text = page.title
        sheet = "{}/elevark.html".format(page.id)
        lesson_files = [n for n in bundle.names() if n.startswith(page.id + "/") and n != sheet]
        for kind, title, href, files in (
            ("lesson", _("Teacher's guide: {title}").format(title=page.title),
             page.id + "/lesson.html", lesson_files),
            ("sheet", _("Worksheet: {title}").format(title=page.title), sheet, [sheet]),
        ):
            resource_id = _ident("R_" + kind, page.id)
            item = ET.SubElement(folder, cp + "item", {"identifier": _ident("I_" + kind, page.id),
                                                       "identifierref": resource_id})
            ET.SubElement(item, cp + "title").text = title
            resource = ET.SubElement(resources, cp + "resource", {
                "identifier": resource_id, "type": "webcontent", "href": href})
            for name in [href] + [n for n in files if n != href]:
                ET.SubElement(resource, cp + "file", {"href": name})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def add_imsmanifest(bundle: Bundle, pages: Sequence[LessonPage]) -> None:
    """Turn a Meebook bundle into a cartridge by adding imsmanifest.xml at its root."""
    with use_language(EXPORT_LANGUAGE):  # the cartridge's titles, like its pages
        bundle.add(MANIFEST_NAME, imsmanifest(pages, bundle))
