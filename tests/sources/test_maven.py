"""MavenPomSource: pom.xml and repository .pom files, parsed with defusedxml and never built."""

from __future__ import annotations

import pytest

from osi_check import licensing
from osi_check.facts import EvidenceKind, InputProblem, Location, Role, Scope
from osi_check.sources.maven import CHOICE_NOTE, NO_DEPENDENCY_LICENSE, MavenPomSource
from osi_check.tree import Tree, TreeFile

SOURCE = MavenPomSource()
APP, DEP = Role.APPLICATION, Role.DEPENDENCY
R, O, D, T = Scope.RUNTIME, Scope.OPTIONAL, Scope.DEV, Scope.TEST
JNA = "lib/jna-5.14.0/META-INF/maven/net.java.dev.jna/jna/pom.xml"
JACKSON = "lib/jackson-databind-2.17.1/META-INF/maven/com.fasterxml.jackson.core/jackson-databind/pom.xml"
LOGBACK = "lib/logback-classic-1.5.6/META-INF/maven/ch.qos.logback/logback-classic/pom.xml"

# Declared-string aliases this reader needs from rules/knowledge/declared-aliases.yaml (owned elsewhere;
# proposed in the hand-over). Tests that depend on them install them for the test only.
@pytest.fixture
def platform(fixtures):
    return fixtures / "maven" / "crm-platform"


@pytest.fixture
def hostile(fixtures):
    return fixtures / "maven" / "hostile"


def rows(result):
    return [(c.key, c.role, c.scope, c.version, c.location.line, c.direct) for c in result.components]


def read_text(write_tree, text: str, name: str = "pom.xml"):
    root = write_tree({name: text})
    return SOURCE.read(Tree(root), TreeFile(name, len(text)))


def test_name_and_examples():
    assert SOURCE.name == "maven"
    assert all(SOURCE.handles(TreeFile(path, 1)) for path in SOURCE.examples)


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("pom.xml", True),
        ("crm-web/pom.xml", True),
        (JNA, True),
        ("m2/repository/junit/junit/4.13.2/junit-4.13.2.pom", True),
        ("crm-web/target/classes/META-INF/maven/com.acme.crm/crm-web/pom.xml", False),
        ("webapps/crm/WEB-INF/classes/META-INF/maven/com.acme.crm/crm-web/pom.xml", False),
        ("crm-maven-plugin/src/it/simple-project/pom.xml", False),
        ("crm-maven-plugin/src/test/resources/unit/pom.xml", False),
        ("pom.properties", False),
        (".pom", False),
        ("build.gradle", False),
    ],
)
def test_handles(path, handled):
    assert SOURCE.handles(TreeFile(path, 1)) is handled


def test_parent_pom_with_its_own_test_dependency(read_file, platform):
    result = read_file(SOURCE, platform, "pom.xml")
    assert result.problems == ()
    assert rows(result) == [
        ("pkg:maven/com.acme.crm/crm-platform@2.3.0", APP, R, "2.3.0", 21, None),
        # version from this pom's own <dependencyManagement>, through its <properties>
        ("pkg:maven/org.junit.jupiter/junit-jupiter@5.10.2", DEP, T, "5.10.2", 57, True),
    ]
    project = result.components[0]
    assert (project.name, project.root, project.purl) == ("com.acme.crm:crm-platform", ".", project.key)
    assert project.license.expression == "AGPL-3.0-or-later"
    (evidence,) = project.license.evidence
    assert (evidence.kind, evidence.location, evidence.quote) == (
        EvidenceKind.DECLARED, Location("pom.xml", 22), "AGPL-3.0-or-later"
    )
    assert evidence.detail == "pom.xml <license><name>"
    assert project.dependencies == ("org.junit.jupiter:junit-jupiter",)


def test_module_inherits_coordinates_and_licenses_from_the_parent(read_file, platform):
    result = read_file(SOURCE, platform, "crm-core/pom.xml")
    assert result.problems == ()
    assert rows(result) == [
        ("pkg:maven/com.acme.crm/crm-core@2.3.0", APP, R, "2.3.0", 2, None),
        ("pkg:maven/com.fasterxml.jackson.core/jackson-databind", DEP, R, None, 22, True),
        ("pkg:maven/org.postgresql/postgresql", DEP, R, None, 27, True),
        ("pkg:maven/com.google.guava/guava@33.2.0-jre", DEP, O, "33.2.0-jre", 32, True),
        ("pkg:maven/org.projectlombok/lombok@1.18.32", DEP, D, "1.18.32", 38, True),
        ("pkg:maven/net.java.dev.jna/jna@5.14.0", DEP, R, "5.14.0", 44, True),
        ("pkg:maven/org.junit.jupiter/junit-jupiter", DEP, T, None, 49, True),
    ]
    module = result.components[0]
    assert (module.name, module.root) == ("com.acme.crm:crm-core", "crm-core")
    assert module.license.expression == "AGPL-3.0-or-later"
    (evidence,) = module.license.evidence
    assert evidence.location == Location("pom.xml", 22)  # the parent's <license>, where it is written
    assert evidence.detail == "parent pom.xml <license><name>"
    assert "no <licenses> in this pom: inherited from the parent pom pom.xml, as Maven does" in module.license.notes


