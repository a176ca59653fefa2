#!/usr/bin/env python3
"""An echo server on 7777 that serves its clients with one selector (epoll on Linux), until
a client closes: registers the listening socket, then each connection."""
import selectors
import socket

sel = selectors.DefaultSelector()
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 7777))
listener.listen(5)
sel.register(listener, selectors.EVENT_READ)
done = False
while not done:
    for key, events in sel.select():
        if key.fileobj is listener:
            conn, addr = listener.accept()
            sel.register(conn, selectors.EVENT_READ)
        else:
            data = key.fileobj.recv(1500)
            if data:
                key.fileobj.sendall(data)
            else:
                sel.unregister(key.fileobj)
                key.fileobj.close()
                done = True
sel.close()
listener.close()
