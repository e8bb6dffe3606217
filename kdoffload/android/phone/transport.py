"""One TCP connection from an adb server: the CNXN handshake, then streams multiplexed over it.

Each OPEN starts a service in its own thread. A service reads what the host writes to its stream
and writes back; every WRTE waits for the host's OKAY, as adbd does, so a slow host is never
flooded. The handshake can be made to fail the two ways a real phone does: `auth` answers with an
AUTH token and never accepts the key (adb shows the device `unauthorized`), `silent` never
answers (adb shows it `offline`).
"""

from __future__ import annotations

import itertools
import os
import queue
import socket
import threading
from typing import Callable

from kdoffload.android.phone import wire
from kdoffload.android.phone.wire import (AUTH, CLSE, CNXN, MAX_PAYLOAD, OKAY, OPEN, WRTE,
                                          ConnectionClosed, Message)

ACK_TIMEOUT_S = 60.0


class Stream:
    """A service's end of one adb stream: read() what the host sent, write() back, close()."""

    def __init__(self, connection: Connection, local_id: int, remote_id: int):
        self.connection, self.local_id, self.remote_id = connection, local_id, remote_id
        self.inbox: queue.Queue[bytes | None] = queue.Queue()
        self.acked = threading.Event()
        self.closed = False
        self._pending = b""

    def read(self) -> bytes:
        """The next bytes the host wrote; b"" once the host closed the stream."""
        if self._pending:
            data, self._pending = self._pending, b""
            return data
        data = self.inbox.get()
        if data is None:
            self.inbox.put(None)  # stay at end of stream for later reads
            return b""
        return data

    def read_exactly(self, count: int) -> bytes:
        out = bytearray()
        while len(out) < count:
            data = self.read()
            if not data:
                raise ConnectionClosed()
            out += data
        self._pending = bytes(out[count:])
        return bytes(out[:count])

    def write(self, data: bytes) -> None:
        size = self.connection.max_payload
        for begin in range(0, len(data), size):
            if self.closed:
                raise ConnectionClosed()
            self.acked.clear()
            self.connection.send(Message(WRTE, self.local_id, self.remote_id, data[begin:begin + size]))
            if not self.acked.wait(ACK_TIMEOUT_S) or self.closed:
                raise ConnectionClosed()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.connection.send(Message(CLSE, self.local_id, self.remote_id))
            self.connection.forget(self.local_id)


Service = Callable[[Stream], None]


class Connection:
    def __init__(self, sock: socket.socket, banner: str, handshake: str,
                 resolve: Callable[[str], Service | None]):
        self.sock, self.banner, self.handshake, self.resolve = sock, banner, handshake, resolve
        self.max_payload = MAX_PAYLOAD
        self._send_lock = threading.Lock()
        self._streams: dict[int, Stream] = {}
        self._ids = itertools.count(1)

    def send(self, message: Message) -> None:
        with self._send_lock:
            try:
                self.sock.sendall(message.pack())
            except OSError:
                pass  # the host went away; the reader loop ends the connection

    def forget(self, local_id: int) -> None:
        self._streams.pop(local_id, None)

    def run(self) -> None:
        try:
            if self._handshake():
                while True:
                    self._dispatch(wire.read_message(self.sock))
        except (ConnectionClosed, OSError):
            pass
        finally:
            for stream in list(self._streams.values()):
                stream.closed = True
                stream.inbox.put(None)
                stream.acked.set()
            self.sock.close()

    def _handshake(self) -> bool:
        """True once connected; never returns for a phone that refuses or ignores the host."""
        first = wire.read_message(self.sock)
        while first.command != CNXN:
            first = wire.read_message(self.sock)
        self.max_payload = max(4096, min(MAX_PAYLOAD, first.arg1))
        if self.handshake == "silent":
            while True:
                wire.read_message(self.sock)
        if self.handshake == "auth":
            # Every signature is answered with a new token, so the host ends by offering its
            # public key, which is never accepted: the state a phone shows until its owner agrees.
            self.send(Message(AUTH, wire.AUTH_TOKEN, 0, os.urandom(20)))
            while True:
                if wire.read_message(self.sock).arg0 == wire.AUTH_SIGNATURE:
                    self.send(Message(AUTH, wire.AUTH_TOKEN, 0, os.urandom(20)))
        self.send(Message(CNXN, wire.VERSION, MAX_PAYLOAD, self.banner.encode()))
        return True

    def _dispatch(self, message: Message) -> None:
        if message.command == OPEN:
            self._open(message)
            return
        stream = self._streams.get(message.arg1)
        if stream is None:
            return
        if message.command == WRTE:
            stream.inbox.put(message.payload)
            self.send(Message(OKAY, stream.local_id, stream.remote_id))
        elif message.command == OKAY:
            stream.acked.set()
        elif message.command == CLSE:
            stream.inbox.put(None)
            stream.acked.set()
            stream.close()

    def _open(self, message: Message) -> None:
        name = message.payload.rstrip(b"\0").decode("utf-8", "replace")
        service = self.resolve(name)
        if service is None:
            self.send(Message(CLSE, 0, message.arg0))
            return
        stream = Stream(self, next(self._ids), message.arg0)
        self._streams[stream.local_id] = stream
        self.send(Message(OKAY, stream.local_id, stream.remote_id))
        threading.Thread(target=self._serve, args=(service, stream), daemon=True).start()

    @staticmethod
    def _serve(service: Service, stream: Stream) -> None:
        try:
            service(stream)
        except ConnectionClosed:
            pass
        finally:
            stream.close()
