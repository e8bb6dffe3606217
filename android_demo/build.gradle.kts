// The app is one module; its decision core (android_demo/core, plain Java) is compiled into it
// as a source folder, because a plain Java library cannot depend on the ExecuTorch AAR.
plugins {
    id("com.android.application") version "8.9.0" apply false
}
