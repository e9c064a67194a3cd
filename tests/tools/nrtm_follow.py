#!/usr/bin/env python3
"""Follows an NRTM stream kept open (-k): connects to 127.0.0.1:PORT, sends QUERY,
then prints, in the order they arrive, every warning line and every complete block
(%START ... %END), each block after a line with the time it arrived (Unix seconds,
float), until SECONDS passed."""
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
        warning, start = buf.find(b"% Warning"), buf.find(b"%START")
        if warning >= 0 and (start < 0 or warning < start):
            nl = buf.find(b"\n", warning)
            if nl < 0:
                break
            print(buf[warning:nl].decode(), flush=True)
            buf = buf[nl + 1:]
            continue
        stop = buf.find(b"%END", start) if start >= 0 else -1
        nl = buf.find(b"\n", stop) if stop >= 0 else -1
        if start < 0 or nl < 0:
            break
        print("@ %.3f" % time.time())
        sys.stdout.write(buf[start:nl + 1].decode())
        sys.stdout.flush()
        buf = buf[nl + 1:]
