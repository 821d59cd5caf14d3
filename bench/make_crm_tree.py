"""Generate a realistic CRM-like tree of about 20,000 files for the ScanCode comparison benchmark.

The tree looks like a SuiteCRM installation with an EspoCRM-style extension, a CiviCRM-style connector,
Python integrations and the usual third-party code:

- PHP/JS/Python sources with the license headers real CRM projects carry: SuiteCRM-style AGPL-3.0
  headers with the Section 7(b) logo clause ("version 3", no "or later"), EspoCRM-style AGPL headers
  ("either version 3 of the License, or (at your option) any later version"), GPL-2.0-or-later and
  LGPL-2.1 "How to Apply" notices, the Apache-2.0 standard header, MIT and BSD permission notices,
  MPL-2.0 notices, SPDX-License-Identifier tags and @license doc tags; about half of the files carry
  no license notice at all (templates, metadata, styles, tests, images, documentation);
- vendored composer packages under vendor/<vendor>/<package>/ and npm packages under node_modules/
  with their LICENSE files, manifests, composer.lock and package-lock.json; some vendored sources carry
  "see the LICENSE file" references, others @license tags;
- a few 200-500 KB single-line minified JS files with /*! banners */ (jQuery, lodash, ...);
- binaries (PNG, GIF, WOFF, a SQLite database), README/CHANGELOG/markdown;
- user-interface language files with strings such as "License Agreement" and "license key" (text that
  a license scanner must not report as a license).

The notices are written for this benchmark (plausible wording, fictional project names). License texts
come from the installed licensedcode-data package (never copied into the repository).

Next to the tree, `<tree>.truth.json` records what the generator put into each file that carries
license evidence: the SPDX ids a correct scanner reports and the kind of evidence ("header:espo-agpl",
"license-file", "bait", ...). It is written outside the tree so that no scanner reads it.

Deterministic for a given --seed (same files, same bytes).

    python bench/make_crm_tree.py OUT_DIR [--seed 20] [--scale 1.0]
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import random
import struct
import zlib
from pathlib import Path

# --------------------------------------------------------------------------------------------------
# License texts (from licensedcode-data) and the notices written for this benchmark
# --------------------------------------------------------------------------------------------------


def reference_text(key: str) -> str:
    text = (importlib.resources.files("licensedcode") / "data" / "licenses" / f"{key}.LICENSE").read_text("utf-8")
    return text.split("---", 2)[2].lstrip("\n")


# SPDX id of the full license texts used for LICENSE files (ScanCode key -> SPDX id of the bare text).
TEXT_KEYS = {
    "mit": "MIT", "isc": "ISC", "bsd-new": "BSD-3-Clause", "bsd-simplified": "BSD-2-Clause",
    "apache-2.0": "Apache-2.0", "lgpl-2.1": "LGPL-2.1-only", "lgpl-3.0": "LGPL-3.0-only", "gpl-2.0": "GPL-2.0-only",
    "gpl-3.0": "GPL-3.0-only", "agpl-3.0": "AGPL-3.0-only", "mpl-2.0": "MPL-2.0", "bsd-zero": "0BSD",
    "cc0-1.0": "CC0-1.0", "blueoak-1.0.0": "BlueOak-1.0.0", "unlicense": "Unlicense",
}

COMPANIES = ["Northwind CRM Ltd.", "Helios Customer Systems GmbH", "Tidewater Software S.L.", "Orbis Data B.V.",
             "Larkspur Labs Inc.", "Kestrel Business Apps Oy", "Quillon Solutions SAS"]
PEOPLE = ["Maria Keller", "Tomasz Nowak", "Aiko Tanaka", "Jean-Luc Moreau", "Priya Raman", "Lars Eriksen",
          "Chidi Okafor", "Sofia Rossi", "Daniel Brandt", "Hannah Li", "Pedro Alves", "Ines Duarte"]


def suite_agpl(rng: random.Random, style: str) -> str:
    """SuiteCRM-style header: AGPL-3.0 "version 3" (no "or later"), Section 7(a) permission, 7(b) logo."""
    company = rng.choice(COMPANIES)
    y1, y2 = rng.choice([(2004, 2013), (2011, 2021), (2013, 2023), (2017, 2024)])
    logo = rng.choice(['"Supercharged by NorthwindCRM"', '"Powered by Helios CRM"', '"Built on OrbisCRM"'])
    words = logo.strip('"')
    lines = [
        f"{rng.choice(['Helios CRM', 'NorthwindCRM', 'OrbisCRM'])} is a customer relationship management program developed by",
        f"{company} Copyright (C) {y1} - {y2} {company}",
        "",
        "This program is free software; you can redistribute it and/or modify it under",
        "the terms of the GNU Affero General Public License version 3 as published by the",
        "Free Software Foundation with the addition of the following permission added",
        "to Section 15 as permitted in Section 7(a): FOR ANY PART OF THE COVERED WORK",
        f"IN WHICH THE COPYRIGHT IS OWNED BY {company.upper().rstrip('.')}, {company.split()[0].upper()} DISCLAIMS THE",
        "WARRANTY OF NON INFRINGEMENT OF THIRD PARTY RIGHTS.",
        "",
        "This program is distributed in the hope that it will be useful, but WITHOUT",
        "ANY WARRANTY; without even the implied warranty of MERCHANTABILITY or FITNESS",
        "FOR A PARTICULAR PURPOSE. See the GNU Affero General Public License for more",
        "details.",
        "",
        "You should have received a copy of the GNU Affero General Public License",
        "along with this program.  If not, see http://www.gnu.org/licenses or write to",
        "the Free Software Foundation, Inc., 51 Franklin Street, Fifth Floor, Boston, MA",
        "02110-1301 USA.",
        "",
        "The interactive user interfaces in modified source and object code versions",
        "of this program must display Appropriate Legal Notices, as required under",
        "Section 5 of the GNU Affero General Public License version 3.",
        "",
        "In accordance with Section 7(b) of the GNU Affero General Public License",
        f"version 3, these Appropriate Legal Notices must retain the display of the {logo}",
        "logo. If the display of the logos is not reasonably feasible for technical reasons,",
        f'the Appropriate Legal Notices must display the words "{words}".',
    ]
    return comment(lines, style)


def espo_agpl(rng: random.Random, style: str) -> str:
    """EspoCRM-style header: AGPL "either version 3 of the License, or (at your option) any later version"."""
    product = rng.choice(["Sales Pack", "Advanced Pack", "Voip Integration", "Outlook Sync", "Project Management"])
    y = rng.choice(["2014-2023", "2015-2024", "2019-2024"])
    lines = [
        f"This file is part of {product} - an extension for the Larkspur CRM application.",
        f"Copyright (C) {y} {rng.choice(PEOPLE)}, {rng.choice(PEOPLE)}",
        "Website: https://larkspur-crm.example",
        "",
        "This program is free software: you can redistribute it and/or modify",
        "it under the terms of the GNU Affero General Public License as published by",
        "the Free Software Foundation, either version 3 of the License, or",
        "(at your option) any later version.",
        "",
        "This program is distributed in the hope that it will be useful,",
        "but WITHOUT ANY WARRANTY; without even the implied warranty of",
        "MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE. See the",
        "GNU Affero General Public License for more details.",
        "",
        "You should have received a copy of the GNU Affero General Public License",
        "along with this program. If not, see <https://www.gnu.org/licenses/>.",
        "",
        "The interactive user interfaces in modified source and object code versions",
        "of this program must display Appropriate Legal Notices, as required under",
        "Section 5 of the GNU Affero General Public License version 3.",
        "",
        "In accordance with Section 7(b) of the GNU Affero General Public License version 3,",
        'these Appropriate Legal Notices must retain the display of the "Larkspur CRM" word.',
    ]
    if rng.random() < 0.3:  # a shorter variant some extension authors use
        lines = lines[:16]
    return comment(lines, style)


def gpl2_later(rng: random.Random, style: str) -> str:
    """GNU "How to Apply" GPL-2.0-or-later notice (Drupal / CiviCRM-connector style, some boxed)."""
    holder = rng.choice(COMPANIES + PEOPLE)
    year = rng.choice(["2008", "2012-2019", "2016", "2020-2024"])
    if rng.random() < 0.35:
        box = [
            "+--------------------------------------------------------------------+",
            f"| Copyright {holder} {year}".ljust(69) + "|",
            "|                                                                    |",
            "| This program is free software; you can redistribute it and/or     |",
            "| modify it under the terms of the GNU General Public License as     |",
            "| published by the Free Software Foundation; either version 2 of     |",
            "| the License, or (at your option) any later version.                |",
            "|                                                                    |",
            "| This program is distributed in the hope that it will be useful,   |",
            "| but WITHOUT ANY WARRANTY; without even the implied warranty of     |",
            "| MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the      |",
            "| GNU General Public License for more details.                       |",
            "+--------------------------------------------------------------------+",
        ]
        return comment(box, style)
    lines = [
        f"Copyright (C) {year}  {holder}",
        "",
        "This program is free software; you can redistribute it and/or modify",
        "it under the terms of the GNU General Public License as published by",
        "the Free Software Foundation; either version 2 of the License, or",
        "(at your option) any later version.",
        "",
        "This program is distributed in the hope that it will be useful,",
        "but WITHOUT ANY WARRANTY; without even the implied warranty of",
        "MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the",
        "GNU General Public License for more details.",
        "",
        "You should have received a copy of the GNU General Public License along",
        "with this program; if not, write to the Free Software Foundation, Inc.,",
        "51 Franklin Street, Fifth Floor, Boston, MA 02110-1301 USA.",
    ]
    return comment(lines, style)


def lgpl21(rng: random.Random, style: str, later: bool) -> str:
    """GNU "How to Apply" LGPL-2.1 notice, with or without "or (at your option) any later version"."""
    holder = rng.choice(COMPANIES + PEOPLE)
    lines = [
        f"{rng.choice(['Template engine', 'Smarty-compatible renderer', 'Mail transport'])} for the CRM",
        f"Copyright (C) {rng.choice(['2001-2005', '2009', '2014-2018'])} {holder}",
        "",
        "This library is free software; you can redistribute it and/or",
        "modify it under the terms of the GNU Lesser General Public",
        "License as published by the Free Software Foundation; "
        + ("either" if later else "version 2.1"),
    ]
    if later:
        lines += ["version 2.1 of the License, or (at your option) any later version."]
    else:
        lines += ["of the License."]
    lines += [
        "",
        "This library is distributed in the hope that it will be useful,",
        "but WITHOUT ANY WARRANTY; without even the implied warranty of",
        "MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU",
        "Lesser General Public License for more details.",
        "",
        "You should have received a copy of the GNU Lesser General Public",
        "License along with this library; if not, write to the Free Software",
        "Foundation, Inc., 51 Franklin Street, Fifth Floor, Boston, MA  02110-1301  USA",
    ]
    return comment(lines, style)


def apache2(rng: random.Random, style: str) -> str:
    """The Apache-2.0 standard header ("APPENDIX: How to apply the Apache License")."""
    year = rng.choice(["2019", "2021", "2022-2024", "2023"])
    lines = [
        f"Copyright {year} {rng.choice(COMPANIES)}",
        "",
        'Licensed under the Apache License, Version 2.0 (the "License");',
        "you may not use this file except in compliance with the License.",
        "You may obtain a copy of the License at",
        "",
        "    http://www.apache.org/licenses/LICENSE-2.0",
        "",
        "Unless required by applicable law or agreed to in writing, software",
        'distributed under the License is distributed on an "AS IS" BASIS,',
        "WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.",
        "See the License for the specific language governing permissions and",
        "limitations under the License.",
    ]
    return comment(lines, style)


def mit_header(rng: random.Random, style: str) -> str:
    holder = rng.choice(PEOPLE + COMPANIES)
    year = rng.choice(["2015", "2018-2022", "2020", "2024"])
    if rng.random() < 0.5:
        lines = [f"Copyright (c) {year} {holder}", ""] + reference_text("mit").strip().splitlines()
        return comment(_rewrap(lines), style)
    short = rng.choice([
        ["Released under the MIT license"],
        ["Licensed under the MIT License.", "See LICENSE file in the project root for full license information."],
        ["This source code is licensed under the MIT license found in the", "LICENSE file in the root directory of this source tree."],
    ])
    return comment([f"Copyright (c) {year} {holder}", *short], style)


def bsd_header(rng: random.Random, style: str, clause3: bool) -> str:
    holder = rng.choice(PEOPLE + COMPANIES)
    text = reference_text("bsd-new" if clause3 else "bsd-simplified").strip().splitlines()
    lines = [f"Copyright (c) {rng.choice(['2010', '2013-2017', '2021'])}, {holder}", "All rights reserved.", ""] + text
    return comment(_rewrap(lines), style)


def mpl2(rng: random.Random, style: str) -> str:
    lines = [
        "This Source Code Form is subject to the terms of the Mozilla Public",
        "License, v. 2.0. If a copy of the MPL was not distributed with this",
        "file, You can obtain one at http://mozilla.org/MPL/2.0/.",
    ]
    if rng.random() < 0.5:
        lines = [f"Copyright (c) {rng.choice(['2016', '2020-2023'])} {rng.choice(COMPANIES)}", ""] + lines
    return comment(lines, style)


def spdx_tag(rng: random.Random, style: str, expression: str) -> str:
    lines = []
    if rng.random() < 0.6:
        lines.append(f"SPDX-FileCopyrightText: {rng.choice(['2022', '2023', '2024'])} {rng.choice(COMPANIES + PEOPLE)}")
    lines.append(f"SPDX-License-Identifier: {expression}")
    if style == "line-php" or (style in ("block", "php-block") and rng.random() < 0.5):
        style = "line"
    return comment(lines, style)


# @license doc-tag values and the SPDX ids they name.
DOC_TAGS = [
    ("http://www.gnu.org/licenses/agpl-3.0.html AGPL-3.0", ["AGPL-3.0-only"]),
    ("https://www.gnu.org/licenses/agpl-3.0.txt GNU AGPL v3", ["AGPL-3.0-only"]),
    ("MIT", ["MIT"]),
    ("http://opensource.org/licenses/MIT MIT License", ["MIT"]),
    ("https://opensource.org/licenses/BSD-3-Clause New BSD License", ["BSD-3-Clause"]),
    ("GPL-2.0-or-later", ["GPL-2.0-or-later"]),
    ("http://www.apache.org/licenses/LICENSE-2.0 Apache License, Version 2.0", ["Apache-2.0"]),
    ("http://www.gnu.org/copyleft/lesser.html GNU Lesser General Public License", ["LGPL-2.1-or-later"]),
]


def doc_tag_block(rng: random.Random, value: str, name: str) -> str:
    return (
        "/**\n"
        f" * {name}\n"
        " *\n"
        f" * @package    {rng.choice(['Helios', 'Northwind', 'Orbis'])}\\{rng.choice(MODULES)}\n"
        f" * @author     {rng.choice(PEOPLE)} <{rng.choice(['dev', 'team', 'support'])}@example.org>\n"
        f" * @copyright  {rng.choice(['2012', '2016-2020', '2023'])} {rng.choice(COMPANIES)}\n"
        f" * @license    {value}\n"
        " */\n"
    )


def _rewrap(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        while len(line) > 78:
            cut = line.rfind(" ", 0, 78)
            if cut <= 0:
                break
            out.append(line[:cut])
            line = line[cut + 1:]
        out.append(line)
    return out


def comment(lines: list[str], style: str) -> str:
    if style in ("block", "php-block"):
        return "/**\n" + "".join(f" * {line}".rstrip() + "\n" for line in lines) + " */\n"
    if style == "hash":
        return "".join(f"# {line}".rstrip() + "\n" for line in lines)
    if style in ("line", "line-php"):
        return "".join(f"// {line}".rstrip() + "\n" for line in lines)
    if style == "html":
        return "<!--\n" + "".join(f"  {line}".rstrip() + "\n" for line in lines) + "-->\n"
    if style == "smarty":
        return "{*\n" + "".join(f" * {line}".rstrip() + "\n" for line in lines) + " *}\n"
    raise ValueError(style)


# --------------------------------------------------------------------------------------------------
# Source code bodies (no license words in them)
# --------------------------------------------------------------------------------------------------

MODULES = ["Accounts", "Contacts", "Leads", "Opportunities", "Cases", "Campaigns", "Calls", "Meetings", "Tasks",
           "Notes", "Emails", "Documents", "Project", "ProjectTask", "AOS_Quotes", "AOS_Invoices", "AOS_Products",
           "AOS_Contracts", "AOR_Reports", "AOW_WorkFlow", "Bugs", "Prospects", "ProspectLists", "EmailTemplates",
           "Employees", "Users", "Roles", "SecurityGroups", "Spots", "Surveys", "Events", "Locations", "jjwg_Maps",
           "Favorites", "Alerts", "Reminders", "OutboundEmailAccounts", "InboundEmail", "Schedulers", "Currencies",
           "Releases", "Trackers", "SavedSearch", "Dashboards", "Home", "Calendar", "Administration", "ModuleBuilder",
           "Studio", "Import", "MergeRecords", "Audit", "Relationships", "DynamicFields", "EAPM", "OAuthKeys",
           "OAuthTokens", "Connectors", "Sync", "Territories", "Forecasts", "KnowledgeBase", "Portal", "Cases_Portal",
           "Targets", "Webhooks", "Integrations", "Vouchers", "Subscriptions", "Tickets"]
NOUNS = ["account", "contact", "lead", "record", "bean", "field", "relation", "view", "layout", "filter", "query",
         "email", "phone", "address", "amount", "currency", "stage", "status", "owner", "team", "date", "reminder",
         "attachment", "note", "activity", "stream", "widget", "panel", "column", "row", "cache", "token", "hook",
         "job", "queue", "template", "report", "chart", "dashlet", "search", "index", "export", "import", "mapper"]
VERBS = ["get", "set", "load", "save", "build", "render", "fetch", "update", "remove", "find", "apply", "parse",
         "format", "merge", "sync", "validate", "resolve", "collect", "prepare", "convert", "notify", "schedule"]


def ident(rng: random.Random, camel: bool = True) -> str:
    v, n = rng.choice(VERBS), rng.choice(NOUNS)
    if rng.random() < 0.5:
        n += rng.choice(NOUNS).capitalize()
    return v + n.capitalize() if camel else f"{v}_{n}"


DEFAULTS = ["null", "array()", "''", "0", "false"]


def php_body(rng: random.Random, cls: str, methods: int) -> str:
    out = []
    ns = rng.choice(["", f"namespace {rng.choice(['Helios', 'Northwind', 'Orbis'])}\\{rng.choice(MODULES)};\n\n"])
    out.append(ns)
    if rng.random() < 0.7:
        out.append("if (!defined('sugarEntry') || !sugarEntry) {\n    die('Not A Valid Entry Point');\n}\n\n")
    out.append(f"class {cls}{rng.choice(['', ' extends SugarBean', ' extends ViewDetail', ' extends Basic'])}\n{{\n")
    for _ in range(rng.randint(1, 4)):
        out.append(f"    public ${rng.choice(NOUNS)}{rng.choice(NOUNS).capitalize()} = {rng.choice(DEFAULTS)};\n")
    out.append("\n")
    for _ in range(methods):
        name, a, b = ident(rng), rng.choice(NOUNS), rng.choice(NOUNS)
        out.append(f"    /**\n     * {name.capitalize()} for the given {a}.\n     *\n     * @param mixed ${a}\n"
                   f"     * @return array\n     */\n")
        out.append(f"    public function {name}(${a}, ${b} = null)\n    {{\n")
        out.append(f"        $result = array();\n        if (empty(${a})) {{\n            return $result;\n        }}\n")
        for _ in range(rng.randint(1, 5)):
            out.append(rng.choice([
                f"        $result['{rng.choice(NOUNS)}'] = $this->{ident(rng)}(${a});\n",
                f"        foreach (${a} as $key => $value) {{\n            $result[$key] = trim((string) $value);\n        }}\n",
                f"        $GLOBALS['log']->debug('{cls}::{name} {rng.choice(NOUNS)} ' . count($result));\n",
                f"        $query = \"SELECT id, name FROM {rng.choice(NOUNS)}s WHERE deleted = 0 AND {rng.choice(NOUNS)}_id = '\" . $this->db->quote(${b}) . \"'\";\n",
                f"        if (${b} !== null && isset(${b}['{rng.choice(NOUNS)}'])) {{\n            $result[] = ${b};\n        }}\n",
            ]))
        out.append("        return $result;\n    }\n\n")
    out.append("}\n")
    return "".join(out)


def php_metadata(rng: random.Random, module: str) -> str:
    out = [f"$viewdefs['{module}']['{rng.choice(['DetailView', 'EditView', 'ListView', 'QuickCreate'])}'] = array(\n",
           "    'templateMeta' => array(\n        'maxColumns' => '2',\n        'widths' => array(\n"
           "            array('label' => '10', 'field' => '30'),\n            array('label' => '10', 'field' => '30'),\n"
           "        ),\n    ),\n    'panels' => array(\n"]
    for p in range(rng.randint(1, 4)):
        out.append(f"        'lbl_panel_{p}' => array(\n")
        for _ in range(rng.randint(2, 8)):
            out.append(f"            array('{rng.choice(NOUNS)}_name', '{rng.choice(NOUNS)}_{rng.choice(NOUNS)}'),\n")
        out.append("        ),\n")
    out.append("    ),\n);\n")
    return "".join(out)


def js_body(rng: random.Random, methods: int, es: bool) -> str:
    out = []
    if es:
        for _ in range(rng.randint(0, 3)):
            out.append(f"import {{ {ident(rng)} }} from './{rng.choice(NOUNS)}-{rng.choice(NOUNS)}.js';\n")
        out.append(f"\nexport default class {rng.choice(NOUNS).capitalize()}{rng.choice(['View', 'Model', 'Helper', 'Field'])} {{\n")
        for _ in range(methods):
            name, a = ident(rng), rng.choice(NOUNS)
            out.append(f"    {name}({a}, options = {{}}) {{\n        const items = [];\n")
            for _ in range(rng.randint(1, 4)):
                out.append(rng.choice([
                    f"        if (!{a}) {{\n            return items;\n        }}\n",
                    f"        items.push(...Object.keys({a}).filter(key => key !== '{rng.choice(NOUNS)}'));\n",
                    f"        this.{ident(rng)}({a}, options.{rng.choice(NOUNS)});\n",
                    f"        const {rng.choice(NOUNS)}Id = options.id || this.model.get('id');\n",
                ]))
            out.append("        return items;\n    }\n\n")
        out.append("}\n")
    else:
        out.append(f"define('views/{rng.choice(NOUNS)}/{rng.choice(NOUNS)}', ['view'], function (Dep) {{\n\n"
                   "    return Dep.extend({\n\n")
        out.append(f"        template: '{rng.choice(NOUNS)}/{rng.choice(NOUNS)}',\n\n")
        for _ in range(methods):
            name, a = ident(rng), rng.choice(NOUNS)
            out.append(f"        {name}: function ({a}) {{\n            var list = [];\n")
            for _ in range(rng.randint(1, 4)):
                out.append(rng.choice([
                    f"            this.listenTo(this.model, 'change:{rng.choice(NOUNS)}', this.{ident(rng)}, this);\n",
                    f"            list.push(this.getMetadata().get(['entityDefs', '{rng.choice(MODULES)}', 'fields']));\n",
                    f"            if ({a} && {a}.{rng.choice(NOUNS)}) {{\n                list = list.concat({a}.{rng.choice(NOUNS)});\n            }}\n",
                ]))
            out.append("            return list;\n        },\n\n")
        out.append("    });\n});\n")
    return "".join(out)


def py_body(rng: random.Random, functions: int) -> str:
    out = [f'"""{rng.choice(NOUNS).capitalize()} {rng.choice(["synchronisation", "export", "webhook handling", "import"])} for the CRM integration."""\n\n',
           "from __future__ import annotations\n\nimport logging\n"]
    if rng.random() < 0.5:
        out.append("from dataclasses import dataclass\n")
    out.append("\nlog = logging.getLogger(__name__)\n\n")
    for _ in range(functions):
        name, a = ident(rng, camel=False), rng.choice(NOUNS)
        out.append(f"\ndef {name}({a}, *, limit: int = 100) -> list:\n    \"\"\"{name.replace('_', ' ').capitalize()}.\"\"\"\n"
                   f"    items = []\n    for entry in {a}[:limit]:\n")
        out.append(rng.choice([
            f"        if entry.get('{rng.choice(NOUNS)}'):\n            items.append(entry)\n",
            f"        items.append({{'id': entry['id'], '{rng.choice(NOUNS)}': entry.get('{rng.choice(NOUNS)}')}})\n",
        ]))
        out.append(f"    log.debug('{name}: %d items', len(items))\n    return items\n\n")
    return "".join(out)


def css_body(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(5, 40)):
        out.append(f".{rng.choice(NOUNS)}-{rng.choice(NOUNS)} {rng.choice(['', '.active', ':hover', ' > a'])} {{\n"
                   f"    color: #{rng.randrange(0x1000000):06x};\n    margin: {rng.randint(0, 20)}px {rng.randint(0, 20)}px;\n"
                   f"    {rng.choice(['display: flex;', 'font-weight: 600;', 'border: 1px solid #ddd;', 'padding: 4px;'])}\n}}\n\n")
    return "".join(out)


def tpl_body(rng: random.Random) -> str:
    out = ["<div class=\"detail-view\">\n"]
    for _ in range(rng.randint(3, 20)):
        f = rng.choice(NOUNS)
        out.append(f"  <div class=\"row\">\n    <label>{{$MOD.LBL_{f.upper()}}}</label>\n"
                   f"    <span class=\"value\">{{$fields.{f}_name.value}}</span>\n  </div>\n")
    out.append("</div>\n")
    return "".join(out)


# --------------------------------------------------------------------------------------------------
# Binaries
# --------------------------------------------------------------------------------------------------


def png(rng: random.Random) -> bytes:
    w, h = rng.randint(8, 64), rng.randint(8, 64)
    raw = b"".join(b"\x00" + bytes(rng.randrange(256) for _ in range(w * 3)) for _ in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def gif(rng: random.Random) -> bytes:
    return b"GIF89a" + struct.pack("<HH", 16, 16) + b"\xf0\x00\x00" + rng.randbytes(rng.randint(100, 800)) + b"\x3b"


def woff(rng: random.Random) -> bytes:
    body = rng.randbytes(rng.randint(8000, 40000))
    return b"wOFF" + b"\x00\x01\x00\x00" + struct.pack(">I", len(body) + 44) + b"\x00" * 32 + body


def sqlite_blob(rng: random.Random) -> bytes:
    header = b"SQLite format 3\x00" + struct.pack(">H", 4096) + b"\x01\x01\x00\x40\x20\x20" + b"\x00" * 76
    return header + rng.randbytes(4096 * 24 - len(header))


# --------------------------------------------------------------------------------------------------
# Minified files
# --------------------------------------------------------------------------------------------------

MINIFIED = [
    ("public/js/vendor/jquery-3.7.1.min.js", "/*! jQuery v3.7.1 | (c) OpenJS Foundation and other contributors | jquery.org/license */", ["MIT"], 290_000),
    ("public/js/vendor/lodash.min.js", "/**\n * @license\n * Lodash lodash.com/license | Underscore.js 1.8.3 underscorejs.org/LICENSE\n */", ["MIT"], 230_000),
    ("public/js/vendor/bootstrap.bundle.min.js", "/*!\n  * Bootstrap v5.3.2 (https://getbootstrap.com/)\n  * Copyright 2011-2023 The Bootstrap Authors (https://github.com/twbs/bootstrap/graphs/contributors)\n  * Licensed under MIT (https://github.com/twbs/bootstrap/blob/main/LICENSE)\n  */", ["MIT"], 320_000),
    ("public/js/vendor/moment-with-locales.min.js", "//! moment.js\n//! version : 2.29.4\n//! authors : Tim Wood, Iskren Chernev, Moment.js contributors\n//! license : MIT\n//! momentjs.com", ["MIT"], 480_000),
    ("client/lib/tinymce.min.js", "/**\n * TinyMCE version 6.8.2 (2023-12-11)\n */", ["MIT"], 410_000),
]


def minified(rng: random.Random, banner: str, size: int) -> str:
    parts = [banner, "\n" if "\n" in banner else "", "!function(e,t){\"use strict\";"]
    total = sum(len(p) for p in parts)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while total < size:
        a, b, c = rng.choice(letters), rng.choice(letters), rng.choice(letters)
        piece = rng.choice([
            f"function {a}{b}({c},{a}){{return {c}&&{c}.nodeType?{c}[{a}]:void 0}}",
            f"var {a}{c}=[],{b}{a}={{}},{c}{b}=\"{rng.choice(NOUNS)}\";",
            f"{a}.fn.{rng.choice(NOUNS)}=function({b}){{return this.each(function(){{{c}(this).{rng.choice(NOUNS)}({b})}})}};",
            f"for({a}=0;{a}<{b}.length;{a}++)if({c}({b}[{a}],{a}))break;",
            f"{a}{b}.prototype.{ident(rng)}=function({c}){{var {a}=this.{rng.choice(NOUNS)};return {a}?{a}.call(this,{c}):null}};",
            f"\"{rng.choice(NOUNS)}\"===typeof {a}&&({b}={c}.{rng.choice(NOUNS)}({a}));",
            f"{a}=/^(?:{rng.choice(NOUNS)}|{rng.choice(NOUNS)})$/i,",
        ])
        parts.append(piece)
        total += len(piece)
    parts.append("}(this);\n")
    return "".join(parts)


# --------------------------------------------------------------------------------------------------
# The tree
# --------------------------------------------------------------------------------------------------

BAIT_STRINGS = [
    ("LBL_LICENSE_AGREEMENT", "License Agreement"),
    ("LBL_LICENSE_KEY", "License Key"),
    ("LBL_ENTER_LICENSE_KEY", "Please enter your license key"),
    ("LBL_ACCEPT_LICENSE", "I accept the License Agreement"),
    ("LBL_LICENSE_EXPIRED", "Your license key has expired. Contact your administrator."),
    ("LBL_LICENSED_USERS", "Licensed users"),
    ("LBL_LICENSE_SETTINGS", "License settings"),
    ("LBL_VALIDATE_LICENSE", "Validate license key"),
]
LANGS = ["en_us", "de_DE", "fr_FR", "es_ES", "nl_NL", "pt_BR", "ru_RU", "it_IT"]

COMPOSER_PACKAGES_LICENSES = [  # (declared in composer.lock, LICENSE text key, header style of the sources)
    ("MIT", "mit", "ref"), ("MIT", "mit", "ref"), ("MIT", "mit", "none"), ("MIT", "mit", "tag"),
    ("MIT", "mit", "ref"), ("MIT", "mit", "none"), ("BSD-3-Clause", "bsd-new", "tag"),
    ("BSD-3-Clause", "bsd-new", "full"), ("Apache-2.0", "apache-2.0", "full"), ("Apache-2.0", "apache-2.0", "none"),
    ("LGPL-2.1-only", "lgpl-2.1", "full"), ("LGPL-3.0-or-later", "lgpl-3.0", "none"), ("BSD-2-Clause", "bsd-simplified", "none"),
    ("ISC", "isc", "none"), ("MPL-2.0", "mpl-2.0", "full"), ("GPL-2.0-or-later", "gpl-2.0", "full"),
]
NPM_LICENSES = [("MIT", "mit")] * 16 + [("ISC", "isc")] * 4 + [("BSD-3-Clause", "bsd-new"), ("BSD-2-Clause", "bsd-simplified"),
                                                                 ("Apache-2.0", "apache-2.0"), ("Apache-2.0", "apache-2.0"),
                                                                 ("0BSD", "bsd-zero"), ("BlueOak-1.0.0", "blueoak-1.0.0"),
                                                                 ("CC0-1.0", "cc0-1.0"), ("Unlicense", "unlicense")]


class Tree:
    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.truth: dict[str, dict] = {}
        self.count = 0

    def write(self, path: str, content: str | bytes, expected: list[str] | None = None, kind: str = "") -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_bytes(content.encode("utf-8"))
        else:
            target.write_bytes(content)
        self.count += 1
        if expected is not None:
            self.truth[path] = {"expected": sorted(set(expected)), "kind": kind}


def php_file(header: str, body: str) -> str:
    return "<?php\n" + header + "\n" + body


def make_header(rng: random.Random, kind: str, style: str) -> tuple[str, list[str]]:
    """A header of the given kind, and the SPDX ids it means."""
    if kind == "suite-agpl":
        return suite_agpl(rng, style), ["AGPL-3.0-only"]
    if kind == "espo-agpl":
        return espo_agpl(rng, style), ["AGPL-3.0-or-later"]
    if kind == "gpl2-later":
        return gpl2_later(rng, style), ["GPL-2.0-or-later"]
    if kind == "lgpl21-later":
        return lgpl21(rng, style, True), ["LGPL-2.1-or-later"]
    if kind == "lgpl21-only":
        return lgpl21(rng, style, False), ["LGPL-2.1-only"]
    if kind == "apache":
        return apache2(rng, style), ["Apache-2.0"]
    if kind == "mit":
        return mit_header(rng, style), ["MIT"]
    if kind == "bsd3":
        return bsd_header(rng, style, True), ["BSD-3-Clause"]
    if kind == "bsd2":
        return bsd_header(rng, style, False), ["BSD-2-Clause"]
    if kind == "mpl":
        return mpl2(rng, style), ["MPL-2.0"]
    raise ValueError(kind)


def generate(root: Path, seed: int, scale: float) -> Tree:
    rng = random.Random(seed)
    t = Tree(root, rng)

    def n(x: int) -> int:
        return max(1, round(x * scale))

    # ---- root files ------------------------------------------------------------------------------
    t.write("LICENSE.txt", reference_text("agpl-3.0"), ["AGPL-3.0-only"], "license-file")
    t.write("README.md", "# Helios CRM\n\nHelios CRM is an open-source customer relationship management application.\n\n"
            "## Installation\n\nSee the [installation guide](docs/install.md). PHP 8.1+ and MySQL 8 or MariaDB 10.6.\n\n"
            "## License\n\nHelios CRM is published under the GNU Affero General Public License version 3 (AGPLv3).\n"
            "See [LICENSE.txt](LICENSE.txt). Extensions in `custom/Espo` keep their own licenses.\n",
            ["AGPL-3.0-only"], "readme-reference")
    changelog = ["# Changelog\n"]
    for i in range(60):
        changelog.append(f"\n## 7.{14 - i // 10}.{9 - i % 10}\n\n")
        for _ in range(rng.randint(2, 8)):
            changelog.append(f"- {rng.choice(VERBS).capitalize()} {rng.choice(NOUNS)} {rng.choice(['in', 'for', 'on'])} "
                             f"{rng.choice(MODULES)} ({rng.choice(['#', 'GH-'])}{rng.randint(100, 9999)})\n")
    changelog.append("\n## 7.0.0\n\n- Updated the license notices in the installer (License Agreement step).\n")
    t.write("CHANGELOG.md", "".join(changelog), [], "bait")
    t.write("CONTRIBUTING.md", "# Contributing\n\nFork the repository, create a branch and open a pull request.\n"
            "Run `composer test` before you push. Keep the file headers as they are.\n")
    t.write(".gitignore", "/cache/\n/upload/\n/config_override.php\n/vendor/\n/node_modules/\n")
    t.write("robots.txt", "User-agent: *\nDisallow: /\n")

    # ---- core modules (SuiteCRM-style AGPL-3.0-only with 7(b)) -------------------------------------------
    n_modules = n(len(MODULES))
    for mi in range(n_modules):
        module = MODULES[mi % len(MODULES)] + ("" if mi < len(MODULES) else str(mi))
        base = f"modules/{module}"
        files: list[tuple[str, str]] = [
            (f"{base}/{module}.php", "class"), (f"{base}/vardefs.php", "meta"), (f"{base}/Menu.php", "meta"),
            (f"{base}/controller.php", "class"), (f"{base}/Save.php", "class"), (f"{base}/Delete.php", "class"),
            (f"{base}/field_arrays.php", "meta"), (f"{base}/{module}_sugar.php", "class"),
        ]
        for v in ["detail", "edit", "list", "popup", "quickcreate", "classic"]:
            files.append((f"{base}/views/view.{v}.php", "class"))
        for m in ["detailviewdefs", "editviewdefs", "listviewdefs", "searchdefs", "SearchFields", "popupdefs",
                  "subpaneldefs", "quickcreatedefs", "dashletviewdefs", "studio"]:
            files.append((f"{base}/metadata/{m}.php", "meta"))
        for s in range(rng.randint(2, 8)):
            files.append((f"{base}/metadata/subpanels/{rng.choice(['default', 'ForHistory', 'ForActivities', 'Popup'])}{s}.php", "meta"))
        for j in range(rng.randint(3, 12)):
            files.append((f"{base}/{ident(rng)}.php", "class"))
        for j in range(rng.randint(1, 5)):
            files.append((f"{base}/js/{rng.choice(NOUNS)}{j}.js", "js"))
        for j in range(rng.randint(2, 10)):
            files.append((f"{base}/tpls/{rng.choice(NOUNS)}{j}.tpl", "tpl"))
        for j in range(rng.randint(0, 4)):
            files.append((f"{base}/Dashlets/{module}Dashlet{j}/{module}Dashlet{j}.php", "class"))
            files.append((f"{base}/Dashlets/{module}Dashlet{j}/{module}Dashlet{j}.meta.php", "meta"))
        for path, what in files:
            headed = rng.random() < 0.88
            if what == "tpl":
                if rng.random() < 0.25:
                    header, ids = make_header(rng, "suite-agpl", "smarty")
                    t.write(path, header + tpl_body(rng), ids, "header:suite-agpl")
                else:
                    t.write(path, tpl_body(rng))
                continue
            if what == "js":
                if headed:
                    header, ids = make_header(rng, "suite-agpl", "block")
                    t.write(path, header + "\n" + js_body(rng, rng.randint(1, 5), False), ids, "header:suite-agpl")
                else:
                    t.write(path, js_body(rng, rng.randint(1, 5), False))
                continue
            body = php_body(rng, module + path.rsplit("/", 1)[1][:-4].replace(".", "_"), rng.randint(1, 6)) \
                if what == "class" else php_metadata(rng, module)
            if headed:
                header, ids = make_header(rng, "suite-agpl", "php-block")
                t.write(path, php_file(header, body), ids, "header:suite-agpl")
            else:
                t.write(path, "<?php\n" + body)
        # language files: the module's own (with header), bait strings in some modules
        bait_module = module in ("Administration", "Users", "Home", "Connectors", "Subscriptions", "Integrations",
                                 "Portal", "Webhooks", "OAuthKeys", "EAPM") or mi % 17 == 3
        for lang in LANGS[: rng.randint(1, 4) if not bait_module else 8]:
            entries = [f"    'LBL_{rng.choice(NOUNS).upper()}_{rng.choice(NOUNS).upper()}' => '{rng.choice(NOUNS).capitalize()} {rng.choice(NOUNS)}',\n"
                       for _ in range(rng.randint(10, 60))]
            if bait_module:
                for key, text in rng.sample(BAIT_STRINGS, rng.randint(2, 5)):
                    entries.insert(rng.randrange(len(entries)), f"    '{key}' => '{text}',\n")
            body = f"$mod_strings = array(\n{''.join(entries)});\n"
            path = f"{base}/language/{lang}.lang.php"
            if rng.random() < 0.7:
                header, ids = make_header(rng, "suite-agpl", "php-block")
                t.write(path, php_file(header, body), ids, "header:suite-agpl" + ("+bait" if bait_module else ""))
            else:
                t.write(path, "<?php\n" + body, [] if bait_module else None, "bait" if bait_module else "")

    # ---- include/: core libraries with mixed headers --------------------------------------------------
    for i in range(n(1200)):
        sub = rng.choice(["MVC/View", "MVC/Controller", "SugarFields/Fields", "ListView", "SearchForm", "Dashlets",
                          "utils", "database", "Smarty/plugins", "pdf", "javascript", "SugarObjects/templates",
                          "EditView", "DetailView", "SubPanel", "TimeDate", "Imap", "OutboundEmail"])
        ext = "js" if sub == "javascript" else "php"
        path = f"include/{sub}/{ident(rng)}{i}.{ext}"
        if sub == "Smarty/plugins":
            kind = rng.choice(["lgpl21-later", "lgpl21-later", "lgpl21-only", None])
        elif sub == "pdf":
            kind = rng.choice(["mpl", "mpl", None])
        elif sub == "javascript":
            kind = rng.choice(["mit", "bsd3", "bsd2", "suite-agpl", None])
        else:
            kind = rng.choice(["suite-agpl"] * 5 + [None] * 2)
        if ext == "js":
            body = js_body(rng, rng.randint(1, 6), rng.random() < 0.3)
            if kind:
                header, ids = make_header(rng, kind, "block")
                t.write(path, header + "\n" + body, ids, f"header:{kind}")
            else:
                t.write(path, body)
        else:
            body = php_body(rng, ident(rng).capitalize(), rng.randint(1, 6))
            if kind:
                header, ids = make_header(rng, kind, "php-block")
                t.write(path, php_file(header, body), ids, f"header:{kind}")
            elif rng.random() < 0.3:  # @license doc tags, phpDocumentor style
                value, ids = rng.choice(DOC_TAGS)
                t.write(path, "<?php\n" + doc_tag_block(rng, value, ident(rng)) + "\n" + body, ids, "doc-tag")
            else:
                t.write(path, "<?php\n" + body)

    # ---- custom/Espo: an EspoCRM-style extension (AGPL-3.0-or-later) ----------------------------------------
    t.write("custom/Espo/Modules/SalesPack/LICENSE.txt", reference_text("agpl-3.0"), ["AGPL-3.0-only"], "license-file-nested")
    for i in range(n(1800)):
        area = rng.choice(["Controllers", "Services", "Entities", "Repositories", "Hooks", "Classes/FieldProcessing",
                           "Tools/Export", "SelectManagers", "Jobs", "Resources/metadata", "Resources/i18n", "client"])
        if area == "Resources/metadata":
            path = f"custom/Espo/Modules/SalesPack/Resources/metadata/{rng.choice(['entityDefs', 'clientDefs', 'scopes', 'recordDefs'])}/{rng.choice(MODULES)}{i}.json"
            t.write(path, json.dumps({"fields": {rng.choice(NOUNS): {"type": rng.choice(["varchar", "enum", "link", "int"])}
                                                 for _ in range(rng.randint(2, 12))}}, indent=4) + "\n")
            continue
        if area == "Resources/i18n":
            lang = rng.choice(["en_US", "de_DE", "fr_FR", "es_ES", "pt_BR"])
            labels = {f"{rng.choice(NOUNS)}{rng.choice(NOUNS).capitalize()}": f"{rng.choice(NOUNS).capitalize()} {rng.choice(NOUNS)}"
                      for _ in range(rng.randint(5, 40))}
            bait = i % 11 == 0
            if bait:
                for key, text in rng.sample(BAIT_STRINGS, rng.randint(2, 4)):
                    labels[key.replace("LBL_", "").title().replace("_", "")] = text
            path = f"custom/Espo/Modules/SalesPack/Resources/i18n/{lang}/{rng.choice(MODULES)}{i}.json"
            t.write(path, json.dumps({"labels": labels}, indent=4, ensure_ascii=False) + "\n", [] if bait else None,
                    "bait" if bait else "")
            continue
        if area == "client":
            path = f"client/custom/modules/sales-pack/src/views/{rng.choice(NOUNS)}/{rng.choice(NOUNS)}-{i}.js"
            body = js_body(rng, rng.randint(1, 6), rng.random() < 0.4)
            if rng.random() < 0.75:
                header, ids = make_header(rng, "espo-agpl", "block")
                t.write(path, header + "\n" + body, ids, "header:espo-agpl")
            else:
                t.write(path, body)
            continue
        path = f"custom/Espo/Modules/SalesPack/{area}/{ident(rng).capitalize()}{i}.php"
        body = php_body(rng, ident(rng).capitalize(), rng.randint(1, 6))
        r = rng.random()
        if r < 0.8:
            header, ids = make_header(rng, "espo-agpl", "php-block")
            t.write(path, php_file(header, body), ids, "header:espo-agpl")
        elif r < 0.88:
            header, ids = spdx_tag(rng, "line", "AGPL-3.0-or-later"), ["AGPL-3.0-or-later"]
            t.write(path, php_file(header, body), ids, "spdx-tag")
        else:
            t.write(path, "<?php\n" + body)

    # ---- civicrm/: a CiviCRM-style connector (GPL-2.0-or-later) -------------------------------------------
    for i in range(n(800)):
        ext = rng.choice(["php", "php", "php", "js", "tpl", "xml"])
        path = f"civicrm/{rng.choice(['CRM/Contact', 'CRM/Core', 'CRM/Mailing', 'api/v3', 'templates/CRM', 'xml/schema'])}/{ident(rng).capitalize()}{i}.{ext}"
        if ext == "xml":
            t.write(path, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<table>\n  <name>civicrm_"
                    f"{rng.choice(NOUNS)}</name>\n  <field><name>id</name><type>int unsigned</type></field>\n</table>\n")
            continue
        if ext == "tpl":
            if rng.random() < 0.5:
                header, ids = make_header(rng, "gpl2-later", "smarty")
                t.write(path, header + tpl_body(rng), ids, "header:gpl2-later")
            else:
                t.write(path, tpl_body(rng))
            continue
        if rng.random() < 0.75:
            header, ids = make_header(rng, "gpl2-later", "php-block" if ext == "php" else "block")
            body = php_body(rng, ident(rng).capitalize(), rng.randint(1, 5)) if ext == "php" else js_body(rng, 3, False)
            t.write(path, php_file(header, body) if ext == "php" else header + body, ids, "header:gpl2-later")
        elif ext == "php" and rng.random() < 0.5:
            t.write(path, "<?php\n" + doc_tag_block(rng, "GPL-2.0-or-later", ident(rng)) + "\n"
                    + php_body(rng, ident(rng).capitalize(), 2), ["GPL-2.0-or-later"], "doc-tag")
        else:
            t.write(path, ("<?php\n" + php_body(rng, ident(rng).capitalize(), 2)) if ext == "php" else js_body(rng, 3, False))

    # ---- integrations/python: Apache-2.0 headers, SPDX tags -------------------------------------------------
    for pkg in ["crm_connector", "crm_connector/sync", "crm_connector/webhooks", "crm_connector/exporters", "tests"]:
        t.write(f"integrations/python/{pkg}/__init__.py", "" if rng.random() < 0.5 else '"""Package."""\n')
    t.write("integrations/python/LICENSE", reference_text("apache-2.0"), ["Apache-2.0"], "license-file-nested")
    t.write("integrations/python/pyproject.toml", "[project]\nname = \"crm-connector\"\nversion = \"1.4.0\"\n"
            "license = \"Apache-2.0\"\nrequires-python = \">=3.9\"\ndependencies = [\"requests>=2.31\"]\n",
            ["Apache-2.0"], "manifest")
    for i in range(n(450)):
        pkg = rng.choice(["crm_connector", "crm_connector/sync", "crm_connector/webhooks", "crm_connector/exporters", "tests"])
        path = f"integrations/python/{pkg}/{ident(rng, camel=False)}_{i}.py"
        body = py_body(rng, rng.randint(1, 6))
        r = rng.random()
        if pkg == "tests" and r < 0.7:
            t.write(path, body)
        elif r < 0.55:
            header, ids = make_header(rng, "apache", "hash")
            t.write(path, header + "\n" + body, ids, "header:apache")
        elif r < 0.8:
            expr = rng.choice(["Apache-2.0", "Apache-2.0", "MIT", "Apache-2.0 OR MIT"])
            t.write(path, spdx_tag(rng, "hash", expr) + "\n" + body, expr.split(" OR "), "spdx-tag")
        else:
            t.write(path, body)

    # ---- lib/: newer code with SPDX tags -----------------------------------------------------------------------
    for i in range(n(900)):
        ext = rng.choice(["php", "php", "js", "ts", "vue", "css"])
        path = f"lib/{rng.choice(['Api', 'Auth', 'Mailer', 'Search', 'Queue', 'Webhook', 'ui'])}/{ident(rng).capitalize()}{i}.{ext}"
        expr = rng.choice(["AGPL-3.0-only"] * 6 + ["AGPL-3.0-or-later", "MIT", "GPL-2.0-or-later", "LGPL-2.1-only",
                                                   "BSD-3-Clause", "MIT OR Apache-2.0", "Apache-2.0"])
        tagged = rng.random() < 0.65
        if ext == "php":
            body = php_body(rng, ident(rng).capitalize(), rng.randint(1, 5))
            t.write(path, ("<?php\n" + spdx_tag(rng, "line", expr) + "\n" + body) if tagged else "<?php\n" + body,
                    expr.split(" OR ") if tagged else None, "spdx-tag" if tagged else "")
        elif ext == "css":
            t.write(path, (spdx_tag(rng, "block", expr) + "\n" + css_body(rng)) if tagged else css_body(rng),
                    expr.split(" OR ") if tagged else None, "spdx-tag" if tagged else "")
        elif ext == "vue":
            body = f"<template>\n  <div class=\"{rng.choice(NOUNS)}\">{{{{ {rng.choice(NOUNS)} }}}}</div>\n</template>\n\n<script>\n" \
                   + js_body(rng, 2, True) + "</script>\n"
            t.write(path, (spdx_tag(rng, "html", expr) + body) if tagged else body,
                    expr.split(" OR ") if tagged else None, "spdx-tag" if tagged else "")
        else:
            body = js_body(rng, rng.randint(1, 5), True)
            t.write(path, (spdx_tag(rng, "line", expr) + "\n" + body) if tagged else body,
                    expr.split(" OR ") if tagged else None, "spdx-tag" if tagged else "")

    # ---- themes: styles, templates, images, fonts (no license notices) ---------------------------------------------
    for theme in ["SuiteP", "Helios", "Classic"]:
        for i in range(n(330)):
            t.write(f"themes/{theme}/css/{rng.choice(NOUNS)}-{i}.css", css_body(rng))
        for i in range(n(180)):
            t.write(f"themes/{theme}/images/{rng.choice(NOUNS)}_{i}.png", png(rng))
        for i in range(n(60)):
            t.write(f"themes/{theme}/images/{rng.choice(NOUNS)}_{i}.gif", gif(rng))
        for i in range(n(120)):
            t.write(f"themes/{theme}/tpls/{rng.choice(NOUNS)}_{i}.tpl", tpl_body(rng))
        for name in ["lato-regular", "lato-bold", "icons"]:
            t.write(f"themes/{theme}/fonts/{name}.woff", woff(rng))
        t.write(f"themes/{theme}/fonts/OFL.txt",
                "Copyright (c) 2010-2014 by tyPoland Lukasz Dziedzic with Reserved Font Name \"Lato\".\n\n"
                "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
                "This license is available with a FAQ at: http://scripts.sil.org/OFL\n", ["OFL-1.1"], "reference")

    # ---- client i18n (JSON, no headers; some with bait strings) ------------------------------------------------------
    for i in range(n(400)):
        lang = rng.choice(["en_US", "de_DE", "fr_FR", "es_ES", "nl_NL", "pl_PL", "uk_UA", "tr_TR"])
        labels = {f"{rng.choice(NOUNS)}{rng.choice(NOUNS).capitalize()}": f"{rng.choice(NOUNS).capitalize()} {rng.choice(NOUNS)}"
                  for _ in range(rng.randint(5, 50))}
        bait = i % 16 == 0
        if bait:
            for key, text in rng.sample(BAIT_STRINGS, rng.randint(1, 3)):
                labels[key] = text
        t.write(f"client/i18n/{lang}/{rng.choice(MODULES)}_{i}.json", json.dumps(labels, indent=2, ensure_ascii=False) + "\n",
                [] if bait else None, "bait" if bait else "")

    # ---- tests, cache, data, upload (no license notices) -------------------------------------------------------------
    for i in range(n(2000)):
        path = f"tests/unit/{rng.choice(['modules', 'include', 'lib', 'api'])}/{rng.choice(MODULES)}/{ident(rng).capitalize()}Test{i}.php"
        t.write(path, "<?php\n\nuse PHPUnit\\Framework\\TestCase;\n\n" + php_body(rng, f"Test{i}", rng.randint(1, 5)))
    for i in range(n(1000)):
        t.write(f"cache/modules/{rng.choice(MODULES)}/{rng.choice(NOUNS)}_{i}vardefs.php",
                "<?php\n$GLOBALS['dictionary'] = " + json.dumps({rng.choice(NOUNS): rng.randint(0, 99) for _ in range(20)})
                .replace(":", " =>").replace("{", "array(").replace("}", ")") + ";\n")
    for i in range(n(600)):
        t.write(f"upload/{rng.randbytes(16).hex()[:8]}-{rng.randbytes(16).hex()[:12]}",
                rng.choice([png, gif])(rng) if rng.random() < 0.6 else rng.randbytes(rng.randint(500, 4000)))
    t.write("data/demo/crm-demo.sqlite", sqlite_blob(rng))
    for i in range(n(300)):
        t.write(f"install/demoData/{rng.choice(NOUNS)}_{i}.csv",
                "id,name,email\n" + "".join(f"{rng.randint(1, 9999)},{rng.choice(PEOPLE)},{rng.choice(NOUNS)}@example.org\n"
                                            for _ in range(rng.randint(5, 40))))
    # installer: a real "License Agreement" step that shows LICENSE.txt
    t.write("install/license.php", "<?php\n" + doc_tag_block(rng, "http://www.gnu.org/licenses/agpl-3.0.html AGPL-3.0", "Installer")
            + "\n$mod_strings['LBL_LICENSE_TITLE'] = 'License Agreement';\n"
            "$mod_strings['LBL_LICENSE_ACCEPTANCE'] = 'I Accept';\n$license = file_get_contents('LICENSE.txt');\n",
            ["AGPL-3.0-only"], "doc-tag+bait")

    # ---- docs -----------------------------------------------------------------------------------------------------------
    for i in range(n(250)):
        sections = "".join(f"\n## {rng.choice(VERBS).capitalize()} the {rng.choice(NOUNS)}\n\n"
                           f"Open **{rng.choice(MODULES)}** and choose *{rng.choice(VERBS).capitalize()}*. "
                           f"The {rng.choice(NOUNS)} is stored with the {rng.choice(NOUNS)}.\n"
                           for _ in range(rng.randint(2, 8)))
        bait = i % 25 == 0
        extra = "\n## Licensing\n\nEnter the license key of your add-on under Admin > License Settings.\n" if bait else ""
        t.write(f"docs/{rng.choice(['admin', 'user', 'developer'])}/{rng.choice(NOUNS)}-{i}.md",
                f"# {rng.choice(MODULES)} {rng.choice(NOUNS)}\n" + sections + extra, [] if bait else None, "bait" if bait else "")

    # ---- minified bundles -------------------------------------------------------------------------------------------------
    for path, banner, ids, size in MINIFIED:
        # jQuery's and lodash's banners only point at a URL, TinyMCE's only names the library and version;
        # the truth records the license the URL names / that version was published under.
        kind = "minified-banner" if "MIT" in banner else "minified-banner-url" if "/license" in banner.lower() \
            else "minified-banner-name"
        t.write(path, minified(rng, banner, size), ids, kind)

    # ---- vendored composer packages ------------------------------------------------------------------------------------------
    composer_lock_packages = []
    installed = []
    vendors = ["symfony", "guzzlehttp", "monolog", "doctrine", "league", "phpmailer", "tecnickcom", "psr", "ramsey",
               "laminas", "nesbot", "egulias", "ezyang", "firebase", "google", "sabre", "twig", "elasticsearch"]
    n_composer = n(70)
    for i in range(n_composer):
        vendor = vendors[i % len(vendors)]
        pkg = f"{rng.choice(NOUNS)}-{rng.choice(NOUNS)}" if i >= len(vendors) else rng.choice(["core", "http", "mailer", "cache", "log"])
        pkg = f"{pkg}{i}"
        declared, key, style = rng.choice(COMPOSER_PACKAGES_LICENSES)
        base = f"vendor/{vendor}/{pkg}"
        text = reference_text(key)
        if key in ("mit", "bsd-new", "bsd-simplified", "isc"):
            text = f"Copyright (c) {rng.choice(['2004-2024', '2011', '2015-2023'])} {rng.choice(PEOPLE)}\n\n" + text
        lic_name = rng.choice(["LICENSE", "LICENSE", "LICENSE.md", "LICENSE.txt", "COPYING"])
        t.write(f"{base}/{lic_name}", text, [TEXT_KEYS[key]], "vendor-license-file")
        version = f"{rng.randint(1, 7)}.{rng.randint(0, 20)}.{rng.randint(0, 15)}"
        manifest = {"name": f"{vendor}/{pkg}", "description": f"The {pkg.replace('-', ' ')} component",
                    "type": "library", "license": declared, "require": {"php": ">=8.1"},
                    "autoload": {"psr-4": {f"{vendor.capitalize()}\\{pkg.capitalize()}\\": "src/"}}}
        t.write(f"{base}/composer.json", json.dumps(manifest, indent=4) + "\n", [declared], "manifest")
        t.write(f"{base}/README.md", f"{vendor}/{pkg}\n{'=' * (len(vendor) + len(pkg) + 1)}\n\n"
                f"The {pkg} component.\n\nResources\n---------\n\n * [Report issues](https://example.invalid/{vendor}/{pkg}/issues)\n")
        t.write(f"{base}/CHANGELOG.md", f"CHANGELOG\n=========\n\n{version}\n---\n\n * {rng.choice(VERBS)} {rng.choice(NOUNS)}\n")
        for j in range(rng.randint(8, 50)):
            sub = rng.choice(["src", "src", "src/Exception", "src/Util", "tests"])
            path = f"{base}/{sub}/{ident(rng).capitalize()}{j}.php"
            body = php_body(rng, ident(rng).capitalize(), rng.randint(1, 5))
            if sub == "tests" or style == "none":
                t.write(path, "<?php\n" + body)
            elif style == "ref":
                header = comment([f"This file is part of the {vendor.capitalize()} package.", "",
                                  f"(c) {rng.choice(PEOPLE)} <{vendor}@example.org>", "",
                                  "For the full copyright and license information, please view the LICENSE",
                                  "file that was distributed with this source code."], "php-block")
                t.write(path, php_file(header, body), [declared], "vendor-reference")
            elif style == "tag":
                value = {"MIT": "MIT", "BSD-3-Clause": "https://opensource.org/licenses/BSD-3-Clause New BSD License"}[declared]
                t.write(path, "<?php\n" + doc_tag_block(rng, value, ident(rng)) + "\n" + body, [declared], "doc-tag")
            else:
                kind = {"BSD-3-Clause": "bsd3", "Apache-2.0": "apache", "LGPL-2.1-only": "lgpl21-only",
                        "MPL-2.0": "mpl", "GPL-2.0-or-later": "gpl2-later"}[declared]
                header, ids = make_header(rng, kind, "php-block")
                t.write(path, php_file(header, body), ids, f"header:{kind}")
        entry = {"name": f"{vendor}/{pkg}", "version": f"v{version}",
                 "source": {"type": "git", "url": f"https://github.com/{vendor}/{pkg}.git", "reference": rng.randbytes(20).hex()},
                 "dist": {"type": "zip", "url": f"https://api.github.com/repos/{vendor}/{pkg}/zipball/{rng.randbytes(20).hex()}",
                          "reference": rng.randbytes(20).hex(), "shasum": ""},
                 "require": {"php": ">=8.1"}, "type": "library",
                 "autoload": manifest["autoload"], "notification-url": "https://packagist.org/downloads/",
                 "license": [declared], "description": manifest["description"], "time": "2024-03-0%dT10:00:00+00:00" % (1 + i % 9)}
        composer_lock_packages.append(entry)
        installed.append({**entry, "install-path": f"../{vendor}/{pkg}"})
    composer_licenses = sorted({p["license"][0] for p in composer_lock_packages})
    t.write("composer.json", json.dumps({"name": "helios/helios-crm", "description": "Helios CRM", "type": "project",
                                         "license": "AGPL-3.0-only", "require": {p["name"]: "^" + p["version"][1:]
                                                                                 for p in composer_lock_packages[:30]}},
                                        indent=4) + "\n", ["AGPL-3.0-only"], "manifest")
    t.write("composer.lock", json.dumps({"_readme": ["This file locks the dependencies of your project to a known state",
                                                     "Read more about it at https://getcomposer.org/doc/01-basic-usage.md#installing-dependencies",
                                                     "This file is @generated automatically"],
                                         "content-hash": rng.randbytes(16).hex(), "packages": composer_lock_packages,
                                         "packages-dev": [], "aliases": [], "minimum-stability": "stable",
                                         "stability-flags": [], "prefer-stable": False, "prefer-lowest": False,
                                         "platform": {"php": ">=8.1"}, "platform-dev": [], "plugin-api-version": "2.6.0"},
                                        indent=4) + "\n", composer_licenses, "lockfile")
    t.write("vendor/autoload.php", "<?php\n\n// autoload.php @generated by Composer\n\nrequire_once __DIR__ . '/composer/autoload_real.php';\n\n"
            "return ComposerAutoloaderInit" + rng.randbytes(16).hex() + "::getLoader();\n")
    t.write("vendor/composer/installed.json", json.dumps({"packages": installed, "dev": False, "dev-package-names": []},
                                                         indent=4) + "\n", composer_licenses, "lockfile")
    t.write("vendor/composer/LICENSE", "\nCopyright (c) Nils Adermann, Jordi Boggiano\n\n" + reference_text("mit"), ["MIT"],
            "vendor-license-file")
    t.write("vendor/composer/ClassLoader.php", php_file(comment(["This file is part of Composer.", "",
                                                               "(c) Nils Adermann <naderman@naderman.de>",
                                                               "    Jordi Boggiano <j.boggiano@seld.be>", "",
                                                               "For the full copyright and license information, please view the LICENSE",
                                                               "file that was distributed with this source code."], "php-block"),
                                                       php_body(rng, "ClassLoader", 6)), ["MIT"], "vendor-reference")
    for name in ["autoload_real.php", "autoload_static.php", "autoload_psr4.php", "autoload_classmap.php", "platform_check.php"]:
        t.write(f"vendor/composer/{name}", "<?php\n\n// " + name + " @generated by Composer\n\n$vendorDir = dirname(__DIR__);\n"
                "$baseDir = dirname($vendorDir);\n\nreturn array(\n" + "".join(
                    f"    '{rng.choice(NOUNS)}\\\\{rng.choice(NOUNS)}' => $vendorDir . '/{rng.choice(vendors)}/src',\n" for _ in range(40)) + ");\n")

    # ---- node_modules ---------------------------------------------------------------------------------------------------------
    lock_packages: dict[str, dict] = {"": {"name": "helios-crm-client", "version": "7.14.2", "license": "AGPL-3.0-only",
                                           "dependencies": {}}}
    n_npm = n(260)
    for i in range(n_npm):
        scoped = i % 9 == 0
        name = f"@{rng.choice(['babel', 'popperjs', 'fortawesome', 'floating-ui', 'types'])}/{rng.choice(NOUNS)}-{i}" if scoped \
            else f"{rng.choice(NOUNS)}-{rng.choice(NOUNS)}-{i}"
        declared, key = rng.choice(NPM_LICENSES)
        base = f"node_modules/{name}"
        version = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"
        manifest = {"name": name, "version": version, "description": f"{name} for browsers and node",
                    "main": "lib/index.js", "license": declared, "author": rng.choice(PEOPLE),
                    "repository": {"type": "git", "url": f"git+https://github.com/example/{name.strip('@')}.git"},
                    "files": ["lib", "dist"]}
        t.write(f"{base}/package.json", json.dumps(manifest, indent=2) + "\n", [declared], "manifest")
        text = reference_text(key)
        if key in ("mit", "bsd-new", "bsd-simplified", "isc", "bsd-zero"):
            text = f"{'The MIT License (MIT)' + chr(10) + chr(10) if key == 'mit' and rng.random() < 0.3 else ''}" \
                   f"Copyright (c) {rng.choice(['2014', '2016-2021', '2019', 'Sindre Sorhus'])} {rng.choice(PEOPLE)}\n\n" + text
        if rng.random() < 0.93:
            t.write(f"{base}/{rng.choice(['LICENSE', 'LICENSE', 'LICENSE.md', 'license', 'LICENSE-MIT' if key == 'mit' else 'LICENSE'])}",
                    text, [TEXT_KEYS[key]], "npm-license-file")
        license_section = rng.random() < 0.6
        t.write(f"{base}/README.md", f"# {name}\n\n> {manifest['description']}\n\n## Install\n\n```\nnpm install {name}\n```\n\n"
                + (f"## License\n\n{declared} © {rng.choice(PEOPLE)}\n" if license_section else ""),
                [declared] if license_section else None, "readme-reference")
        for j in range(rng.randint(1, 8)):
            body = js_body(rng, rng.randint(1, 4), rng.random() < 0.5)
            path = f"{base}/lib/{rng.choice(NOUNS)}-{j}.js"
            if rng.random() < 0.15 and declared in ("MIT", "BSD-3-Clause", "Apache-2.0"):
                kind = {"MIT": "mit", "BSD-3-Clause": "bsd3", "Apache-2.0": "apache"}[declared]
                header, ids = make_header(rng, kind, "block")
                t.write(path, header + body, ids, f"header:{kind}")
            else:
                t.write(path, body)
        if rng.random() < 0.4:
            banner = f"/*! {name} v{version} | {declared} License | github.com/example/{name.strip('@')} */"
            t.write(f"{base}/dist/{name.rsplit('/', 1)[-1]}.min.js", minified(rng, banner, rng.randint(2_000, 20_000)),
                    [declared], "minified-banner")
        if rng.random() < 0.3:
            t.write(f"{base}/CHANGELOG.md", f"# Changelog\n\n## {version}\n\n- {rng.choice(VERBS)} {rng.choice(NOUNS)}\n")
        entry = {"version": version, "resolved": f"https://registry.npmjs.org/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz",
                 "integrity": "sha512-" + rng.randbytes(64).hex()[:86] + "==", "license": declared}
        if i % 7 == 0:
            entry["dev"] = True
        lock_packages[base] = entry
        if i % 3 == 0:
            lock_packages[""]["dependencies"][name] = f"^{version}"
    npm_licenses = sorted({e["license"] for k, e in lock_packages.items() if k}) + ["AGPL-3.0-only"]
    t.write("package.json", json.dumps({"name": "helios-crm-client", "version": "7.14.2", "private": True,
                                        "license": "AGPL-3.0-only", "dependencies": lock_packages[""]["dependencies"]},
                                       indent=2) + "\n", ["AGPL-3.0-only"], "manifest")
    t.write("package-lock.json", json.dumps({"name": "helios-crm-client", "version": "7.14.2", "lockfileVersion": 3,
                                             "requires": True, "packages": lock_packages}, indent=2) + "\n",
            npm_licenses, "lockfile")
    return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the number of generated files (1.0: ~20,000)")
    parser.add_argument("--truth", type=Path, help="where to write the ground truth (default: <out>.truth.json)")
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} exists and is not empty")
    args.out.mkdir(parents=True, exist_ok=True)
    tree = generate(args.out, args.seed, args.scale)
    truth = args.truth or args.out.with_name(args.out.name + ".truth.json")
    truth.write_text(json.dumps({"seed": args.seed, "scale": args.scale, "files": tree.count,
                                 "evidence": dict(sorted(tree.truth.items()))}, indent=1) + "\n", "utf-8")
    print(f"{tree.count} files written to {args.out}; {len(tree.truth)} with license evidence or bait recorded in {truth}")


if __name__ == "__main__":
    main()
