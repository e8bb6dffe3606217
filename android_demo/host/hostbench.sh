#!/bin/sh
# hostbench: BenchActivity's code path on the host JVM (android_demo/host/java), over the JNI
# build of ExecuTorch's Java Module. Installed beside classes/ and jni/ by `make android-host`.
#   hostbench --model-dir D --files-dir F [--num-iter N] [--num-warm-up-iter W] [--top-k K]
#             [--stream-tasks M] [--num-threads T] [--graph-file G] [--device-name NAME]
here=$(cd "$(dirname "$0")" && pwd)
exec java -Dkdoffload.executorch.jni="$here/jni/libkdo_executorch_jni.so" \
  -cp "$here/classes:/usr/share/java/com.android.json.jar" org.kdoffload.host.HostBench "$@"
