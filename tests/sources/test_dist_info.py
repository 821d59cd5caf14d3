"""InstalledPythonSource: installed METADATA / PKG-INFO, with PEP 639 license precedence."""

from __future__ import annotations

import pytest

from osi_check.facts import EvidenceKind, Location, Role, Scope
from osi_check.sources.dist_info import InstalledPythonSource
from osi_check.tree import TreeFile

SOURCE = InstalledPythonSource()
SP = "venv/lib/python3.11/site-packages"


@pytest.fixture
def python(fixtures):
    return fixtures / "python"


def read(read_file, python, dist: str, name: str = "METADATA"):
    result = read_file(SOURCE, python, f"{SP}/{dist}/{name}")
    (component,) = result.components
    return component, result.problems


def kinds(component):
    return [(e.kind, e.location.path.rsplit("/", 1)[-1], e.location.line) for e in component.license.evidence]


def test_name():
    assert SOURCE.name == "python-installed"


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        (f"{SP}/requests-2.32.3.dist-info/METADATA", True),
        ("vendor/wheels/attrs-24.3.0.dist-info/METADATA", True),
        (f"{SP}/vobject-0.9.8-py3.11.egg-info/PKG-INFO", True),
        ("PKG-INFO", False),  # an sdist's own metadata: the project itself
        (f"{SP}/requests-2.32.3.dist-info/RECORD", False),
        ("docs/METADATA", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 10)) is handled


def test_requests_license_field_classifier_and_license_file(read_file, python):
    component, problems = read(read_file, python, "requests-2.32.3.dist-info")
    assert problems == ()
    assert (component.key, component.name, component.version) == ("pkg:pypi/requests@2.32.3", "requests", "2.32.3")
    assert (component.ecosystem, component.role, component.scope) == ("pypi", Role.DEPENDENCY, Scope.RUNTIME)
    assert component.root == f"{SP}/requests-2.32.3.dist-info"
    assert component.location == Location(f"{SP}/requests-2.32.3.dist-info/METADATA", 8)
    assert component.dependencies == ("charset-normalizer", "idna", "urllib3", "certifi")  # not the extras
    license_ = component.license
    assert (license_.expression, license_.confident, license_.conflicts) == ("Apache-2.0", True, ())
    assert kinds(component) == [(EvidenceKind.DECLARED, "METADATA", 8), (EvidenceKind.DECLARED, "METADATA", 14)]
    # the sure "License: Apache-2.0" decides: the LICENSE file is named, not identified (milliseconds saved)
    assert "license files not identified, the declaration decides: LICENSE" in license_.notes


def test_attrs_license_expression_and_pep639_license_dir(read_file, python):
    component, problems = read(read_file, python, "attrs-24.3.0.dist-info")
    assert problems == ()
    assert component.license.expression == "MIT"
    assert component.license.confident is True
    assert component.location.line == 11
    (declared,) = component.license.evidence
    assert (declared.quote, declared.detail) == ("MIT", "METADATA License-Expression (PEP 639)")
    assert component.dependencies == ()  # every Requires-Dist is for an extra


def test_pasted_license_text_in_the_license_field(read_file, python):
    component, _ = read(read_file, python, "numpy-1.26.4.dist-info")
    license_ = component.license
    # identified as a license text, with evidence lines in METADATA (the field starts at line 8)
    texts = [e for e in license_.evidence if e.kind is EvidenceKind.LICENSE_TEXT]
    assert texts[0].location.path == f"{SP}/numpy-1.26.4.dist-info/METADATA"
    assert texts[0].location.line == 11  # "Redistribution and use ..." is the field's 4th line
    assert license_.expression.startswith("BSD-3-Clause")
    assert "the 'License' field (line 8) holds a license text, identified as a file is" in license_.notes


