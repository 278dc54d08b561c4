"""Reports and charts fundraisers decide by: the dashboard page, the admin-home panel's lists and the
Wagtail report views (selectors.py reads, charts.py draws, viewsets.py serves)."""
