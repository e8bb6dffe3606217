"""What the emulated phone reads from an APK before it installs it, as a phone's package manager
does: the package name, minSdkVersion, whether it is debuggable, and the ABIs of its native
libraries (lib/<abi>/*.so).

An APK holds the manifest in Android's binary XML (a string pool, then element chunks whose
attributes carry typed values); a plain text manifest is accepted too, so a hand-made zip can
stand in for an APK in tests.
"""

from __future__ import annotations

import io
import struct
import xml.etree.ElementTree as ElementTree
import zipfile
from dataclasses import dataclass

STRING_POOL, XML_FILE, START_ELEMENT = 0x0001, 0x0003, 0x0102
UTF8_FLAG = 0x100
TYPE_INT_DEC, TYPE_INT_HEX, TYPE_INT_BOOLEAN = 0x10, 0x11, 0x12
ANDROID_NS = "{http://schemas.android.com/apk/res/android}"
# Elements whose attributes matter, and the attributes read from each.
WANTED = {"manifest": ("package",), "uses-sdk": ("minSdkVersion",), "application": ("debuggable",)}


class NotAnApk(Exception):
    pass


@dataclass(frozen=True)
class ApkInfo:
    package: str
    min_sdk: int  # 1 when the manifest names none, as Android assumes
    debuggable: bool
    abis: tuple[str, ...]  # empty: no native code, installs on any CPU


def apk_info(apk: bytes) -> ApkInfo:
    try:
        with zipfile.ZipFile(io.BytesIO(apk)) as archive:
            manifest = archive.read("AndroidManifest.xml")
            names = archive.namelist()
    except (zipfile.BadZipFile, KeyError) as err:
        raise NotAnApk(f"not an APK ({err})") from None
    try:
        found = _binary_attributes(manifest) if manifest[:2] == b"\x03\x00" else _text_attributes(manifest)
    except (struct.error, IndexError, ElementTree.ParseError, UnicodeDecodeError) as err:
        raise NotAnApk(f"AndroidManifest.xml does not parse ({err})") from None
    if not found.get("package"):
        raise NotAnApk("AndroidManifest.xml names no package")
    abis = sorted({n.split("/")[1] for n in names if n.startswith("lib/") and n.endswith(".so") and n.count("/") >= 2})
    try:
        min_sdk = int(found.get("minSdkVersion", 1))
    except ValueError:
        raise NotAnApk(f"AndroidManifest.xml: minSdkVersion {found['minSdkVersion']!r} is not a number") from None
    return ApkInfo(str(found["package"]), min_sdk, found.get("debuggable") in (True, "true"), tuple(abis))


def _text_attributes(manifest: bytes) -> dict:
    root = ElementTree.fromstring(manifest)
    found = {"package": root.get("package")}
    for element in (root.find("uses-sdk"), root.find("application")):
        if element is not None:
            for key, value in element.attrib.items():
                if key.startswith(ANDROID_NS) and key[len(ANDROID_NS):] in ("minSdkVersion", "debuggable"):
                    found[key[len(ANDROID_NS):]] = value
    return found


def _binary_attributes(data: bytes) -> dict:
    kind, header_size, _ = struct.unpack_from("<HHI", data, 0)
    if kind != XML_FILE:
        raise NotAnApk("AndroidManifest.xml is not binary XML")
    strings: list[str] = []
    found: dict = {}
    offset = header_size
    while offset + 8 <= len(data):
        kind, header_size, size = struct.unpack_from("<HHI", data, offset)
        if kind == STRING_POOL:
            strings = _string_pool(data, offset)
        elif kind == START_ELEMENT:
            name_index, attr_start, attr_size, attr_count = struct.unpack_from("<4xIHHH", data, offset + 16)
            for k in range(attr_count if strings[name_index] in WANTED else 0):
                at = offset + header_size + attr_start + k * attr_size
                _, attr_name, raw_value, _, _, data_type, value = struct.unpack_from("<IIIHBBI", data, at)
                if strings[attr_name] in WANTED[strings[name_index]]:
                    found[strings[attr_name]] = _typed(strings, raw_value, data_type, value)
        if size < 8:
            break
        offset += size
    return found


def _typed(strings: list[str], raw_value: int, data_type: int, value: int):
    if data_type == TYPE_INT_BOOLEAN:
        return value != 0
    if data_type in (TYPE_INT_DEC, TYPE_INT_HEX):
        return value
    return strings[raw_value] if raw_value != 0xFFFFFFFF else strings[value]


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
