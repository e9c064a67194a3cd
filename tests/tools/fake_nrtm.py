#!/usr/bin/env python3
"""A hostile NRTM upstream for the mirror tests: on 127.0.0.1, a free port (printed
first), each connection reads one query line and gets the bytes of the file named on
the command line (read at that moment, so a test can change the answer between runs),
then the connection is closed. The queries are appended to FILE.queries."""
import socket
import sys

answer_file = sys.argv[1]
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(8)
print(server.getsockname()[1], flush=True)
while True:
    conn, _ = server.accept()
    query = b""
    while not query.endswith(b"\n"):
        chunk = conn.recv(1024)
        if not chunk:
            break
        query += chunk
    with open(answer_file + ".queries", "ab") as log:
        log.write(query)
    with open(answer_file, "rb") as f:
        conn.sendall(f.read())
    conn.close()
