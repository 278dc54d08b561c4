"""CRM tables. Each module holds one part of the CRM; this package re-exports them."""
