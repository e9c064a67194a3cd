#!/usr/bin/env python3
"""Follows an NRTM stream kept open (-k): connects to 127.0.0.1:PORT, sends QUERY,
then prints every complete block (%START ... %END) with the time it arrived (Unix
seconds, float) on a line of its own before it, until SECONDS passed."""
import socket
import sys
import time

port, query, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(query.encode() + b"\n")
s.settimeout(0.05)
end = time.time() + seconds
buf = b""
while time.time() < end:
    try:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    except socket.timeout:
        pass
    while True:
        start = buf.find(b"%START")
        stop = buf.find(b"%END", start)
        nl = buf.find(b"\n", stop) if stop >= 0 else -1
        if start < 0 or stop < 0 or nl < 0:
            break
        print("@ %.3f" % time.time())
        sys.stdout.write(buf[start:nl + 1].decode())
        sys.stdout.flush()
        buf = buf[nl + 1:]
    if b"% Warning" in buf:
        line_end = buf.find(b"\n", buf.find(b"% Warning"))
        if line_end >= 0:
            print(buf[buf.find(b"% Warning"):line_end].decode(), flush=True)
            buf = buf[line_end + 1:]
