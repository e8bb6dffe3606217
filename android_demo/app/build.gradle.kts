plugins {
    id("com.android.application")
}

android {
    namespace = "org.kdoffload.demo"
    compileSdk = 35

    defaultConfig {
        applicationId = "org.kdoffload.demo"
        minSdk = 28
        targetSdk = 35
        versionCode = 1
        versionName = "1.0"
    }

    buildTypes {
        // No minification: the ExecuTorch classes are reached from JNI by name.
        debug { isMinifyEnabled = false }
        release { isMinifyEnabled = false }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_11
        targetCompatibility = JavaVersion.VERSION_11
    }

    // The whole decision path: the same sources the host JVM tests (android_demo/core).
    sourceSets["main"].java.srcDir("../core/src/main/java")
}

dependencies {
    // Its Maven POM brings fbjni and soloader; org.json is part of Android itself.
    implementation("org.pytorch:executorch-android:1.5.1")
}
