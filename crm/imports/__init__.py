"""Donor list import: read CSV files as fundraisers get them (Excel exports in Shift_JIS or UTF-8,
Japanese or English headers, full-width digits, Japanese era dates) and turn each row into a
normalised record that `crm.imports.services.donors` writes.

Modules:
- `crm.donors.normalise` (shared with duplicate detection): one function per kind of value.
- `reading`: encoding detection and streaming rows out of a file.
- `headers`: map the many spellings of a column header onto one field name.
- `rows`: turn one CSV row into an `ImportRow` or a list of per-column errors.
"""