def test_ambiguous_classifiers_are_a_choice_and_unsure(read_file, python):
    component, _ = read(read_file, python, "python_dateutil-2.9.0.post0.dist-info")
    license_ = component.license
    assert license_.expression.startswith("(BSD-3-Clause OR Apache-2.0)")
    assert license_.confident is False
    assert any("2 license classifiers are read as a choice (BSD-3-Clause OR Apache-2.0)" in n for n in license_.notes)
    quotes = [e.quote for e in license_.evidence if e.kind is EvidenceKind.DECLARED]
    assert quotes == [
        "Dual License",
        "License :: OSI Approved :: BSD License",
        "License :: OSI Approved :: Apache Software License",
    ]


def test_unsure_classifier_narrowed_by_the_license_text(read_file, python):
    component, _ = read(read_file, python, "chardet-5.2.0.dist-info")
    license_ = component.license
    # "License: LGPL" is ambiguous, "LGPLv2+" names a family; the LGPL-2.1 text decides, without a conflict
    assert license_.expression == "LGPL-2.1-only"
    assert license_.conflicts == ()
    assert license_.unknown == ()
    assert any(n.startswith("'License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)'")
               and n.endswith("LICENSE:1-511 says LGPL-2.1-only") for n in license_.notes)


def test_license_expression_disagreeing_with_a_classifier_is_a_conflict(read_file, python):
    component, problems = read(read_file, python, "crm_legacy_bridge-0.4.0.dist-info")
    metadata = f"{SP}/crm_legacy_bridge-0.4.0.dist-info/METADATA"
    assert component.license.expression == "MIT"
    assert component.license.conflicts == (
        f"MIT ({metadata}:6) disagrees with GPL-3.0-only ({metadata}:8)",
    )
    assert component.dependencies == ("lxml", "python-dateutil")
    (problem,) = problems
    assert (problem.location, problem.reader) == (Location(metadata, 13), "python-installed")
    assert problem.message.startswith(
        "crm-legacy-bridge: 'Requires-Dist: not a valid requirement!!' is not a valid requirement ("
    )


# As setuptools wrote it for `setup.py install` (a .egg-info directory; .gitignore ignores *.egg-info/, so
# the fixture is written here rather than kept under tests/fixtures).
VOBJECT_PKG_INFO = (
    "Metadata-Version: 2.1\n"
    "Name: vobject\n"
    "Version: 0.9.8\n"
    "Summary: A full-featured Python package for parsing and creating iCalendar and vCard files\n"
    "Home-page: http://eventable.github.io/vobject/\n"
    "Author: Jeffrey Harris\n"
    "Author-email: jeffrey@osafoundation.org\n"
    "Maintainer: Eventable\n"
    "Maintainer-email: dev@eventable.com\n"
    "License: Apache\n"
    "Download-URL: https://github.com/eventable/vobject/tarball/0.9.8\n"
    "Keywords: vobject,icalendar,vcard,ics,vcs,hcalendar\n"
    "Platform: any\n"
    "Classifier: Development Status :: 5 - Production/Stable\n"
    "Classifier: Environment :: Console\n"
    "Classifier: License :: OSI Approved :: Apache Software License\n"
    "Classifier: Natural Language :: English\n"
    "Classifier: Operating System :: OS Independent\n"
    "Classifier: Programming Language :: Python\n"
    "Classifier: Topic :: Text Processing\n"
    "License-File: LICENSE-2.0.txt\n"
    "Requires-Dist: python-dateutil>=2.4.0\n"
    "\n"
    "VObject\n"
    "=======\n"
)


def test_egg_info_with_classifier_only_resolution(read_file, write_tree):
    egg = f"{SP}/vobject-0.9.8-py3.11.egg-info"
    root = write_tree({f"{egg}/PKG-INFO": VOBJECT_PKG_INFO, f"{egg}/top_level.txt": "vobject\n"})
    result = read_file(SOURCE, root, f"{egg}/PKG-INFO")
    (component,) = result.components
    assert result.problems == ()
    assert component.root == egg
    assert component.location.line == 10
    assert (component.license.expression, component.license.confident) == ("Apache-2.0", False)
    assert component.license.unknown == ()
    assert [e.quote for e in component.license.evidence] == [
        "Apache", "License :: OSI Approved :: Apache Software License",
    ]
    missing = "License-File 'LICENSE-2.0.txt' is listed but not in vobject-0.9.8-py3.11.egg-info"
    assert missing in component.license.notes