def test_dependency_notes_say_why_a_version_or_scope_is_what_it_is(read_file, platform):
    deps = {c.name: c for c in read_file(SOURCE, platform, "crm-core/pom.xml").components[1:]}
    for dep in deps.values():
        assert dep.license.expression is None
        assert NO_DEPENDENCY_LICENSE in dep.license.notes
        assert dep.ecosystem == "maven"
    assert any("${jackson.version}" in n and "not defined in this pom" in n
               for n in deps["com.fasterxml.jackson.core:jackson-databind"].license.notes)
    assert any(n.startswith("no <version>") for n in deps["org.postgresql:postgresql"].license.notes)
    assert any("provided" in n and "not shipped" in n for n in deps["org.projectlombok:lombok"].license.notes)
    assert any("<optional>true</optional>" in n for n in deps["com.google.guava:guava"].license.notes)


def test_project_version_and_group_references_resolve(read_file, platform):
    result = read_file(SOURCE, platform, "crm-web/pom.xml")
    assert result.problems == ()
    assert rows(result) == [
        ("pkg:maven/com.acme.crm/crm-web@2.3.0", APP, R, "2.3.0", 2, None),
        ("pkg:maven/com.acme.crm/crm-core@2.3.0", DEP, R, "2.3.0", 17, True),
        ("pkg:maven/org.springframework.boot/spring-boot-starter-web", DEP, R, None, 22, True),
        ("pkg:maven/jakarta.servlet/jakarta.servlet-api@6.0.0", DEP, D, "6.0.0", 26, True),
        ("pkg:maven/ch.qos.logback/logback-classic", DEP, R, None, 32, True),
    ]


def test_packaged_library_pom_with_two_licenses_is_a_choice(read_file, platform):
    (jna,) = read_file(SOURCE, platform, JNA).components
    assert (jna.key, jna.role, jna.root, jna.direct) == ("pkg:maven/net.java.dev.jna/jna@5.14.0", DEP, None, None)
    assert jna.license.expression == "LGPL-2.1-or-later OR Apache-2.0"
    assert CHOICE_NOTE in jna.license.notes
    assert [(e.location.line, e.quote) for e in jna.license.evidence] == [(15, "LGPL-2.1-or-later"), (20, "Apache-2.0")]
    assert jna.location == Location(JNA, 14)


def test_library_pom_inherits_group_and_version_from_its_parent(read_file, platform):
    (logback,) = read_file(SOURCE, platform, LOGBACK).components
    assert logback.key == "pkg:maven/ch.qos.logback/logback-classic@1.5.6"
    assert logback.license.expression is None
    assert logback.license.notes == (
        "no <licenses> in this pom; Maven would inherit them from the parent ch.qos.logback:logback-parent:1.5.6, "
        "which is not in the scanned tree",
    )
    assert logback.dependencies == ("ch.qos.logback:logback-core", "org.slf4j:slf4j-api")


def test_license_name_read_from_the_alias_table(read_file, platform):
    (jackson,) = read_file(SOURCE, platform, JACKSON).components
    assert jackson.license.expression == "Apache-2.0"
    (evidence,) = jackson.license.evidence
    assert evidence.quote == "The Apache Software License, Version 2.0"
    assert evidence.location == Location(JACKSON, 23)


def test_license_url_is_tried_when_the_name_is_not_known(write_tree):
    pom = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>widget</artifactId>
  <version>1.0.0</version>
  <licenses>
    <license>
      <name>Widget Corp Standard Terms</name>
      <url>https://www.apache.org/licenses/LICENSE-2.0.txt</url>
    </license>
  </licenses>
</project>
"""
    (widget,) = read_text(write_tree, pom).components
    assert widget.license.expression == "Apache-2.0"
    (evidence,) = widget.license.evidence
    assert evidence.quote == "https://www.apache.org/licenses/LICENSE-2.0.txt"
    assert "'Widget Corp Standard Terms' is not a known license name" in evidence.detail
    assert evidence.location == Location("pom.xml", 8)


def test_free_text_license_name_is_one_unknown_with_its_raw_text(write_tree):
    text = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <groupId>com.acme</groupId><artifactId>crm-addon</artifactId><version>1.0</version>
  <licenses>
    <license><name>ACME Commercial License v3 or later</name><url>https://acme.example/eula</url></license>
  </licenses>
</project>"""
    (component,) = read_text(write_tree, text).components
    # not split at its "or" into two unknown "licenses"
    assert component.license.expression == "LicenseRef-osi-check-unknown-ACME-Commercial-License-v3-or-later"
    assert component.license.unknown == ("ACME Commercial License v3 or later",)
    assert component.license.notes[0] == (
        "the Maven license name 'ACME Commercial License v3 or later' is not a known license "
        "nor its URL https://acme.example/eula"
    )


