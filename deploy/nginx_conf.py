"""The nginx site configuration for several app processes: sticky sessions by a cookie nginx sets itself, and the
websocket Streamlit talks over (/_stcore/stream) proxied through.

    python deploy/nginx_conf.py --ports 8501 8502 --server-name bhxh.example.vn \\
        --cert /etc/ssl/vnsi.crt --key /etc/ssl/vnsi.key > /etc/nginx/sites-available/vnsi

prints the `upstream`, `map` and `server` blocks (they go inside nginx's `http { }`, which Debian's
/etc/nginx/nginx.conf includes from sites-enabled/). Without --cert it listens on plain HTTP (behind another TLS
proxy, or for a test: tests/deploy/ runs this very output). Why each line is there: README, "Deployment".
"""
from __future__ import annotations

import argparse

TEMPLATE = """\
upstream vnsi {
    hash $vnsi_sid consistent;          # same cookie -> same app process (page, static files and websocket)
@SERVERS@
}

map $cookie_vnsi_sid $vnsi_sid {        # first visit: a new id; afterwards: the browser's cookie
    ""      $request_id;
    default $cookie_vnsi_sid;
}

map $http_upgrade $connection_upgrade {
    default upgrade;
    ""      close;
}

server {
@LISTEN@
    server_name @SERVER_NAME@;
    client_max_body_size 100m;          # = server.maxUploadSize in .streamlit/config.toml

    location / {
        proxy_pass http://vnsi;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;          # Streamlit talks over a websocket (/_stcore/stream)
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_read_timeout 1d;                            # a session's websocket stays open while the tab is open
        proxy_buffering off;
        proxy_next_upstream error timeout;                # a process that is down: the request goes to another
        proxy_connect_timeout 5s;
        add_header Set-Cookie "vnsi_sid=$vnsi_sid; Path=/; HttpOnly;@SECURE@ SameSite=Lax; Max-Age=43200";
@EXTRA@
    }
}
"""


def render(ports: list[int], listen: str = "443", server_name: str = "_", cert: str | None = None,
           key: str | None = None, host: str = "127.0.0.1", extra: str = "") -> str:
    """The site configuration for app processes on `host`:`ports`. With `cert` and `key`, TLS (HTTP/2) on `listen`;
    without, plain HTTP on `listen` (an address:port or a port). `extra`: lines added to the location (a test adds a
    header naming the process that answered)."""
    servers = "\n".join(f"    server {host}:{p} max_fails=3 fail_timeout=10s;" for p in ports)
    if cert and key:
        lines = [f"    listen {listen} ssl http2;", f"    ssl_certificate {cert};", f"    ssl_certificate_key {key};"]
        secure = " Secure;"
    else:
        lines = [f"    listen {listen};"]
        secure = ""
    return (TEMPLATE.replace("@SERVERS@", servers).replace("@LISTEN@", "\n".join(lines))
            .replace("@SERVER_NAME@", server_name).replace("@SECURE@", secure)
            .replace("@EXTRA@", "\n".join("        " + x for x in extra.splitlines())))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ports", type=int, nargs="+", default=[8501, 8502], help="the app processes' ports")
    ap.add_argument("--host", default="127.0.0.1", help="where the app processes listen")
    ap.add_argument("--listen", default=None, help="nginx's address:port or port (443 with TLS, 80 without)")
    ap.add_argument("--server-name", default="_")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    a = ap.parse_args()
    listen = a.listen or ("443" if a.cert and a.key else "80")
    print(render(a.ports, listen, a.server_name, a.cert, a.key, a.host), end="")


if __name__ == "__main__":
    main()
