"""A development aid, not part of the product: enough of ClickHouse's HTTP
interface, served by chDB (the ClickHouse engine in-process, from PyPI), for
clickhouse-go's HTTP protocol. It lets the ClickHouse tests run on a machine
with no ClickHouse server and no Docker:

    pip install chdb-core
    python3 schemas/clickhouse/chdb_http.py 18123 /tmp/chdb-data &
    MIE_TEST_CLICKHOUSE=http://127.0.0.1:18123/default go test ./projections/clickhouse/

It is not a ClickHouse server: one query at a time, no compression, no
native protocol, no authentication, errors as "Code: N. ..." text. The
server version it reports (25.8.1.1) is the oldest the engine supports, not
chDB's. What it checks is the SQL and the driver's types against a real
ClickHouse engine; the native protocol is checked only against a real server
(MIE_TEST_CLICKHOUSE=clickhouse://... or testcontainers).
"""
import os, re, struct, sys, tempfile, threading, urllib.parse, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from chdb import session

DIR = sys.argv[2] if len(sys.argv) > 2 else "/tmp/chbridge/db"
sess = session.Session(DIR)
lock = threading.Lock()
HELLO = "SELECT displayName(), version(), revision(), timezone()"

def uvarint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)

def s(x):
    b = x.encode()
    return uvarint(len(b)) + b

def hello():
    # one block in the client-revision layout: block info, then per column
    # name, type, custom-serialization flag (0), data. Revision 0 makes the
    # driver read plain Native (what chDB writes) afterwards.
    out = uvarint(1) + b"\x00" + uvarint(2) + struct.pack("<i", -1) + uvarint(0)
    out += uvarint(4) + uvarint(1)
    for name, typ, data in [("displayName()", "String", s("chdb-bridge")),
                            ("version()", "String", s("25.8.1.1")),
                            ("revision()", "UInt32", struct.pack("<I", 0)),
                            ("timezone()", "String", s("UTC"))]:
        out += s(name) + s(typ) + b"\x00" + data
    return out

INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(.+?)\s*(\(.*\))?\s*FORMAT\s+Native\s*$", re.I | re.S)

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def reply(self, code, body, headers=()):
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        if u.path in ("/", "/ping"):
            return self.reply(200, b"Ok.\n")
        self.do_POST()
    def do_POST(self):
        u = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(u.query)
        n = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = bytearray()
            while True:
                size = int(self.rfile.readline().strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    break
                body += self.rfile.read(size)
                self.rfile.readline()
            body = bytes(body)
        else:
            body = self.rfile.read(n) if n else b""
        sql = q.get("query", [None])[0]
        data = None
        if sql is None:
            sql = body.decode()
        else:
            data = body
        db = q.get("database", [None])[0]
        if sql.strip() == HELLO:
            return self.reply(200, hello())
        with lock:
            try:
                if db:
                    sess.query("USE " + db)
                m = INSERT.match(sql)
                if m and data is not None:
                    path = os.path.join(tempfile.gettempdir(), "chb-" + uuid.uuid4().hex + ".native")
                    with open(path, "wb") as f:
                        f.write(data)
                    try:
                        cols = m.group(2) or ""
                        sess.query(f"INSERT INTO {m.group(1)} {cols} SELECT * FROM file('{path}', 'Native')")
                    finally:
                        os.remove(path)
                    return self.reply(200, b"")
                r = sess.query(sql, "Native")
                out = r.bytes() if r is not None else b""
                return self.reply(200, out or b"")
            except Exception as e:
                msg = str(e)
                code = re.search(r"Code:\s*(\d+)", msg)
                code = code.group(1) if code else "1000"
                if not msg.startswith("Code:"):
                    msg = f"Code: {code}. DB::Exception: {msg}"
                return self.reply(500, msg.encode(), [("X-ClickHouse-Exception-Code", code)])

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
