"""Ecosystem sources: one module per manifest/lockfile format, all implementing `Reader`.

The registry below is explicit (no import-time discovery), so what osi-check reads is visible in one
place and a test can check that every module here is registered.
"""

from __future__ import annotations

from osi_check.reader import Reader
from osi_check.sources.bower import BowerSource
from osi_check.sources.civicrm import CiviCrmInfoSource
from osi_check.sources.composer import ComposerSource
from osi_check.sources.composer_installed import ComposerInstalledSource
from osi_check.sources.copied_libraries import CopiedLibrarySource
from osi_check.sources.dist_info import InstalledPythonSource
from osi_check.sources.espocrm import EspoCrmExtensionSource
from osi_check.sources.gemfile_lock import GemfileLockSource
from osi_check.sources.gemspec import GemspecSource
from osi_check.sources.golang import GoModSource
from osi_check.sources.maven import MavenPomSource
from osi_check.sources.node_modules import InstalledNpmSource
from osi_check.sources.npm import NpmLockSource
from osi_check.sources.odoo import OdooManifestSource
from osi_check.sources.pipfile_lock import PipfileLockSource
from osi_check.sources.pnpm import PnpmLockSource
from osi_check.sources.poetry_lock import PoetryLockSource
from osi_check.sources.pylock import PylockSource
from osi_check.sources.pyproject import PyprojectSource
from osi_check.sources.python_requirements import RequirementsSource
from osi_check.sources.sbom_cyclonedx import CycloneDxSbomSource
from osi_check.sources.sbom_spdx import SpdxSbomSource
from osi_check.sources.suitecrm import SuiteCrmManifestSource
from osi_check.sources.uv_lock import UvLockSource
from osi_check.sources.vendored import VendoredManifestSource, VendoredPackageSource
from osi_check.sources.yarn import YarnLockSource

SOURCES: tuple[Reader, ...] = (
    # PHP
    ComposerSource(),
    ComposerInstalledSource(),
    VendoredPackageSource(),
    VendoredManifestSource(),
    # JavaScript
    NpmLockSource(),
    YarnLockSource(),
    PnpmLockSource(),
    InstalledNpmSource(),
    BowerSource(),
    CopiedLibrarySource(),
    # Python and Odoo
    RequirementsSource(),
    PyprojectSource(),
    PoetryLockSource(),
    UvLockSource(),
    PipfileLockSource(),
    PylockSource(),
    InstalledPythonSource(),
    OdooManifestSource(),
    # Ruby, Java, Go
    GemfileLockSource(),
    GemspecSource(),
    MavenPomSource(),
    GoModSource(),
    # CRM extension manifests
    SuiteCrmManifestSource(),
    EspoCrmExtensionSource(),
    CiviCrmInfoSource(),
    # SBOMs handed over with a delivery
    SpdxSbomSource(),
    CycloneDxSbomSource(),
)
