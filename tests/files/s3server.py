"""A tiny S3-compatible object store on 127.0.0.1 for the tests: path-style PUT, GET, HEAD,
DELETE of objects and ListObjectsV2 with a delimiter, in memory, signatures not checked."""

import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape


class ObjectStore(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.objects: dict[tuple[str, str], tuple[bytes, str, float]] = {}
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: ObjectStore

    def log_message(self, *args):
        pass

    def _target(self) -> tuple[str, str, dict]:
        parts = urlsplit(self.path)
        bucket, _, key = parts.path.lstrip("/").partition("/")
        return bucket, unquote(key), parse_qs(parts.query)

    def _answer(self, status: int, body: bytes = b"", content_type: str = "application/xml", headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _missing(self):
        self._answer(404, b"<Error><Code>NoSuchKey</Code><Message>Not found</Message></Error>")

    def do_PUT(self):
        import time

        bucket, key, _query = self._target()
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.objects[(bucket, key)] = (body, self.headers.get("Content-Type", "binary/octet-stream"), time.time())
        self._answer(200, headers={"ETag": '"0"'})

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        bucket, key, query = self._target()
        if not key:
            return self._list(bucket, query)
        stored = self.server.objects.get((bucket, key))
        if stored is None:
            return self._missing()
        body, content_type, modified = stored
        self._answer(200, body, content_type, {"Last-Modified": formatdate(modified, usegmt=True), "ETag": '"0"'})

    def do_DELETE(self):
        bucket, key, _query = self._target()
        self.server.objects.pop((bucket, key), None)
        self._answer(204)

    def _list(self, bucket: str, query: dict):
        prefix = query.get("prefix", [""])[0]
        delimiter = query.get("delimiter", [""])[0]
        keys, prefixes = [], set()
        for stored_bucket, key in sorted(self.server.objects):
            if stored_bucket != bucket or not key.startswith(prefix):
                continue
            rest = key[len(prefix) :]
            if delimiter and delimiter in rest:
                prefixes.add(prefix + rest.split(delimiter)[0] + delimiter)
            else:
                keys.append(key)
        contents = "".join(
            f"<Contents><Key>{escape(key)}</Key><Size>{len(self.server.objects[(bucket, key)][0])}</Size></Contents>"
            for key in keys
        )
        common = "".join(f"<CommonPrefixes><Prefix>{escape(p)}</Prefix></CommonPrefixes>" for p in sorted(prefixes))
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            f"<Name>{escape(bucket)}</Name><Prefix>{escape(prefix)}</Prefix><KeyCount>{len(keys)}</KeyCount>"
            f"<IsTruncated>false</IsTruncated>{contents}{common}</ListBucketResult>"
        )
        self._answer(200, body.encode())
