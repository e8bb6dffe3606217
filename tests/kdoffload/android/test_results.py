"""The phone's result file: schema errors, safe names, the decision times simulate charges."""

from __future__ import annotations

import json
from pathlib import Path
from statistics import median

import numpy as np
import pytest

from kdoffload.android.results import decision_samples_us, parse_results, safe_serial
from kdoffload.model.errors import InputError
from tests.kdoffload.android.helpers import result_records


def test_a_valid_result_parses():
    records = result_records("phone", [10.0, 20.0, 30.0])
    assert parse_results(json.dumps(records).encode(), "f") == records


@pytest.mark.parametrize("damage, words", [
    (lambda r: r.clear(), "benchmarkModel"),
    (lambda r: r.update(actualValue="fast"), "actualValue"),
    (lambda r: r["deviceInfo"].pop("arch"), "deviceInfo"),
    (lambda r: r.update(values=[1, "x"]), "values"),
])
def test_a_damaged_record_is_named(damage, words):
    records = result_records("phone", [10.0, 20.0])
    damage(records[1])
    with pytest.raises(InputError, match=f"record 1: {words}"):
        parse_results(json.dumps(records).encode(), "f")


def test_serials_become_safe_file_names():
    assert safe_serial("127.0.0.1:5555") == "127.0.0.1_5555"
    assert safe_serial("../../etc/passwd") == "_.._etc_passwd"


def test_measured_values_are_charged_as_they_are():
    values = [5.0, 6.0, 7.0]
    result = {"records": result_records("phone", values)}
    assert decision_samples_us(result, "f") == values


def test_p50_and_p99_alone_give_a_distribution_with_them():
    records = [r for r in result_records("phone", [1.0]) if r["metric"] != "decision_times(us)"]
    records.append({**records[0], "metric": "decision_p99(us)", "actualValue": 90.0})
    for r in records:
        if r["metric"] == "decision_p50(us)":
            r["actualValue"] = 30.0
    samples = decision_samples_us({"records": records}, "f")
    assert median(samples) == pytest.approx(30.0, rel=1e-3)
    assert np.percentile(samples, 99) == pytest.approx(90.0, rel=0.02)


def test_adb_device_lines_of_every_kind_parse():
    from types import SimpleNamespace

    from kdoffload.android.devices import list_devices

    text = ("List of devices attached\n"
            "0123ABCD               device usb:1-1 product:oriole model:Pixel_6 device:oriole transport_id:3\n"
            "127.0.0.1:5555         offline transport_id:4\n"
            "FA7X1                  no permissions (missing udev rules? user is in the plugdev group); "
            "see [http://developer.android.com/tools/device.html] usb:1-2 transport_id:5\n\n")
    adb = SimpleNamespace(run=lambda args, timeout_s: SimpleNamespace(stdout=text.encode()))
    found = list_devices(adb)
    assert [(d.serial, d.state, d.model) for d in found[:2]] == [("0123ABCD", "device", "Pixel_6"),
                                                                  ("127.0.0.1:5555", "offline", "")]
    assert found[2].serial == "FA7X1" and found[2].state.startswith("no permissions")


def test_the_app_runtime_version_comes_from_its_gradle_file(tmp_path, monkeypatch):
    from kdoffload.android.push import app_gradle, app_runtime_version

    monkeypatch.setenv("KDO_SOURCE_DIR", str(Path(__file__).resolve().parents[3]))
    assert app_gradle().is_file()
    assert app_runtime_version() in app_gradle().read_text()
    gradle = tmp_path / "build.gradle.kts"
    gradle.write_text('dependencies {\n  implementation("org.pytorch:executorch-android:0.7.0")\n}\n')
    assert app_runtime_version(gradle) == "0.7.0"
