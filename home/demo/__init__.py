"""Demo content for the public site: text in `content`, generated pictures in `images`.

`manage.py load_demo_data` turns both into pages, snippets and images in Japanese and English.
"""
