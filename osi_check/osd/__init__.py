"""Open Source Definition assessment of license texts: the ten criteria, with the clause behind each verdict.

`assess` decides, `detectors` holds the clause detectors loaded from rules/osd-criteria/, `text` cuts a license
text into clauses with their positions, `curated` holds the analyst-written assessments of known non-OSI licenses.
"""
