"""Generate a synthetic CRM deployment tree for the inventory benchmark.

3,000 installed npm packages (hoisted, scoped and nested, each with package.json, code, README and a
LICENSE), a matching package-lock.json (v3), and 300 composer packages under vendor/ with composer.lock,
vendor/composer/installed.json and a LICENSE per package. The shapes follow the real formats; the
names are synthetic. Deterministic for a given --seed.

    python bench/make_inventory_tree.py OUT_DIR [--npm 3000] [--composer 300] [--seed 7]
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import random
from pathlib import Path

LICENSES = ["MIT"] * 14 + ["ISC"] * 3 + ["Apache-2.0"] * 2 + ["BSD-3-Clause", "BSD-2-Clause", "(MIT OR Apache-2.0)",
                                                                "MPL-2.0", "LGPL-3.0-or-later", "0BSD"]


def reference_text(key: str) -> str:
    text = (importlib.resources.files("licensedcode") / "data" / "licenses" / f"{key}.LICENSE").read_text("utf-8")
    return text.split("---", 2)[2].lstrip("\n")


def make_npm(root: Path, count: int, rng: random.Random) -> None:
    mit = reference_text("mit")
    packages: dict[str, dict] = {"": {"name": "crm-front-end", "version": "2.1.0", "license": "AGPL-3.0-only",
                                      "dependencies": {}}}
    for i in range(count):
        if i % 10 == 0:
            name = f"@crm-scope{i % 7}/widget-{i}"
        else:
            name = f"pkg-{i}"
        nested = i % 15 == 0 and i > 0
        path = f"node_modules/pkg-{i - 1}/node_modules/{name}" if nested else f"node_modules/{name}"
        license_ = rng.choice(LICENSES)
        version = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"
        folder = root / path
        folder.mkdir(parents=True, exist_ok=True)
        manifest = {"name": name, "version": version, "description": "synthetic package", "main": "index.js",
                    "license": license_, "repository": {"type": "git", "url": f"https://example.invalid/{name}.git"}}
        (folder / "package.json").write_text(json.dumps(manifest, indent=2), "utf-8")
        (folder / "index.js").write_text("'use strict';\nmodule.exports = function () { return 42; };\n", "utf-8")
        (folder / "README.md").write_text(f"# {name}\n\nA synthetic package.\n", "utf-8")
        (folder / "LICENSE").write_text(f"Copyright (c) 2024 The {name} authors\n\n" + mit, "utf-8")
        entry = {"version": version, "resolved": f"https://registry.npmjs.org/{name}/-/x-{version}.tgz",
                 "integrity": "sha512-" + "A" * 86 + "==", "license": license_}
        if i % 9 == 0:
            entry["dev"] = True
        packages[path] = entry
        if not nested and i % 4 == 0:
            packages[""]["dependencies"][name] = f"^{version}"
    lock = {"name": "crm-front-end", "version": "2.1.0", "lockfileVersion": 3, "requires": True, "packages": packages}
    (root / "package-lock.json").write_text(json.dumps(lock, indent=2), "utf-8")
    (root / "package.json").write_text(json.dumps({"name": "crm-front-end", "version": "2.1.0",
                                                   "license": "AGPL-3.0-only"}, indent=2), "utf-8")


def make_composer(root: Path, count: int, rng: random.Random) -> None:
    # real license files differ by their copyright line, so every package gets its own: no cache can
    # make this benchmark look faster than a real tree
    texts = {"MIT": reference_text("mit"), "BSD-3-Clause": reference_text("bsd-new"),
             "Apache-2.0": reference_text("apache-2.0")}
    lock_packages, installed = [], []
    for i in range(count):
        name = f"vendor{i % 40}/library-{i}"
        license_ = rng.choice(list(texts))
        version = f"v{rng.randint(1, 7)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}"
        folder = root / "vendor" / name
        (folder / "src").mkdir(parents=True, exist_ok=True)
        (folder / "composer.json").write_text(json.dumps({"name": name, "license": license_}, indent=4), "utf-8")
        (folder / "src" / "Library.php").write_text("<?php\nnamespace Vendor;\nfinal class Library {}\n", "utf-8")
        holder = f"Copyright (c) {2010 + i % 15} Vendor {i % 40} and library-{i} contributors\n\n"
        (folder / "LICENSE").write_text(holder + texts[license_], "utf-8")
        package = {"name": name, "version": version, "type": "library", "license": [license_],
                   "dist": {"type": "zip", "url": f"https://example.invalid/{name}.zip", "shasum": ""}}
        lock_packages.append(package)
        installed.append({**package, "install-path": f"../{name}"})
    lock = {"_readme": ["This file locks the dependencies of your project to a known state"],
            "content-hash": "0" * 32, "packages": lock_packages, "packages-dev": [], "aliases": [],
            "minimum-stability": "stable", "stability-flags": {}, "prefer-stable": True, "prefer-lowest": False,
            "platform": {"php": ">=8.1"}, "platform-dev": {}, "plugin-api-version": "2.6.0"}
    (root / "composer.lock").write_text(json.dumps(lock, indent=4), "utf-8")
    (root / "composer.json").write_text(json.dumps({"name": "acme/crm", "license": "AGPL-3.0-only",
                                                    "require": {"php": ">=8.1"}}, indent=4), "utf-8")
    (root / "vendor" / "composer").mkdir(parents=True, exist_ok=True)
    (root / "vendor" / "composer" / "installed.json").write_text(
        json.dumps({"packages": installed, "dev": True, "dev-package-names": []}, indent=4), "utf-8")


def make_app(root: Path) -> None:
    (root / "LICENSE").write_text(reference_text("agpl-3.0"), "utf-8")
    for i in range(200):
        folder = root / "modules" / f"Module{i % 20}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"File{i}.php").write_text(
            "<?php\n/*\n * SPDX-License-Identifier: AGPL-3.0-only\n */\nclass File%d {}\n" % i, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--npm", type=int, default=3000)
    parser.add_argument("--composer", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    make_npm(args.out, args.npm, rng)
    make_composer(args.out, args.composer, rng)
    make_app(args.out)
    files = sum(1 for p in args.out.rglob("*") if p.is_file())
    print(f"wrote {args.out}: {args.npm} npm packages, {args.composer} composer packages, {files} files")


if __name__ == "__main__":
    main()
