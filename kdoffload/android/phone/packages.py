"""Package commands: `pm install|list|path|uninstall` and `cmd package` (adb's streamed install)."""

from __future__ import annotations

import shutil

from kdoffload.android.phone.apk import NotAnApk, apk_info
from kdoffload.android.phone.shell import Call
from kdoffload.model.io import atomic_write


def pm(call: Call, args: list[str]) -> int:
    if not args:
        return call.fail("usage: pm [list|path|install|uninstall] ...")
    verb, rest = args[0], args[1:]
    if verb == "install":
        files = [a for a in rest if not a.startswith("-")]
        if len(files) != 1:
            return call.fail("Error: APK file not specified" if not files else "Error: give one APK")
        path = call.path(files[0])
        if not path.is_file():
            return call.fail(f"Failure [INSTALL_FAILED_INVALID_URI: {files[0]}: no such file]")
        return _install(call, path.read_bytes(), "-r" in rest)
    if verb == "list" and rest[:1] == ["packages"]:
        wanted = [a for a in rest[1:] if not a.startswith("-")]
        for name in call.phone.storage.installed():
            if not wanted or wanted[0] in name:
                call.print(f"package:{name}")
        return 0
    if verb == "path" and rest:
        if not call.phone.storage.is_installed(rest[0]):
            return call.fail("")
        call.print(f"package:/data/app/{rest[0]}/base.apk")
        return 0
    if verb == "uninstall" and rest:
        if not call.phone.storage.is_installed(rest[-1]):
            return call.fail("Failure [DELETE_FAILED_INTERNAL_ERROR]")
        call.phone.activities.force_stop(rest[-1])
        shutil.rmtree(call.path(f"/data/app/{rest[-1]}"))
        shutil.rmtree(call.path(f"/data/data/{rest[-1]}"), ignore_errors=True)
        call.print("Success")
        return 0
    return call.fail(f"pm: unknown command {' '.join(args)!r}")


def cmd(call: Call, args: list[str]) -> int:
    """`cmd package ...`: what adb 29 sends to a device with the `cmd` feature; install reads the
    APK's -S bytes from stdin."""
    if args[:1] != ["package"]:
        return call.fail(f"Can't find service: {args[0] if args else ''}", 20)
    rest = args[1:]
    if rest[:1] != ["install"]:
        return pm(call, rest)
    if "-S" not in rest or call.stdin is None:
        return call.fail("Error: this emulated phone installs from a size-given stream only (-S)")
    try:
        size = int(rest[rest.index("-S") + 1])
    except (IndexError, ValueError):
        return call.fail("Error: -S needs a byte count")
    return _install(call, call.stdin(size), "-r" in rest)


def _install(call: Call, apk: bytes, replace: bool) -> int:
    """Installs as a phone's package manager does, refusing with its words: an APK that does
    not parse, a minSdk above the phone's, native code for none of the phone's ABIs."""
    try:
        info = apk_info(apk)
    except NotAnApk as err:
        return call.fail(f"Failure [INSTALL_PARSE_FAILED_NOT_APK: {err}]")
    props = call.phone.properties
    sdk = int(props["ro.build.version.sdk"])
    if info.min_sdk > sdk:
        return call.fail(f"Failure [INSTALL_FAILED_OLDER_SDK: Failed parse during installPackageLI: "
                         f"/data/app/vmdl.tmp/base.apk (at Binary XML file line #7): Requires newer sdk "
                         f"version #{info.min_sdk} (current version is #{sdk})]")
    if info.abis and not set(info.abis) & set(props["ro.product.cpu.abilist"].split(",")):
        return call.fail("Failure [INSTALL_FAILED_NO_MATCHING_ABIS: Failed to extract native "
                         "libraries, res=-113]")
    storage = call.phone.storage
    if storage.is_installed(info.package) and not replace:
        return call.fail(f"Failure [INSTALL_FAILED_ALREADY_EXISTS: Attempt to re-install {info.package} "
                         "without first uninstalling.]")
    call.phone.activities.force_stop(info.package)
    target = call.path(f"/data/app/{info.package}/base.apk")
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, lambda f: f.write(apk))
    call.path(f"/data/data/{info.package}/files").mkdir(parents=True, exist_ok=True)
    call.print("Success")
    return 0