def test_repository_poms_are_dependencies(read_file, fixtures):
    m2 = fixtures / "maven" / "m2"
    (pg,) = read_file(SOURCE, m2, "repository/org/postgresql/postgresql/42.7.3/postgresql-42.7.3.pom").components
    assert (pg.key, pg.role) == ("pkg:maven/org.postgresql/postgresql@42.7.3", DEP)
    assert pg.license.expression == "BSD-2-Clause"
    assert pg.dependencies == ("org.checkerframework:checker-qual",)
    (junit,) = read_file(SOURCE, m2, "repository/junit/junit/4.13.2/junit-4.13.2.pom").components
    assert (junit.key, junit.license.expression) == ("pkg:maven/junit/junit@4.13.2", "EPL-1.0")
    assert junit.license.evidence[0].detail == "junit-4.13.2.pom <license><name>"


def test_pom_without_namespace_and_latin1(read_file, hostile):
    result = read_file(SOURCE, hostile, "no-namespace/pom.xml")
    assert result.problems == ()
    assert rows(result) == [
        ("pkg:maven/org.sugarforge.crm/crm-connector@1.0.2", APP, R, "1.0.2", 8, None),
        ("pkg:maven/commons-logging/commons-logging@1.1.1", DEP, R, "1.1.1", 15, True),
    ]
    assert result.components[0].license.expression == "LGPL-2.1-only"


@pytest.mark.parametrize("case", ["xxe", "billion-laughs"])
def test_entity_declarations_are_one_problem_and_never_expanded(read_file, hostile, case):
    result = read_file(SOURCE, hostile, f"{case}/pom.xml")
    assert result.components == ()
    (problem,) = result.problems
    assert problem.location == Location(f"{case}/pom.xml", 3)
    assert problem.reader == "maven"
    assert "EntitiesForbidden" in problem.message and "never expands" in problem.message


def test_malformed_xml_is_one_problem_with_its_line(read_file, hostile):
    result = read_file(SOURCE, hostile, "broken/pom.xml")
    assert result.problems == (
        InputProblem(
            Location("broken/pom.xml", 14),
            "is not well-formed XML (no element found: line 14, column 0); not read",
            "maven",
        ),
    )


def test_other_xml_is_not_a_pom(read_file, hostile):
    result = read_file(SOURCE, hostile, "not-a-pom/pom.xml")
    (problem,) = result.problems
    assert problem.message == "the root element is <settings>, not <project>: not a Maven POM"


def test_dependency_without_coordinates_costs_only_itself(write_tree):
    text = """<project>
  <groupId>com.acme</groupId><artifactId>crm</artifactId><version>1.0</version>
  <dependencies>
    <dependency><artifactId>orphan</artifactId></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.13</version></dependency>
  </dependencies>
</project>"""
    result = read_text(write_tree, text)
    assert [c.key for c in result.components] == ["pkg:maven/com.acme/crm@1.0", "pkg:maven/org.slf4j/slf4j-api@2.0.13"]
    (problem,) = result.problems
    assert problem.location == Location("pom.xml", 4)


def test_property_cycle_stops(write_tree):
    text = """<project><groupId>g</groupId><artifactId>a</artifactId><version>${a}</version>
  <properties><a>${b}</a><b>${a}</b></properties></project>"""
    (component,) = read_text(write_tree, text).components
    assert component.version is None
    assert component.key == "pkg:maven/g/a"


def test_nested_properties_resolve(write_tree):
    text = """<project><groupId>g</groupId><artifactId>a</artifactId><version>${revision}${changelist}</version>
  <properties>
    <revision>${major}.4</revision><major>3</major><changelist>-SNAPSHOT</changelist>
  </properties>
</project>"""
    (component,) = read_text(write_tree, text).components
    assert component.version == "3.4-SNAPSHOT"


@pytest.mark.parametrize(
    "content",
    ["", "   ", "not xml at all", "{\"project\": 1}", "<project><groupId>x</groupId></project>", "<project>",
     "\x00\x01binary"],
)
def test_garbage_is_exactly_one_problem(write_tree, content):
    result = read_text(write_tree, content)
    assert result.components == ()
    assert len(result.problems) == 1
    assert result.problems[0].location.path == "pom.xml"
