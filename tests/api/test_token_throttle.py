"""The token endpoint's throttle counts per client address, and a client cannot pose as others.

The address is the one the ASGI server resolved: X-Forwarded-For counts only when it
comes from a proxy of FORWARDED_ALLOW_IPS (riskplatform/serve.py), and DRF keys on
that address alone (NUM_PROXIES = 0), never on the header as the client sent it.
"""

import json
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle

LIMIT, _PERIOD = ScopedRateThrottle().parse_rate(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth-token"])
# The throttle counts every request before the credentials are read, so the attempts
# carry none: no password is hashed, and django-axes (which locks out a username that
# fails too often, also with a 429) has nothing to count.
NO_CREDENTIALS = {}


def ask_for_token(api, **headers):
    return api().post("/api/auth/token/", NO_CREDENTIALS, format="json", **headers)


def test_the_limit_applies_per_address(api, db):
    statuses = [ask_for_token(api, REMOTE_ADDR="198.51.100.7").status_code for _ in range(LIMIT + 1)]
    assert 429 not in statuses[:LIMIT] and statuses[LIMIT] == 429
    # Another address has its own allowance.
    assert ask_for_token(api, REMOTE_ADDR="198.51.100.8").status_code != 429


def test_a_made_up_forwarded_for_header_does_not_reset_the_count(api, db):
    statuses = [
        ask_for_token(api, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(LIMIT + 1)
    ]
    assert statuses[LIMIT] == 429


def post_to(server, forwarded_for: str | None = None) -> int:
    headers = {"Content-Type": "application/json"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    body = json.dumps(NO_CREDENTIALS).encode()
    try:
        with urlopen(Request(f"{server.url}/api/auth/token/", data=body, headers=headers), timeout=10) as response:
            return response.status
    except HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_through_the_server_a_client_that_is_not_a_trusted_proxy_cannot_dodge_the_throttle(start_asgi_server):
    # The tests connect from 127.0.0.1; here only some other host is the trusted proxy.
    server = start_asgi_server(FORWARDED_ALLOW_IPS="192.0.2.10")

    statuses = [post_to(server, forwarded_for=f"203.0.113.{n}") for n in range(LIMIT + 1)]

    assert 429 not in statuses[:LIMIT] and statuses[LIMIT] == 429


@pytest.mark.django_db(transaction=True)
def test_through_the_server_a_trusted_proxy_speaks_for_its_clients(asgi_server):
    # The session's server trusts the loopback (the default), as behind a local reverse proxy.
    clients = [post_to(asgi_server, forwarded_for=f"203.0.113.{n}") for n in range(LIMIT + 1)]
    assert 429 not in clients, "each forwarded client has its own allowance"

    one_client = [post_to(asgi_server, forwarded_for="198.51.100.99") for _ in range(LIMIT + 1)]
    assert 429 not in one_client[:LIMIT] and one_client[LIMIT] == 429
    # A client who prepends a made-up address is still known by the one the proxy appended.
    assert post_to(asgi_server, forwarded_for="203.0.113.250, 198.51.100.99") == 429
