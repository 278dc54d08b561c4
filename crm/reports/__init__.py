"""Reports and charts fundraisers decide by: the dashboard page, the admin-home panel's lists and the
Wagtail report views (the selectors package reads, charts.py draws, the viewsets package serves)."""
