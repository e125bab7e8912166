#!/usr/bin/env python3
"""An HTTP server that reads each request's body and throws it away: what moving a file over
loopback costs, with no framework and no parsing. Usage: sink.py PORT. Answers 201 with the
bytes it read and the CPU seconds it spent reading them (user + system), as JSON."""
import os
import socket
import sys

BUFFER = 1 << 20


def serve(conn, buf):
    head = b""
    while b"\r\n\r\n" not in head:
        more = conn.recv(65536)
        if not more:
            return
        head += more
    headers, body = head.split(b"\r\n\r\n", 1)
    length = next((int(line.split(b":", 1)[1]) for line in headers.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), None)
    if length is None:
        conn.sendall(b"HTTP/1.1 411 Length Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        return
    t0 = os.times()
    left = length - len(body)
    view = memoryview(buf)
    while left > 0:
        n = conn.recv_into(view, min(left, BUFFER))
        if n == 0:
            return
        left -= n
    t1 = os.times()
    cpu = (t1.user - t0.user) + (t1.system - t0.system)
    answer = b'{"bytes": %d, "cpuSeconds": %.2f}' % (length, cpu)
    conn.sendall(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                 b"Connection: close\r\n\r\n%s" % (len(answer), answer))


def main():
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", int(sys.argv[1])))
    server.listen(1)
    buf = bytearray(BUFFER)
    while True:
        conn, _ = server.accept()
        with conn:
            serve(conn, buf)


if __name__ == "__main__":
    main()
