"""The package name of an APK: the `package` attribute of its AndroidManifest.xml.

An APK holds the manifest in Android's binary XML (a string pool, then element chunks); a plain
text manifest is accepted too, so a hand-made zip can stand in for an APK in tests.
"""

from __future__ import annotations

import io
import struct
import xml.etree.ElementTree as ElementTree
import zipfile

STRING_POOL, XML_FILE, START_ELEMENT = 0x0001, 0x0003, 0x0102
UTF8_FLAG = 0x100


class NotAnApk(Exception):
    pass


def package_name(apk: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(apk)) as archive:
            manifest = archive.read("AndroidManifest.xml")
    except (zipfile.BadZipFile, KeyError) as err:
        raise NotAnApk(f"not an APK ({err})") from None
    try:
        name = _binary_package(manifest) if manifest[:2] == b"\x03\x00" else _text_package(manifest)
    except (struct.error, IndexError, ElementTree.ParseError, UnicodeDecodeError) as err:
        raise NotAnApk(f"AndroidManifest.xml does not parse ({err})") from None
    if not name:
        raise NotAnApk("AndroidManifest.xml names no package")
    return name


def _text_package(manifest: bytes) -> str | None:
    return ElementTree.fromstring(manifest).get("package")


def _binary_package(data: bytes) -> str | None:
    kind, header_size, _ = struct.unpack_from("<HHI", data, 0)
    if kind != XML_FILE:
        raise NotAnApk("AndroidManifest.xml is not binary XML")
    strings: list[str] = []
    offset = header_size
    while offset + 8 <= len(data):
        kind, header_size, size = struct.unpack_from("<HHI", data, offset)
        if kind == STRING_POOL:
            strings = _string_pool(data, offset)
        elif kind == START_ELEMENT:
            name_index, attr_start, attr_size, attr_count = struct.unpack_from("<4xIHHH", data, offset + 16)
            if strings[name_index] == "manifest":
                for k in range(attr_count):
                    at = offset + header_size + attr_start + k * attr_size
                    _, attr_name, raw_value = struct.unpack_from("<III", data, at)
                    if strings[attr_name] == "package":
                        return strings[raw_value]
                return None
        if size < 8:
            break
        offset += size
    return None


def _string_pool(data: bytes, chunk: int) -> list[str]:
    count, _, flags, strings_start = struct.unpack_from("<IIII", data, chunk + 8)
    offsets = struct.unpack_from(f"<{count}I", data, chunk + 28)
    base = chunk + strings_start
    return [_utf8(data, base + o) if flags & UTF8_FLAG else _utf16(data, base + o) for o in offsets]


def _utf8(data: bytes, at: int) -> str:
    _, at = _length8(data, at)  # characters, then bytes
    length, at = _length8(data, at)
    return data[at:at + length].decode("utf-8")


def _length8(data: bytes, at: int) -> tuple[int, int]:
    if data[at] & 0x80:
        return ((data[at] & 0x7F) << 8) | data[at + 1], at + 2
    return data[at], at + 1


def _utf16(data: bytes, at: int) -> str:
    (length,) = struct.unpack_from("<H", data, at)
    at += 2
    if length & 0x8000:
        (low,) = struct.unpack_from("<H", data, at)
        length, at = ((length & 0x7FFF) << 16) | low, at + 2
    return data[at:at + 2 * length].decode("utf-16-le")