def test_license_files_are_identified_when_the_declaration_is_unsure(read_file, python, tmp_path):
    # the same attrs METADATA without its License-Expression: only the file can say
    dist = python / SP / "attrs-24.3.0.dist-info"
    target = tmp_path / "site-packages" / "attrs-24.3.0.dist-info"
    (target / "licenses").mkdir(parents=True)
    (target / "licenses" / "LICENSE").write_text((dist / "licenses" / "LICENSE").read_text())
    (target / "METADATA").write_text((dist / "METADATA").read_text().replace("License-Expression: MIT\n", ""))
    result = read_file(SOURCE, tmp_path, "site-packages/attrs-24.3.0.dist-info/METADATA")
    (component,) = result.components
    assert component.license.expression == "MIT"
    (text,) = component.license.evidence
    assert (text.kind, text.location.path) == (
        EvidenceKind.LICENSE_TEXT, "site-packages/attrs-24.3.0.dist-info/licenses/LICENSE",
    )


def test_unlisted_license_file_of_an_old_wheel(read_file, write_tree):
    mit = (
        "Permission is hereby granted, free of charge, to any person obtaining a copy of this software and "
        "associated documentation files (the \"Software\"), to deal in the Software without restriction, including "
        "without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell "
        "copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the "
        "following conditions:\n\nThe above copyright notice and this permission notice shall be included in all "
        "copies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY "
        "OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS "
        "FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE "
        "LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, "
        "ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.\n"
    )
    root = write_tree({
        "lib/six-1.16.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n",
        "lib/six-1.16.0.dist-info/LICENSE": "Copyright (c) 2010-2020 Benjamin Peterson\n\n" + mit,
    })
    (component,) = read_file(SOURCE, root, "lib/six-1.16.0.dist-info/METADATA").components
    assert component.license.expression == "MIT"
    assert component.license.evidence[0].location.path == "lib/six-1.16.0.dist-info/LICENSE"


def test_unknown_license_value_is_no_license(read_file, write_tree):
    text = "Metadata-Version: 2.1\nName: legacy-crm-client\nVersion: 0.3\nLicense: UNKNOWN\nPlatform: UNKNOWN\n"
    root = write_tree({"site-packages/legacy_crm_client-0.3.dist-info/METADATA": text})
    result = read_file(SOURCE, root, "site-packages/legacy_crm_client-0.3.dist-info/METADATA")
    (component,) = result.components
    assert component.license.expression is None
    assert component.license.notes == (
        "the installed METADATA declares no license",
        "'License: UNKNOWN' (line 4) declares no license",
    )


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b"\x00\x01binary", None, "is binary"),
        (b'{"name": "requests", "version": "2.32.3"}', None, "has no 'Name' field"),
        (b"Name: not a name!\nVersion: 1\n", 1, "'Name' is not a valid package name"),
        (bytes(range(1, 256)) * 8, None, "has no 'Name' field"),
    ],
    ids=["binary", "json", "bad-name", "random"],
)
def test_garbage_is_exactly_one_problem(read_file, write_tree, content, line, message):
    path = "site-packages/x-1.0.dist-info/METADATA"
    result = read_file(SOURCE, write_tree({path: content}), path)
    assert result.components == ()
    (problem,) = result.problems
    assert problem.location == Location(path, line)
    assert message in problem.message


def test_oversized_metadata_is_not_read(read_file, write_tree):
    path = "site-packages/huge-1.0.dist-info/METADATA"
    text = "Metadata-Version: 2.1\nName: huge\nVersion: 1.0\n\n" + "x" * (3 * 1024 * 1024)
    result = read_file(SOURCE, write_tree({path: text}), path)
    assert result.components == ()
    (problem,) = result.problems
    assert "over the" in problem.message
