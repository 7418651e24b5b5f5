#!/usr/bin/env python3
"""Relays 9P connections from a Unix socket to the real server's Unix socket and records every
client-to-server byte, one file per connection (conn-<n>.9p), for the session fuzzer's seeds.

Usage: record_proxy.py LISTEN_SOCKET SERVER_SOCKET RECORD_DIR
"""
import os
import selectors
import socket
import sys


def main():
    listen_path, server_path, record_dir = sys.argv[1:4]
    os.makedirs(record_dir, exist_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(listen_path)
    listener.listen(64)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, None)
    peer = {}  # socket -> (other socket, record file or None)
    count = len(os.listdir(record_dir))
    while True:
        for key, _ in sel.select():
            sock = key.fileobj
            if sock is listener:
                client, _ = listener.accept()
                server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                server.connect(server_path)
                count += 1
                record = open(os.path.join(record_dir, f"conn-{count}.9p"), "wb")
                peer[client] = (server, record)
                peer[server] = (client, None)
                sel.register(client, selectors.EVENT_READ, None)
                sel.register(server, selectors.EVENT_READ, None)
                continue
            if sock not in peer:
                continue
            other, record = peer[sock]
            try:
                data = sock.recv(1 << 20)
            except OSError:
                data = b""
            if data:
                if record:
                    record.write(data)
                    record.flush()
                other.sendall(data)
                continue
            for s in (sock, other):
                _, rec = peer.pop(s, (None, None))
                if rec:
                    rec.close()
                sel.unregister(s)
                s.close()


if __name__ == "__main__":
    main()
