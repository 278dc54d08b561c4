"""Donor list import: read CSV files as fundraisers get them (Excel exports in Shift_JIS or UTF-8,
Japanese or English headers, full-width digits, Japanese era dates) and turn each row into a
normalised record that `crm.services.imports` writes.

Modules:
- `reading`: encoding detection and streaming rows out of a file.
- `headers`: map the many spellings of a column header onto one field name.
- `normalise`: one function per kind of value (postal code, phone, date, amount...).
- `rows`: turn one CSV row into an `ImportRow` or a list of per-column errors.
"""
