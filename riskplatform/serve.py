"""Serve the ASGI application with uvicorn: ``python -m riskplatform.serve [--host H] [--port P]``.

Every deployment starts the web server through this module (Procfile, Dockerfile,
the test suite), so that the proxy trust comes from one setting: uvicorn takes the
client address and scheme from X-Forwarded-For and X-Forwarded-Proto only when the
connection comes from an address of ``settings.FORWARDED_ALLOW_IPS``. Anyone else
who sends those headers is answered as the address they connect from, so the API
throttles and the sign-in lockout cannot be dodged with a made-up header.
"""

import argparse
import os

import uvicorn


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m riskplatform.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="address (default: $HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")), help="port (default: $PORT or 8000)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskplatform.settings")
    from django.conf import settings

    uvicorn.run(
        "riskplatform.asgi:application",
        host=args.host,
        port=args.port,
        proxy_headers=True,
        forwarded_allow_ips=settings.FORWARDED_ALLOW_IPS,
        # The Channels router speaks HTTP and WebSocket only; Django needs no start-up hook.
        lifespan="off",
        server_header=False,
    )


if __name__ == "__main__":
    main()
