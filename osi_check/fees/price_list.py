"""A vendor's price list: the documented YAML and CSV formats, read into line items with their file and line.

YAML::

    vendor: Acme CRM GmbH          # optional
    currency: EUR                  # optional, shown with amounts that have none
    items:
      - what: CRM license, per seat and year     # required: the wording of the line
        component: acme/crm                      # required: a component of the delivery (name, key or purl) or a folder ("enterprise/")
        amount: 39 EUR                           # required: as written; the first number is the amount
        kind: license                            # optional: license | source | copy | media | support | hosting |
                                                 #   warranty | services | commercial-license | other (else from `what`)
        cost: 5 EUR                              # optional: the vendor's actual cost (for source delivery)

CSV: a header row naming the columns what, component, amount and optionally kind, cost; one line item per row.

Bad input raises PriceListError naming the file and the line, never a traceback.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from osi_check.fees.knowledge import KINDS

REQUIRED = ("what", "component", "amount")
OPTIONAL = ("kind", "cost")
_NUMBER = re.compile(r"[-+]?\d[\d\s,.']*")


class PriceListError(Exception):
    """The price list cannot be read (the message starts with file:line)."""


@dataclass(frozen=True)
class LineItem:
    what: str
    component: str
    amount: str
    kind: str  # as given, or "" (then recognised from `what`)
    cost: str
    location: str  # "price-list.yaml:12"
    vendor: str = ""  # the price list's `vendor`

    @property
    def value(self) -> float | None:
        return parse_amount(self.amount)

    @property
    def cost_value(self) -> float | None:
        return parse_amount(self.cost) if self.cost else None


def parse_amount(text: str) -> float | None:
    """The first number in an amount as written ("1.234,50 EUR", "$1,234.50", "39"); None when there is none."""
    m = _NUMBER.search(text or "")
    if not m:
        return None
    raw = re.sub(r"[\s']", "", m.group(0)).rstrip(".,")
    if "," in raw and "." in raw:
        raw = raw.replace(",", "") if raw.rfind(".") > raw.rfind(",") else raw.replace(".", "").replace(",", ".")
    elif "," in raw:
        raw = raw.replace(",", ".") if len(raw.rsplit(",", 1)[1]) != 3 else raw.replace(",", "")
    try:
        return float(raw)
    except ValueError:
        return None


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of each mapping (for error messages)."""


def _mapping_with_line(loader, node):
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _item(raw: dict, where: str, currency: str, vendor: str = "") -> LineItem:
    unknown = sorted(k for k in raw if k not in REQUIRED + OPTIONAL and k != "__line__")
    if unknown:
        raise PriceListError(f"{where}: unknown field(s) {', '.join(unknown)} (fields: {', '.join(REQUIRED + OPTIONAL)})")
    values = {}
    for key in REQUIRED + OPTIONAL:
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if key in REQUIRED:
                raise PriceListError(f"{where}: missing '{key}'")
            value = ""
        if isinstance(value, (dict, list)):
            raise PriceListError(f"{where}: '{key}' must be a single value, not {type(value).__name__}")
        values[key] = " ".join(str(value).split())
    if values["kind"] and values["kind"] not in KINDS:
        raise PriceListError(f"{where}: kind '{values['kind']}' is not one of {', '.join(KINDS)}")
    if parse_amount(values["amount"]) is None:
        raise PriceListError(f"{where}: amount '{values['amount']}' holds no number")
    if values["cost"] and parse_amount(values["cost"]) is None:
        raise PriceListError(f"{where}: cost '{values['cost']}' holds no number")
    amount = values["amount"]
    if currency and not re.search(r"[A-Za-z$€£¥]", amount):
        amount = f"{amount} {currency}"
    return LineItem(values["what"], values["component"], amount, values["kind"], values["cost"], where, vendor)


def _read_yaml(text: str, name: str) -> tuple[LineItem, ...]:
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise PriceListError(f"{name}{line}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise PriceListError(f"{name}:1: a price list is a mapping with an 'items' list (see the README)")
    currency = str(data.get("currency") or "")
    vendor = " ".join(str(data.get("vendor") or "").split())
    items = []
    for n, raw in enumerate(data["items"], 1):
        if not isinstance(raw, dict):
            raise PriceListError(f"{name}: item {n} is not a mapping of what/component/amount")
        items.append(_item(raw, f"{name}:{raw.get('__line__', '?')}", currency, vendor))
    return tuple(items)


def _read_csv(text: str, name: str) -> tuple[LineItem, ...]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise PriceListError(f"{name}:1: the header row lacks column(s) {', '.join(missing)}")
    reader.fieldnames = header
    items = []
    for row in reader:
        if row.get(None):
            raise PriceListError(f"{name}:{reader.line_num}: more cells than header columns")
        if not any((v or "").strip() for v in row.values()):
            continue
        items.append(_item({k: v for k, v in row.items() if k}, f"{name}:{reader.line_num}", ""))
    return tuple(items)


def read_price_list(path: Path) -> tuple[LineItem, ...]:
    """Line items of a price list (.yaml/.yml or .csv)."""
    name = path.name
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PriceListError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise PriceListError(f"{name}: cannot be read: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _read_yaml(text, name)
    if suffix == ".csv":
        return _read_csv(text, name)
    raise PriceListError(f"{name}: a price list is a .yaml, .yml or .csv file")
