"""The OpenAPI schema is valid without warnings and the docs work under our CSP."""
import re

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_api_docs_page_loads_its_scripts_from_our_own_origin(client, coordinator):
    client.force_login(coordinator)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = page.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="' in attributes for attributes in scripts), "no inline script"
    assert "<style" not in html and "http://" not in html and "https://" not in html
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in src and src.startswith("/static/") for src in sources)
    init_src = next(src for src in sources if "script=" in src).replace("&amp;", "&")
    init = client.get(init_src)
    assert init.status_code == 200 and init["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in init.content.decode()


@pytest.mark.django_db
def test_schema_is_served_as_openapi_3(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ["/api/v1/detainees/{id}/", "/api/v1/cycles/", "/api/v1/facilitators/", "/api/v1/auth/token/"]:
        assert path in schema["paths"], path


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
