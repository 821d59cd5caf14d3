"""Ecosystem sources: one module per manifest/lockfile format, all implementing `Reader`.

The registry below is explicit (no import-time discovery), so what osi-check reads is visible in one
place and a test can check that every module here is registered.
"""

from __future__ import annotations

from osi_check.reader import Reader
from osi_check.sources.composer import ComposerSource
from osi_check.sources.npm import NpmLockSource
from osi_check.sources.odoo import OdooManifestSource

SOURCES: tuple[Reader, ...] = (
    ComposerSource(),
    NpmLockSource(),
    OdooManifestSource(),
)
