"""Generate a synthetic CRM source tree for the per-file license evidence benchmark (bench/file_evidence.py).

What a SuiteCRM/EspoCRM-style tree looks like to the file-evidence reader: thousands of PHP files that all
carry the AGPL header with §7 terms, JavaScript with MIT or Apache headers, templates, minified vendor
bundles with banner comments, Python add-ons with OCA headers, files with no license statement at all, and a
few large files (a 3 MB one-line bundle, a 6 MB log). Deterministic for a given --seed.

    python bench/make_file_evidence_tree.py OUT_DIR [--php 6000] [--js 2000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SUITECRM = """<?php
/**
 * SuiteCRM is a customer relationship management program developed by SalesAgility Ltd.
 * Copyright (C) 2011 - 2023 SalesAgility Ltd.
 *
 * This program is free software; you can redistribute it and/or modify it under
 * the terms of the GNU Affero General Public License version 3 as published by the
 * Free Software Foundation with the addition of the following permission added
 * to Section 15 as permitted in Section 7(a): FOR ANY PART OF THE COVERED WORK
 * IN WHICH THE COPYRIGHT IS OWNED BY SALESAGILITY, SALESAGILITY DISCLAIMS THE
 * WARRANTY OF NON INFRINGEMENT OF THIRD PARTY RIGHTS.
 *
 * This program is distributed in the hope that it will be useful, but WITHOUT
 * ANY WARRANTY; without even the implied warranty of MERCHANTABILITY or FITNESS
 * FOR A PARTICULAR PURPOSE. See the GNU Affero General Public License for more
 * details.
 *
 * You should have received a copy of the GNU Affero General Public License
 * along with this program.  If not, see http://www.gnu.org/licenses.
 *
 * In accordance with Section 7(b) of the GNU Affero General Public License
 * version 3, these Appropriate Legal Notices must retain the display of the
 * "Supercharged by SuiteCRM" logo. If the display of the logos is not reasonably
 * feasible for technical reasons, the Appropriate Legal Notices must display
 * the words "Supercharged by SuiteCRM".
 */
"""
MIT_JS = """/**
 * {name} v{version}
 * Copyright (c) 2019 The {name} authors
 * Released under the MIT license: https://opensource.org/licenses/MIT
 */
"""
APACHE_JAVA = """/*
 * Copyright 2020 Example Corp.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
"""
OCA = "# Copyright 2024 Acme\n# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).\n\n"


def code_lines(rng: random.Random, n: int) -> str:
    """Code with a license-looking word now and then ("$license_key"), as CRM code has: it passes the keyword
    pre-filter without being license evidence."""
    words = ["$account", "$contact", "$bean", "->save()", "return", "if", "foreach", "array()", "null", "$user"]
    lines = [f"    {rng.choice(words)} = {rng.choice(words)}({rng.randint(0, 999)});\n" for _ in range(n)]
    for _ in range(n // 150):
        lines[rng.randrange(n)] = "    $license_key = $sugar_config['license_key'];\n"
    return "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--php", type=int, default=6000)
    parser.add_argument("--js", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    root: Path = args.out
    for i in range(args.php):
        path = root / "modules" / f"Module{i % 120}" / f"File{i}.php"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SUITECRM + f"class File{i}\n{{\n" + code_lines(rng, rng.randint(20, 400)) + "}\n", "utf-8")
    for i in range(args.js):
        path = root / "include" / "javascript" / f"lib{i % 40}" / f"widget{i}.js"
        path.parent.mkdir(parents=True, exist_ok=True)
        header = MIT_JS.format(name=f"widget{i}", version=f"1.{i % 9}.0") if i % 2 else ""
        path.write_text(header + "(function () {\n" + code_lines(rng, rng.randint(10, 200)) + "})();\n", "utf-8")
    for i in range(args.js // 4):
        path = root / "src" / "main" / "java" / f"Service{i}.java"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(APACHE_JAVA + f"public class Service{i} {{}}\n", "utf-8")
    for i in range(args.js // 4):
        path = root / "addons" / f"crm_addon_{i % 50}" / "models" / f"model_{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(OCA + "from odoo import models\n" + "x = 1\n" * rng.randint(10, 100), "utf-8")
    for i in range(args.js // 4):
        path = root / "themes" / "SuiteP" / "tpls" / f"view{i}.tpl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("<div class=\"view\">{$MOD.LBL_LICENSE_KEY}</div>\n" * rng.randint(5, 60), "utf-8")
    vendor = root / "vendor" / "bundles"
    vendor.mkdir(parents=True, exist_ok=True)
    for i in range(100):
        banner = f"/*! lib{i} v2.{i}.0 | (c) Example | Released under the MIT license */\n"
        (vendor / f"lib{i}.min.js").write_text(banner + "var a=" + "1+" * rng.randint(1000, 50000) + "1;", "utf-8")
    (vendor / "huge.min.js").write_text("/*! huge v1 | MIT License */" + "x=1;" * 750_000, "utf-8")
    (root / "logs").mkdir(parents=True, exist_ok=True)
    (root / "logs" / "install.txt").write_text("license check ok\n" * 400_000, "utf-8")


if __name__ == "__main__":
    main()
