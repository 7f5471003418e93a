#!/usr/bin/env python3
"""Opens N idle, authenticated WebSockets to Ruche's /api/v1/events.

Usage: ws_idle.py URL TOKENS_FILE N
Each connection authenticates with one of the tokens (round robin), completes
the handshake, waits for the server's "hello" frame (proof that it is
registered with the event hub), then stays idle. Prints "ready OK/N" and
keeps the connections open until its standard input closes.
"""
import asyncio
import base64
import os
import resource
import sys
from urllib.parse import urlparse


async def read_frame(reader):
    head = await reader.readexactly(2)
    length = head[1] & 0x7F
    if length == 126:
        length = int.from_bytes(await reader.readexactly(2), "big")
    elif length == 127:
        length = int.from_bytes(await reader.readexactly(8), "big")
    return head[0] & 0x0F, await reader.readexactly(length)


async def open_one(host, port, token, sem, conns):
    async with sem:
        try:
            reader, writer = await asyncio.open_connection(host, port)
            key = base64.b64encode(os.urandom(16)).decode()
            writer.write(
                (
                    f"GET /api/v1/events?token={token} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
                ).encode()
            )
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            if b" 101 " not in head.split(b"\r\n", 1)[0]:
                writer.close()
                return False
            while True:
                opcode, payload = await asyncio.wait_for(read_frame(reader), 30)
                if opcode == 1 and b'"type":"hello"' in payload:
                    break
            conns.append((reader, writer))
            return True
        except Exception as e:  # counted as a failure
            print("connection failed:", repr(e), file=sys.stderr)
            return False


async def main():
    url, tokens_file, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    tokens = [t.strip() for t in open(tokens_file) if t.strip()]
    u = urlparse(url)
    sem = asyncio.Semaphore(200)
    conns = []
    results = await asyncio.gather(
        *(open_one(u.hostname, u.port, tokens[i % len(tokens)], sem, conns) for i in range(n))
    )
    print(f"ready {sum(results)}/{n}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for _, w in conns:
        w.close()


asyncio.run(main())
