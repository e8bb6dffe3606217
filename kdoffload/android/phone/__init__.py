"""An emulated phone that speaks adb's device protocol over TCP, with a sandbox for storage."""
