"""Staff accounts: lock-out, two-step verification, session limits, the audit trail, demo password."""

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from accounts.checks import published_password_in_use
from accounts.middleware import LAST_SEEN_SESSION_KEY

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = "/admin/login/"
DONORS = "/admin/crm/donors/"


def _staff(username: str, *, group: str | None = None, superuser: bool = False):
    User = get_user_model()
    if superuser:
        user = User.objects.create_superuser(
            username=username, email=f"{username}@example.org", password=PASSWORD
        )
    else:
        user = User.objects.create_user(username=username, email=f"{username}@example.org", password=PASSWORD)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def _login(client: Client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_account_with_a_clear_message():
    _staff("fumiko", group="Fundraising")
    client = Client()
    for _ in range(4):
        assert _login(client, "fumiko", "wrong-password").status_code == 200
    # The fifth failure is the one that locks.
    assert _login(client, "fumiko", "wrong-password").status_code == 429
    locked = _login(client, "fumiko", PASSWORD)
    assert locked.status_code == 429
    assert "Login locked" in locked.content.decode() or "ログイン" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The account is locked from every address, not only the one that guessed.
    assert _login(Client(), "fumiko", PASSWORD, address="198.51.100.9").status_code == 429


def test_one_address_guessing_many_accounts_is_locked_too():
    _staff("kenji")
    client = Client()
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        _login(client, name, "whatever", address="192.0.2.50")
    assert _login(client, "kenji", PASSWORD, address="192.0.2.50").status_code == 429
    # Another address still gets in.
    assert _login(Client(), "kenji", PASSWORD, address="192.0.2.51").status_code == 302


def test_lockouts_are_keyed_on_the_forwarded_client_address_behind_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    _staff("kenji")
    for name in ["b1", "b2", "b3", "b4", "b5"]:
        Client().post(
            LOGIN,
            {"username": name, "password": "x"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="192.0.2.60",
        )
    # Same proxy, different visitor: not locked.
    ok = Client().post(
        LOGIN,
        {"username": "kenji", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.61",
    )
    assert ok.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.60"}


def test_a_superuser_lifts_a_lockout_from_the_admin_and_it_is_logged():
    _staff("fumiko", group="Fundraising")
    for _ in range(5):
        _login(Client(), "fumiko", "wrong-password")
    admin = _staff("boss", superuser=True)
    boss = Client()
    boss.force_login(admin)
    listing = boss.get(reverse("accounts_lockouts"))
    assert listing.status_code == 200 and "fumiko" in listing.content.decode()
    boss.post(reverse("accounts_lockout_lift"), {"username": "fumiko"})
    assert _login(Client(), "fumiko", PASSWORD).status_code == 302
    assert ModelLogEntry.objects.filter(action="accounts.unlocked", user=admin).exists()


def test_only_superusers_see_the_lockouts():
    client = Client()
    client.force_login(_staff("fumiko", group="Fundraising"))
    assert client.get(reverse("accounts_lockouts")).status_code in (302, 403)
    assert client.post(reverse("accounts_lockout_lift"), {"username": "x"}).status_code in (302, 403)


def test_logins_and_failed_logins_are_in_the_audit_log_with_who_and_where():
    user = _staff("fumiko", group="Fundraising")
    _login(Client(), "fumiko", "wrong-password", address="198.51.100.1")
    _login(Client(), "fumiko", PASSWORD, address="198.51.100.2")
    failed = ModelLogEntry.objects.get(action="accounts.login_failed")
    assert failed.object_id == str(user.pk) and failed.user is None
    assert failed.data["address"] == "198.51.100.1"
    ok = ModelLogEntry.objects.get(action="accounts.login")
    assert ok.user == user and ok.data["address"] == "198.51.100.2" and ok.timestamp is not None


@pytest.fixture
def two_factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True


@pytest.mark.parametrize("kind", ["fundraiser", "superuser"])
def test_unverified_fundraiser_or_superuser_is_sent_to_set_up_and_cannot_reach_the_crm(two_factor_on, kind):
    user = _staff("u", group="Fundraising") if kind == "fundraiser" else _staff("u", superuser=True)
    client = Client()
    client.force_login(user)
    for url in ["/admin/", DONORS, "/admin/crm/donations/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts_two_factor_setup"))
    assert client.get(reverse("accounts_two_factor_setup")).status_code == 200


def test_communications_may_work_without_two_step_verification(two_factor_on):
    client = Client()
    client.force_login(_staff("c", group="Communications"))
    assert client.get("/admin/").status_code == 200


def test_setting_up_then_verifying_with_the_app_and_with_a_recovery_code(two_factor_on):
    user = _staff("fumiko", group="Fundraising")
    client = Client()
    client.force_login(user)
    setup = client.get(reverse("accounts_two_factor_setup"))
    assert b"data:image/svg+xml" in setup.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(
        reverse("accounts_two_factor_setup"), {"code": "000000" if totp(device.bin_key) != 0 else "111111"}
    )
    assert wrong.status_code == 200 and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    time.sleep(1.1)  # django-otp makes the next try wait 1 s after a wrong code (2 s after two, ...)
    done = client.post(reverse("accounts_two_factor_setup"), {"code": f"{totp(device.bin_key):06d}"})
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get(DONORS).status_code == 200

    # A new session (a later login) must pass verification first.
    later = Client()
    later.force_login(user)
    response = later.get(DONORS)
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts_two_factor_verify")
    )
    bad = later.post(reverse("accounts_two_factor_verify"), {"code": "not-a-code", "next": DONORS})
    assert bad.status_code == 200 and later.get(DONORS).status_code == 302
    time.sleep(1.1)
    good = later.post(reverse("accounts_two_factor_verify"), {"code": codes[0], "next": DONORS})
    assert good.status_code == 302 and good["Location"] == DONORS
    assert later.get(DONORS).status_code == 200

    # A recovery code works once.
    third = Client()
    third.force_login(user)
    third.post(reverse("accounts_two_factor_verify"), {"code": codes[0]})
    assert third.get(DONORS).status_code == 302
    actions = set(ModelLogEntry.objects.filter(object_id=str(user.pk)).values_list("action", flat=True))
    assert {
        "accounts.two_factor_enabled",
        "accounts.two_factor_verified",
        "accounts.two_factor_failed",
    } <= actions


def test_verification_cannot_be_skipped_by_a_next_to_another_site(two_factor_on):
    user = _staff("fumiko", group="Fundraising")
    client = Client()
    client.force_login(user)
    client.get(reverse("accounts_two_factor_setup"))
    device = TOTPDevice.objects.get(user=user)
    done = client.post(
        reverse("accounts_two_factor_setup"),
        {"code": f"{totp(device.bin_key):06d}", "next": "https://evil.example/"},
    )
    assert "evil.example" not in done.content.decode()


def test_the_account_page_links_to_two_step_verification():
    client = Client()
    client.force_login(_staff("c", group="Communications"))
    assert reverse("accounts_two_factor") in client.get(reverse("wagtailadmin_account")).content.decode()
    assert client.get(reverse("accounts_two_factor")).status_code == 200


def test_sessions_end_after_ten_hours_and_after_half_an_hour_idle(settings):
    assert 8 * 3600 <= settings.SESSION_COOKIE_AGE <= 12 * 3600
    client = Client()
    client.force_login(_staff("c", group="Communications"))
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = int(time.time()) - settings.STAFF_IDLE_TIMEOUT - 5
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and LOGIN in response["Location"]


def test_the_published_demo_password_is_refused(settings):
    with pytest.raises(ValidationError):
        validate_password(settings.PUBLISHED_DEMO_PASSWORDS[0])
    validate_password("a long and unpublished passphrase")


def test_load_demo_data_refuses_under_production_settings(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo_data", "--skip-crm", "--skip-index")
    assert not get_user_model().objects.filter(username="admin").exists()


def test_deploy_check_reports_a_staff_account_with_the_demo_password(settings):
    User = get_user_model()
    User.objects.create_superuser(
        username="admin", email="a@example.org", password=settings.PUBLISHED_DEMO_PASSWORDS[0]
    )
    errors = published_password_in_use()
    assert [error.id for error in errors] == ["accounts.E001"]
    User.objects.filter(username="admin").update(password="!")
    assert published_password_in_use() == []
