"""The price-list formats (YAML and CSV) and the judgement of each line against the licenses."""

from __future__ import annotations

import pytest

from osi_check.fees.judge import Target, judge
from osi_check.fees.price_list import PriceListError, parse_amount, read_price_list


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_yaml_and_csv_give_the_same_items(tmp_path):
    yml = _write(tmp_path, "p.yaml", "currency: EUR\nitems:\n  - what: Support\n    component: acme/crm\n    amount: 100\n"
                 "  - what: Source DVD\n    component: acme/crm\n    amount: 20\n    kind: source\n    cost: 5\n")
    csv = _write(tmp_path, "p.csv", "what,component,amount,kind,cost\nSupport,acme/crm,100 EUR,,\n"
                 "Source DVD,acme/crm,20 EUR,source,5\n")
    a, b = read_price_list(yml), read_price_list(csv)
    assert [(i.what, i.component, i.amount, i.kind) for i in a] == [(i.what, i.component, i.amount, i.kind) for i in b]
    assert a[0].location == "p.yaml:3" and b[1].location == "p.csv:3"


@pytest.mark.parametrize("name,text,where", [
    ("p.yaml", "items:\n  - what: x\n    component: y\n", "p.yaml:2: missing 'amount'"),
    ("p.yaml", "items:\n  - what: x\n    component: y\n    amount: free\n", "p.yaml:2: amount 'free' holds no number"),
    ("p.yaml", "items:\n  - what: x\n    component: y\n    amount: 5\n    kind: bribe\n", "p.yaml:2: kind 'bribe'"),
    ("p.yaml", "items: [\n", "p.yaml:"),
    ("p.csv", "what,amount\nx,5\n", "p.csv:1: the header row lacks column(s) component"),
    ("p.csv", "what,component,amount\nx,y,5,extra\n", "p.csv:2: more cells"),
    ("p.txt", "what", "p.txt: a price list is a .yaml"),
])
def test_bad_price_lists_name_file_and_line(tmp_path, name, text, where):
    with pytest.raises(PriceListError, match=where.replace("(", r"\(").replace(")", r"\)")):
        read_price_list(_write(tmp_path, name, text))


def test_amounts():
    assert parse_amount("1.234,50 EUR") == 1234.5
    assert parse_amount("$1,234.50") == 1234.5
    assert parse_amount("39") == 39


def _item(tmp_path, what, kind="", cost=""):
    text = f"items:\n  - what: {what}\n    component: c\n    amount: 50\n" + (f"    kind: {kind}\n" if kind else "") + \
        (f"    cost: {cost}\n" if cost else "")
    return read_price_list(_write(tmp_path, "p.yaml", text))[0]


@pytest.mark.parametrize("what,kind,cost,license_id,verdict", [
    ("License per seat", "", "", "AGPL-3.0-only", "forbidden"),
    ("Royalty per copy", "", "", "GPL-2.0-only", "forbidden"),
    ("Annual support", "", "", "AGPL-3.0-only", "allowed"),
    ("Hosting in our cloud", "", "", "GPL-3.0-only", "allowed"),
    ("Warranty extension", "", "", "LGPL-3.0-only", "allowed"),
    ("Source code on DVD", "source", "60", "GPL-3.0-only", "allowed"),
    ("Source code on DVD", "source", "5", "GPL-3.0-only", "forbidden"),
    ("Source code download", "source", "", "AGPL-3.0-only", "forbidden"),
    ("Source code on DVD", "source", "", "GPL-2.0-only", "review"),
    ("License per seat", "", "", "MIT", "review"),
    ("Enterprise subscription", "commercial-license", "", "LicenseRef-OEEL-1", "commercial-license-required"),
    ("License per user", "", "", "BUSL-1.1", "commercial-license-required"),
])
def test_judgement(tmp_path, what, kind, cost, license_id, verdict):
    fee = judge(_item(tmp_path, what, kind, cost), Target("c", (license_id,)))
    assert fee.verdict == verdict, fee.reason
    assert fee.location == "p.yaml:2"


def test_the_most_serious_license_wins_and_unknown_targets_are_reviewed(tmp_path):
    item = _item(tmp_path, "License per seat")
    assert judge(item, Target("c", ("MIT", "AGPL-3.0-only"))).verdict == "forbidden"
    assert judge(item, None).verdict == "review"
