"""Thin typed clients for the outside services the CRM talks to. No ORM writes, no import-time state."""
