"""Login throttling, CSP, session timeouts, production settings and the append-only audit log."""
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core import audit
from core.models import AuditAction, AuditEntry
from tests.factories import DetaineeFactory

pytestmark = pytest.mark.django_db
BASE_DIR = Path(settings.BASE_DIR)


def test_five_failed_logins_lock_the_username_even_for_the_right_password(client, coordinator):
    client.post("/i18n/setlang/", {"language": "en"})
    login = reverse("login")
    for _ in range(4):
        assert client.post(login, {"username": "coord", "password": "wrong-password"}).status_code == 200
    fifth = client.post(login, {"username": "coord", "password": "wrong-password"})
    assert fifth.status_code == 429
    assert "Too many failed sign-in attempts" in fifth.content.decode()
    locked = client.post(login, {"username": "coord", "password": "a-long-test-password"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_four_failed_logins_do_not_lock(client, coordinator):
    for _ in range(4):
        client.post(reverse("login"), {"username": "coord", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "coord", "password": "a-long-test-password"})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(coordinator.pk)


def test_pages_carry_a_self_only_content_security_policy(client, coordinator):
    client.force_login(coordinator)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_sessions_end_after_thirty_idle_minutes_and_with_the_browser(client, coordinator):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_SAVE_EVERY_REQUEST
    start = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client.post(reverse("login"), {"username": "coord", "password": "a-long-test-password"})
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get(reverse("home")).status_code == 200  # activity renews the session
    with time_machine.travel(start + dt.timedelta(minutes=29 + 31), tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    env = {
        **os.environ,
        "RELAIS_ENV": "production",
        "SECRET_KEY": "kV3p9-production-like-secret-with-enough-entropy-7Qz!x2Lm#8wRt5YbN0",
        "ALLOWED_HOSTS": "x",
        "RELAIS_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_audit_log_cannot_be_changed_or_deleted(coordinator):
    detainee = DetaineeFactory()
    entry = audit.record(coordinator, AuditAction.VIEW, detainee)
    entry.detail = "rewritten"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="rewritten")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


def test_audit_log_is_read_only_in_the_admin(client, administrator, coordinator):
    entry = audit.record(coordinator, AuditAction.VIEW, DetaineeFactory())
    client.force_login(administrator)
    assert client.get("/admin/core/auditentry/").status_code == 200
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    assert client.get(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    change = client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"detail": "rewritten"})
    assert change.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""
