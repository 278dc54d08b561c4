import pytest
from django.contrib.auth import get_user_model

# live_server needs committed data; serialized_rollback restores what migrations created (root page,
# root collection, default site) after each test flushes the tables.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_admin_login_page_loads(page):
    response = page.goto("/admin/login/")
    assert response is not None and response.status == 200
    assert page.locator("input[name=username]").is_visible()
    assert page.locator("input[name=password]").is_visible()


def test_superuser_logs_in_and_sees_the_dashboard(page):
    get_user_model().objects.create_superuser("staff", "staff@example.org", "correct horse battery")

    page.goto("/admin/login/")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", "correct horse battery")
    page.locator("form button[type=submit]").click()

    page.wait_for_url("**/admin/")
    # The dashboard greets the user by name and carries the sidebar with the site's menu.
    assert page.locator("main").count() == 1
    assert "staff" in page.locator("main").inner_text()
    assert page.locator("[data-side-panel], #wagtail-sidebar, aside").count() >= 1


def test_wrong_password_stays_on_the_login_page(page):
    get_user_model().objects.create_superuser("staff", "staff@example.org", "correct horse battery")

    page.goto("/admin/login/")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", "wrong")
    page.locator("form button[type=submit]").click()

    page.wait_for_load_state()
    assert "/admin/login/" in page.url
    assert page.locator("input[name=password]").is_visible()
