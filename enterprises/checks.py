"""Deployment checks of the registry (`manage.py check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_public(app_configs, **kwargs):
    """QR tags printed for the street carry SITE_URL; the demo's address would lead nowhere."""
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme != "https" or parts.hostname in (None, "127.0.0.1", "localhost"):
        return [
            Warning(
                f"SITE_URL is {settings.SITE_URL!r}; QR tags would carry it.",
                hint="Set SITE_URL to the platform's public https address, e.g. https://safety.example.gov.cn",
                id="enterprises.W001",
            )
        ]
    return []
