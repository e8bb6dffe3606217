"""What to do about each INSTALL_FAILED_* a phone answers `adb install` with: one line each."""

from __future__ import annotations

import re

from kdoffload.android.push import PACKAGE

ADVICE = {
    "INSTALL_FAILED_OLDER_SDK": "the phone's Android is older than the app's minSdk 28 (Android 9): "
                                "use a phone with Android 9 or newer",
    "INSTALL_FAILED_NO_MATCHING_ABIS": "the APK has no native library for this phone's CPU "
                                       "(getprop ro.product.cpu.abilist); the ExecuTorch AAR ships "
                                       "arm64-v8a and x86_64 only",
    "INSTALL_FAILED_UPDATE_INCOMPATIBLE": f"another build of {PACKAGE}, signed with another key, is "
                                          f"installed: adb uninstall {PACKAGE}, then install again",
    "INSTALL_FAILED_VERSION_DOWNGRADE": f"a newer version of {PACKAGE} is installed: adb uninstall "
                                        f"{PACKAGE}, then install again",
    "INSTALL_FAILED_ALREADY_EXISTS": f"{PACKAGE} is installed already: adb uninstall {PACKAGE}, "
                                     "then install again",
    "INSTALL_FAILED_INSUFFICIENT_STORAGE": "the phone is out of storage: free some space on it",
    "INSTALL_FAILED_TEST_ONLY": "the APK is marked test-only (an Android Studio Run build): build it "
                                "with kdoffload android build",
    "INSTALL_FAILED_USER_RESTRICTED": "the phone refused the install: allow 'Install via USB' in its "
                                      "developer options and accept the prompt on the screen",
    "INSTALL_FAILED_INVALID_APK": "the APK is damaged: build it again with kdoffload android build",
    "INSTALL_PARSE_FAILED_NOT_APK": "the file is not an APK: build one with kdoffload android build",
    "INSTALL_PARSE_FAILED_NO_CERTIFICATES": "the APK is not signed: build it with kdoffload android "
                                            "build (debug builds are signed with the debug key)",
}


def install_failure(text: str) -> str | None:
    """`CODE: advice` for the first INSTALL_* code in what adb printed, None without one."""
    found = re.search(r"\b(INSTALL_(?:FAILED|PARSE_FAILED)_[A-Z_]+)", text)
    if not found:
        return None
    code = found.group(1)
    return f"{code}: {ADVICE.get(code, 'the phone refused the APK (adb printed the reason above)')}"
