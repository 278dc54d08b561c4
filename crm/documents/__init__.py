"""Printed documents the CRM produces (receipts, statements, address labels, letters)."""
