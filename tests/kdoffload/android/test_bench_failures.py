"""A failed run through the real adb: the CLI answers with the app's reason at once, never after
its --timeout (600 s here), and a crash shows the app's line and the runtime's crash lines."""

from __future__ import annotations

import json

from tests.kdoffload.android.conftest import HOSTBENCH
from tests.kdoffload.android.helpers import installed_phone, invoke, launcher, one_line_error

WAIT = ("--timeout", "600")  # a refusal that waited for this would end the test run's patience


def _bench(serial, *options):
    return invoke("bench", "--serial", serial, "--iters", "50", "--warmup", "5", "--stream-tasks", "5",
                  *options)


def _edit_manifest(workdir, change):
    manifest = workdir / "runs/chain6/export/student_xnnpack_int8.manifest.json"
    data = json.loads(manifest.read_text())
    change(data)
    manifest.write_text(json.dumps(data))


def test_a_refused_manifest_is_the_app_reason(phones, workdir, tmp_path, app_launcher):
    serial, phone = installed_phone(phones, tmp_path, app_launcher)
    _edit_manifest(workdir, lambda m: m.update(format_version=99))
    line = one_line_error(_bench(serial, *WAIT), "the app refused the run", "format_version", "load_status -1")
    assert "within" not in line
    records = json.loads((phone.storage.root / "data/data/org.kdoffload.demo/files/kdoffload_results.json").read_text())
    assert [r["metric"] for r in records] == ["load_status"] and records[0]["reason"] in line
    assert phone.activities.pid("org.kdoffload.demo") is not None  # the app lives on, as on a phone


def test_a_golden_mismatch_is_the_app_reason(phones, workdir, tmp_path, app_launcher):
    serial, _ = installed_phone(phones, tmp_path, app_launcher)
    _edit_manifest(workdir, lambda m: m["golden"][0]["logits"][0].__setitem__(0, 99.0))
    one_line_error(_bench(serial, *WAIT), "the app refused the run", "golden", "load_status -1")


def test_a_missing_native_library_is_a_failure_result(phones, workdir, tmp_path, app_launcher):
    """UnsatisfiedLinkError, as when the AAR's libexecutorch.so does not load: still a result."""
    script = HOSTBENCH.read_text().replace('"$here/jni/libkdo_executorch_jni.so"', '"/nonexistent/libexecutorch.so"')
    broken = tmp_path / "hostbench-without-jni"
    broken.write_text(script.replace('here=$(cd "$(dirname "$0")" && pwd)', f"here={HOSTBENCH.parent}"))
    broken.chmod(0o755)
    serial, _ = installed_phone(phones, tmp_path, broken)
    one_line_error(_bench(serial, *WAIT), "the app refused the run", "UnsatisfiedLinkError")


def test_a_crash_shows_the_app_line_and_the_crash_lines(phones, workdir, tmp_path):
    crashing = launcher(tmp_path / "crashing", "print('golden check: 16 vectors pass', flush=True)\n"
                                               "raise SystemExit(134)\n")
    serial, _ = installed_phone(phones, tmp_path, crashing)
    one_line_error(_bench(serial, *WAIT), "the app crashed", "golden check: 16 vectors pass",
                   "crash: FATAL EXCEPTION")


def test_the_log_of_an_older_run_is_not_reported(phones, workdir, tmp_path):
    crashing = launcher(tmp_path / "crashing", "raise SystemExit(1)\n")
    serial, phone = installed_phone(phones, tmp_path, crashing)
    phone.storage.log("AndroidRuntime", "E", "FATAL EXCEPTION: an older run")
    line = one_line_error(_bench(serial, *WAIT), "the app crashed")
    assert "older run" not in line


def test_a_timeout_shows_the_app_log(phones, workdir, tmp_path):
    stuck = launcher(tmp_path / "stuck", "print('loading the model took forever', flush=True)\n"
                                         "time.sleep(60)\n")
    serial, _ = installed_phone(phones, tmp_path, stuck)
    one_line_error(_bench(serial, "--timeout", "1.5"), "within 1.5 s", "loading the model took forever")


def test_a_result_that_does_not_parse(phones, workdir, tmp_path):
    broken = launcher(tmp_path / "broken", "import os\nopen(os.path.join(a.files_dir, "
                                           "'kdoffload_results.json'), 'w').write('{truncated')\n"
                                           "print('finished: results written', flush=True)\n")
    serial, _ = installed_phone(phones, tmp_path, broken)
    one_line_error(_bench(serial, "--timeout", "30"), "not JSON")


def test_a_non_debuggable_app_says_install_the_debug_build(phones, workdir, tmp_path, app_launcher):
    serial, _ = installed_phone(phones, tmp_path, app_launcher, apk={"debuggable": False})
    one_line_error(_bench(serial, *WAIT), "not debuggable", "debug build")
