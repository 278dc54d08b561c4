import pytest

pytestmark = pytest.mark.django_db


def test_campaign_page_renders_in_japanese(client, site_tree):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "あなたもWELgeeファミリーになりませんか?" in html
    assert '<html lang="ja">' in html


def test_campaign_page_renders_in_english(client, site_tree):
    response = client.get("/en/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
