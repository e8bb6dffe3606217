"""What the adb tests build: an APK file, stand-in app launchers, a phone result."""

from __future__ import annotations

import io
import json
import struct
import sys
import zipfile
from pathlib import Path


def binary_manifest(package: str, min_sdk: int = 28, debuggable: bool = True) -> bytes:
    """AndroidManifest.xml in Android's binary XML, as aapt2 writes the attributes a package
    manager reads: a UTF-16 string pool, then <manifest package>, <uses-sdk minSdkVersion> and
    <application debuggable> with typed values (string, decimal int, boolean)."""
    elements = [("manifest", "package", 0x03, package), ("uses-sdk", "minSdkVersion", 0x10, min_sdk),
                ("application", "debuggable", 0x12, 0xFFFFFFFF if debuggable else 0)]
    strings = []
    for element, attribute, kind, value in elements:
        strings += [element, attribute] + ([value] if kind == 0x03 else [])
    data, offsets = b"", []
    for text in strings:
        offsets.append(len(data))
        data += struct.pack("<H", len(text)) + text.encode("utf-16-le") + b"\0\0"
    data += b"\0" * (-len(data) % 4)
    start = 28 + 4 * len(strings)
    document = struct.pack("<HHIIIIII", 0x0001, 28, start + len(data), len(strings), 0, 0, start, 0)
    document += struct.pack(f"<{len(strings)}I", *offsets) + data
    for element, attribute, kind, value in elements:
        raw = strings.index(value) if kind == 0x03 else 0xFFFFFFFF
        data_value = strings.index(value) if kind == 0x03 else value
        attr = struct.pack("<IIIHBBI", 0xFFFFFFFF, strings.index(attribute), raw, 8, 0, kind, data_value)
        body = struct.pack("<IIHHHHHH", 0xFFFFFFFF, strings.index(element), 20, 20, 1, 0, 0, 0) + attr
        document += struct.pack("<HHIII", 0x0102, 16, 16 + len(body), 1, 0xFFFFFFFF) + body
    return struct.pack("<HHI", 0x0003, 8, 8 + len(document)) + document


def write_apk(path: Path, package: str = "org.kdoffload.demo", min_sdk: int = 28,
              debuggable: bool = True, abis: tuple[str, ...] = ("arm64-v8a", "x86_64")) -> Path:
    """An APK as `assembleDebug` makes one: the manifest, dex, and the AAR's native library per ABI."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("AndroidManifest.xml", binary_manifest(package, min_sdk, debuggable))
        archive.writestr("classes.dex", b"dex\n035\0")
        for abi in abis:
            archive.writestr(f"lib/{abi}/libexecutorch.so", b"\x7fELF")
    path.write_bytes(buffer.getvalue())
    return path


def result_records(device: str, values_us: list[float]) -> list[dict]:
    info = {"device": device, "arch": "x86_64", "os": "Linux", "totalMem": 8e9, "availMem": 4e9}
    model = {"name": "student", "backend": "xnnpack", "quantization": "int8", "decoder": "guarded"}
    ordered = sorted(values_us)
    return [{"benchmarkModel": dict(model), "metric": metric, "actualValue": value,
             "targetValue": None, "deviceInfo": dict(info), **extra}
            for metric, value, extra in (
                ("model_load_time(ms)", 1.5, {}),
                ("avg_inference_latency(ms)", sum(values_us) / len(values_us) / 1e3, {}),
                ("decision_p50(us)", ordered[len(ordered) // 2], {}),
                ("decision_times(us)", ordered[-1], {"values": values_us}))]


def launcher(path: Path, body: str) -> Path:
    """An executable Python script standing in for the app: argv as the real launcher's."""
    path.write_text(f"#!{sys.executable}\nimport argparse, json, sys, time\n"
                    "p = argparse.ArgumentParser()\n"
                    "for o in ('--model-dir', '--files-dir', '--device-name', '--num-iter', "
                    "'--num-warm-up-iter', '--top-k', '--stream-tasks', '--num-threads'): p.add_argument(o)\n"
                    "a = p.parse_args()\n" + body)
    path.chmod(0o755)
    return path


def writing_launcher(path: Path) -> Path:
    """Checks the pushed files are where the extras say, then writes a schema-valid result."""
    records = json.dumps(result_records("DEVICE", [40.0 + k % 7 for k in range(50)]))
    return launcher(path, "import os\n"
                    "names = sorted(os.listdir(a.model_dir))\n"
                    "print('model dir holds', names, flush=True)\n"
                    "assert 'bench_states.json' in names and 'student_xnnpack_int8.pte' in names\n"
                    f"text = {records!r}.replace('DEVICE', a.device_name)\n"
                    "tmp = os.path.join(a.files_dir, '.partial')\n"
                    "open(tmp, 'w').write(text)\n"
                    "os.replace(tmp, os.path.join(a.files_dir, 'kdoffload_results.json'))\n"
                    "print('finished: results written', flush=True)\n")


def invoke(*args):
    """`kdoffload android ARGS` in process."""
    from typer.testing import CliRunner

    from kdoffload.cli import app

    return CliRunner().invoke(app, ["android", *args])


def one_line_error(result, *words):
    assert result.exit_code == 2, (result.stdout, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    last = result.stderr.strip().splitlines()[-1]  # progress lines may come first
    assert errors == [last] and last.startswith("error: "), result.stderr
    for word in words:
        assert word in last, last
    return last


def installed_phone(phones, tmp_path, launcher_path, apk: dict | None = None, **config):
    """An emulated phone with the app installed (an APK written with `apk`'s write_apk options)."""
    serial, phone = phones(launcher=launcher_path, **config)
    result = invoke("install", "--apk", str(write_apk(tmp_path / "app.apk", **(apk or {}))), "--serial", serial)
    assert result.exit_code == 0, result.stderr
    return serial, phone
