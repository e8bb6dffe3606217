"""adb's transport messages: a 24-byte little-endian header and a payload.

Header: command, arg0, arg1, payload length, byte sum of the payload, command ^ 0xffffffff.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

CNXN, OPEN, OKAY, WRTE, CLSE, AUTH = (int.from_bytes(name, "little") for name in
                                      (b"CNXN", b"OPEN", b"OKAY", b"WRTE", b"CLSE", b"AUTH"))
# 0x01000001: the version that lets both sides skip the checksum; we still send a correct one.
VERSION = 0x01000001
MAX_PAYLOAD = 256 * 1024
AUTH_TOKEN, AUTH_SIGNATURE = 1, 2
HEADER = struct.Struct("<6I")


@dataclass
class Message:
    command: int
    arg0: int
    arg1: int
    payload: bytes = b""

    def pack(self) -> bytes:
        return HEADER.pack(self.command, self.arg0, self.arg1, len(self.payload),
                           sum(self.payload) & 0xFFFFFFFF, self.command ^ 0xFFFFFFFF) + self.payload

    @property
    def name(self) -> str:
        return self.command.to_bytes(4, "little").decode("ascii", "replace")


class ConnectionClosed(Exception):
    pass


def read_exactly(sock: socket.socket, count: int) -> bytes:
    chunks, left = [], count
    while left:
        chunk = sock.recv(min(left, 1 << 16))
        if not chunk:
            raise ConnectionClosed()
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_message(sock: socket.socket) -> Message:
    command, arg0, arg1, length, _check, magic = HEADER.unpack(read_exactly(sock, HEADER.size))
    if magic != command ^ 0xFFFFFFFF or length > 16 * MAX_PAYLOAD:
        raise ConnectionClosed()  # not adb: drop the connection as adbd does
    return Message(command, arg0, arg1, read_exactly(sock, length) if length else b"")
