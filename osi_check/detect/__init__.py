"""License-evidence detectors: license texts, notices and tags found in the files themselves.

Explicit registry, like `osi_check.sources`.
"""

from __future__ import annotations

from osi_check.detect.license_files import LicenseFileDetector
from osi_check.detect.file_evidence import FileEvidenceDetector
from osi_check.reader import Reader

DETECTORS: tuple[Reader, ...] = (
    LicenseFileDetector(),
    FileEvidenceDetector(),
)
