"""adb's sync service (`adb push`, `adb pull`): 8-byte requests (id, little-endian length) then data.

SEND "path,mode" is followed by DATA chunks and a DONE carrying the mtime, answered OKAY or FAIL;
RECV answers DATA chunks and DONE; STAT, STA2/LST2 and LIST describe files; QUIT ends the session.
Files land in the sandbox whole or not at all (written to a temporary name, then renamed).
"""

from __future__ import annotations

import os
import stat
import struct

from kdoffload.android.phone.storage import OutsideSandbox, Storage
from kdoffload.android.phone.transport import Stream
from kdoffload.model.io import atomic_write

CHUNK = 64 * 1024
REQUEST = struct.Struct("<4sI")


def sync_service(storage: Storage):
    def serve(stream: Stream) -> None:
        while True:
            request = stream.read_exactly(REQUEST.size)
            kind, length = REQUEST.unpack(request)
            if kind == b"QUIT":
                return
            argument = stream.read_exactly(length).decode("utf-8", "replace")
            handler = HANDLERS.get(kind)
            if handler is None:
                _fail(stream, f"unknown sync request {kind!r}")
                return
            handler(stream, storage, argument)

    return serve


def _fail(stream: Stream, message: str) -> None:
    data = message.encode()
    stream.write(REQUEST.pack(b"FAIL", len(data)) + data)


def _send(stream: Stream, storage: Storage, argument: str) -> None:
    path_text = argument.rsplit(",", 1)[0] if "," in argument else argument
    chunks, problem = [], None
    while True:  # the whole upload is read even when it is refused, so the stream stays in step
        kind, length = REQUEST.unpack(stream.read_exactly(REQUEST.size))
        if kind == b"DONE":
            break
        if kind != b"DATA":
            _fail(stream, f"expected DATA or DONE, got {kind!r}")
            return
        chunks.append(stream.read_exactly(length))
    try:
        path = storage.host_path(path_text)
        if path.is_dir():
            problem = f"{path_text}: Is a directory"
        else:
            atomic_write(path, lambda f: [f.write(c) for c in chunks])
    except OutsideSandbox:
        problem = f"{path_text}: Permission denied"
    except OSError as err:
        problem = f"{path_text}: {err.strerror}"
    if problem:
        _fail(stream, problem)
    else:
        stream.write(REQUEST.pack(b"OKAY", 0))


def _recv(stream: Stream, storage: Storage, argument: str) -> None:
    try:
        path = storage.host_path(argument)
    except OutsideSandbox:
        _fail(stream, f"{argument}: Permission denied")
        return
    if not path.is_file():
        _fail(stream, f"{argument}: No such file or directory")
        return
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            stream.write(REQUEST.pack(b"DATA", len(block)) + block)
    stream.write(REQUEST.pack(b"DONE", 0))


def _lstat(storage: Storage, argument: str) -> os.stat_result | None:
    try:
        return os.lstat(storage.host_path(argument))
    except (OutsideSandbox, OSError):
        return None


def _stat(stream: Stream, storage: Storage, argument: str) -> None:
    st = _lstat(storage, argument)
    fields = (0, 0, 0) if st is None else (st.st_mode, st.st_size & 0xFFFFFFFF, int(st.st_mtime))
    stream.write(b"STAT" + struct.pack("<3I", *fields))


def _stat_v2(kind: bytes):
    def handler(stream: Stream, storage: Storage, argument: str) -> None:
        st = _lstat(storage, argument)
        if st is None:
            stream.write(kind + struct.pack("<IQQ4IQ3q", 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))  # ENOENT
            return
        stream.write(kind + struct.pack("<IQQ4IQ3q", 0, st.st_dev, st.st_ino, st.st_mode, st.st_nlink,
                                        0, 0, st.st_size, int(st.st_atime), int(st.st_mtime),
                                        int(st.st_ctime)))
    return handler


def _list(stream: Stream, storage: Storage, argument: str) -> None:
    try:
        folder = storage.host_path(argument)
        names = sorted(os.listdir(folder)) if folder.is_dir() else []
    except (OutsideSandbox, OSError):
        names = []
    for name in names:
        st = os.lstat(folder / name)
        encoded = name.encode()
        mode = st.st_mode if not stat.S_ISLNK(st.st_mode) else stat.S_IFLNK | 0o777
        stream.write(b"DENT" + struct.pack("<4I", mode, st.st_size & 0xFFFFFFFF, int(st.st_mtime),
                                           len(encoded)) + encoded)
    stream.write(b"DONE" + struct.pack("<4I", 0, 0, 0, 0))


HANDLERS = {b"SEND": _send, b"RECV": _recv, b"STAT": _stat, b"LIST": _list,
            b"STA2": _stat_v2(b"STA2"), b"LST2": _stat_v2(b"LST2")}
