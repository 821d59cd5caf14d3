"""Real git repositories built in temporary folders: an AGPL CRM release tagged v1.0, then an
integrator's fork of it with every kind of change the comparison must tell apart."""

import json
import os
import subprocess
from pathlib import Path

import pytest

JQUERY_BANNER = "/*! jQuery v3.7.1 | (c) OpenJS Foundation and other contributors | jquery.org/license */\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def git(repo: Path, *args: str, date: str = "2024-03-01T10:00:00+00:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.org",
                           "-c", "init.defaultBranch=main", *args],
                          cwd=repo, env=env, capture_output=True, check=True)
    return done.stdout.decode()


def write(root: Path, path: str, content: str | bytes) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_bytes(content.encode())


def installed(*packages: tuple[str, str]) -> str:
    return json.dumps({"packages": [
        {"name": name, "version": "1.0.0", "type": "library", "license": [license_], "install-path": f"../{name}"}
        for name, license_ in packages
    ]}, indent=2)


HELPER = "".join(f"function helper_{i}() {{ return {i}; }}\n" for i in range(30))

RELEASE = {
    "composer.json": json.dumps({"name": "acme/crm", "license": "AGPL-3.0-only"}),
    "modules/Accounts/Account.php": "<?php\nclass Account {\n    public $name;\n}\n",
    "modules/Contacts/Contact.php": "<?php\nclass Contact {\n}\n",
    "modules/Legacy/Old.php": "<?php\n// removed by the integrator\n",
    "include/utils.php": "<?php\nfunction util() {\n    return 1;\n}\n",
    "include/old_name.php": "<?php\n// moved without change\n",
    "include/helper.php": "<?php\n" + HELPER,
    "themes/logo.png": PNG,
    "themes/icon.png": PNG[::-1],
    "js/jquery.min.js": JQUERY_BANNER + "!function(e){return e}(window);\n",
    "vendor/composer/installed.json": installed(("acme/patched-lib", "MPL-2.0"), ("acme/pristine-lib", "MIT")),
    "vendor/acme/patched-lib/src/Lib.php": "<?php\nclass Lib { const V = 1; }\n",
    "vendor/acme/pristine-lib/src/P.php": "<?php\nclass P {}\n",
    "node_modules/leftpad/package.json": json.dumps({"name": "leftpad", "version": "1.0.0", "license": "MIT"}),
    "node_modules/leftpad/index.js": "module.exports = (s, n) => s.padStart(n);\n",
}

def release_repo(repo: Path, files: dict = RELEASE, tag: str = "v1.0") -> Path:
    """A new repository holding `files`, committed and tagged."""
    repo.mkdir()
    git(repo, "init", "-q")
    for path, content in files.items():
        write(repo, path, content)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"release {tag}")
    git(repo, "tag", tag)
    return repo


MODULE_MANIFEST = "{'name': 'Acme Sales', 'version': '17.0.1.0.0', 'license': 'OPL-1', 'depends': ['crm']}\n"


@pytest.fixture
def fork(tmp_path) -> Path:
    """The release committed and tagged v1.0, then the integrator's changes: committed on 2024-05-02,
    plus one change left uncommitted in the work tree."""
    repo = release_repo(tmp_path / "crm")

    write(repo, "modules/Accounts/Account.php", "<?php\nclass Account {\n    public $name;\n    public $vat;\n}\n")
    write(repo, "include/utils.php", RELEASE["include/utils.php"].replace("\n", "\r\n").replace("    ", "\t"))
    git(repo, "mv", "include/old_name.php", "include/new_name.php")
    (repo / "lib").mkdir()
    git(repo, "mv", "include/helper.php", "lib/helper.php")
    write(repo, "lib/helper.php", "<?php\n" + HELPER.replace("helper_3()", "helper_3($x)"))
    write(repo, "themes/logo.png", PNG + b"\x00more")
    write(repo, "js/jquery.min.js", JQUERY_BANNER + "!function(e){return e.patched=1,e}(window);\n")
    write(repo, "vendor/acme/patched-lib/src/Lib.php", "<?php\nclass Lib { const V = 2; }\n")
    write(repo, "node_modules/leftpad/index.js", "module.exports = (s, n, c) => s.padStart(n, c);\n")
    git(repo, "rm", "-q", "modules/Legacy/Old.php")
    write(repo, "custom/modules/Foo/Foo.php", "<?php\n// SPDX-License-Identifier: MIT\nclass Foo {}\n")
    write(repo, "custom/include/Secret.php",
          "<?php\n// SPDX-License-Identifier: LicenseRef-OPL-1\nclass Secret {}\n")
    write(repo, "addons/acme_sales/__manifest__.py", MODULE_MANIFEST)
    write(repo, "addons/acme_sales/models.py", "# Acme sales extensions\n")
    write(repo, "vendor/composer/installed.json",
          installed(("acme/patched-lib", "MPL-2.0"), ("acme/pristine-lib", "MIT"), ("acme/new-lib", "BSD-3-Clause")))
    write(repo, "vendor/acme/new-lib/src/N.php", "<?php\nclass N {}\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "integrator changes", date="2024-05-02T09:30:00+00:00")
    write(repo, "modules/Contacts/Contact.php", "<?php\nclass Contact {\n    public $phone;\n}\n")
    return repo
