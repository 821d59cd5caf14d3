"""Vendor price lists: what may be charged for open-source components, judged against their licenses.

`price_list` reads the documented YAML/CSV format, `knowledge` holds the fee terms per license
(rules/knowledge/fees.yaml), `judge` turns each line item into a `FeeItem` with a verdict and the clause behind it.
"""
