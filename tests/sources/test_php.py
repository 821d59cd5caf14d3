"""The static PHP literal reader behind manifest.php: what it reads, and what it refuses to evaluate."""

from __future__ import annotations

import pytest

from osi_check.sources._php import PhpArray, PhpSyntaxError, Unknown, read_assignment


def value(source: str, variable: str = "x"):
    assignment = read_assignment(source, variable)
    assert assignment is not None
    return assignment.value


def plain(v):
    """A PhpArray as a plain dict (recursively), for comparisons."""
    if isinstance(v, PhpArray):
        return {k: plain(e.value) for k, e in v.entries.items()}
    return v


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (r"'it\'s \\ \n'", "it's \\ \\n"),  # single quotes: only \' and \\ are escapes
        (r'"tab\tnew\nq\"d\$x \x41\101\u{263A} \q"', 'tab\tnew\nq"d$x AA\u263a \\q'),
        ("'a' . \"b\" . 3 . 'c'", "ab3c"),
        ("('a' . ('b'))", "ab"),
        ("42", 42),
        ("-7", -7),
        ("+7", 7),
        ("1_000_000", 1000000),
        ("0x1F", 31),
        ("0b101", 5),
        ("0o17", 15),
        ("0755", 493),
        ("1.5e3", 1500.0),
        (".5", 0.5),
        ("TRUE", True),
        ("false", False),
        ("Null", None),
        ("<<<EOT\n  line one\n  line two\n  EOT", "line one\nline two"),
        ("<<<\"EOT\"\nA\\tB\nEOT", "A\tB"),
        ("<<<'EOT'\nraw \\t $x\nEOT", "raw \\t $x"),
    ],
)
def test_literals(expression, expected):
    assert value(f"<?php\n$x = {expression};\n") == expected


def test_arrays_keys_and_auto_indexes():
    got = value("<?php $x = array('a', 5 => 'b', 'c', '7' => 'd', 'e', '07' => 'f', true => 'g', null => 'h', [1, [2]]);")
    assert plain(got) == {0: "a", 5: "b", 6: "c", 7: "d", 8: "e", "07": "f", 1: "g", "": "h", 9: {0: 1, 1: {0: 2}}}


def test_entry_lines_and_sources():
    got = value("<?php\n$x = [\n    'name' => 'A' . 'B',\n    'v' =>\n        '1.0',\n];\n")
    assert got.line == 2
    assert (got.entries["name"].line, got.entries["name"].source) == (3, "'A' . 'B'")
    assert got.entries["v"].line == 4  # the line of the key


@pytest.mark.parametrize(
    ("expression", "kind"),
    [
        ("system('id')", "a function call"),
        ("\\system('id')", "a function call"),
        ("eval('1')", "a function call"),
        ("new Foo()", "a function call"),
        ("`id`", "a function call"),
        ("Foo::bar()", "a function call"),
        ("$y", "a variable"),
        ("$y['k']", "a variable"),
        ('"hi $name"', "an interpolated string"),
        ('"hi {$obj->name}"', "an interpolated string"),
        ("PHP_EOL", "a constant"),
        ("Foo::BAR", "a constant"),
        ("'a' . PHP_EOL", "a constant"),
        ("1 + 2", "an expression"),
        ("'a' ?: 'b'", "an expression"),
    ],
)
def test_non_literals_are_unknown_and_not_evaluated(expression, kind):
    got = value(f"<?php\n$x = ['k' => {expression}, 'after' => 'kept'];\n")
    unknown = got.get("k")
    assert isinstance(unknown, Unknown)
    assert unknown.kind == kind
    assert unknown.source == expression
    assert unknown.line == 2
    assert got.get("after") == "kept"  # only that value is lost


def test_comments_and_inline_html_are_skipped():
    source = (
        "<h1>$x = 'html'</h1>\n<?php\n"
        "// $x = 'line comment';\n"
        "# $x = 'hash comment'; ?> <p>$x = 'html again'</p> <?php\n"
        "/* $x = 'block comment'; */\n"
        "$x = 'code';\n"
        "?>\n<footer>$x = 'trailing html'</footer>\n"
    )
    assert value(source) == "code"


def test_no_php_tag_means_no_code():
    assert read_assignment("$x = 'only html';", "x") is None


def test_other_variables_and_property_accesses_are_not_the_variable():
    assert read_assignment("<?php $this->x = 'p'; $xx = 'q'; Foo::$x = 'r'; if ($x == 1) {}", "x") is None


def test_later_assignments_win_and_element_assignments_apply_in_order():
    got = value("<?php $x = ['a' => 1]; $x = ['b' => 2]; $x['c'] = 3; $x['b'] = 4; $x[] = 5;")
    assert plain(got) == {"b": 4, "c": 3}


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("<?php\n$x = 'open", 2),
        ('<?php\n$x = "open', 2),
        ("<?php\n/* open", 2),
        ("<?php\n$x = <<<EOT\nnever closed\n", 2),
        ("<?php\n$x = array(1, 2", 2),
        ("<?php\n$x = [1; 2];", 2),
        ("<?php\n$x = foo(1];", 2),
        ("<?php\n$x = foo(1", 2),
        ("<?php\n$x = " + "[" * 100 + "]" * 100 + ";", 2),
        ("<?php\n$x = " + "(" * 100 + "1" + ")" * 100 + ";", 2),
    ],
)
def test_syntax_errors_name_the_line(source, line):
    with pytest.raises(PhpSyntaxError) as raised:
        read_assignment(source, "x")
    assert raised.value.line == line


def test_huge_nesting_in_skipped_code_is_not_recursive():
    source = "<?php $x = foo(" + "(" * 50_000 + ")" * 50_000 + ");"
    assert isinstance(value(source), Unknown)
