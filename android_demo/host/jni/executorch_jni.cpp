// The JNI behind the host build of org.pytorch.executorch.Module (a test fixture, never in the
// app). Every failure becomes a Java exception: a C++ exception is caught, and a program that
// would crash the runtime (ExecuTorch does not verify a delegate's payload, so one flipped bit
// there can segfault XNNPACK) is first loaded and run once by kdo_pte_probe, a child process
// beside this library; only a program the probe survived is loaded into the JVM.
#include <jni.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../../../native/src/threadpool_decl.hpp"
#include "et_model.hpp"
#include "program.hpp"

namespace {

using kdo_jni::Program;

void throw_java(JNIEnv* env, const char* cls, const std::string& message) {
  if (env->ExceptionCheck()) return;  // one already pending says it first
  jclass c = env->FindClass(cls);
  if (c != nullptr) env->ThrowNew(c, message.c_str());
}

Program* program_of(JNIEnv* env, jlong handle) {
  if (handle == 0) {
    throw_java(env, "java/lang/IllegalStateException", "Module has been destroyed");
    return nullptr;
  }
  return reinterpret_cast<Program*>(handle);
}

jfloatArray forward(JNIEnv* env, Program& p, jfloatArray data, jlongArray shape) {
  const jsize rank = env->GetArrayLength(shape);
  std::vector<jlong> dims(rank);
  env->GetLongArrayRegion(shape, 0, rank, dims.data());
  if (dims.size() != p.input_sizes.size() || !std::equal(dims.begin(), dims.end(), p.input_sizes.begin())) {
    std::string want;
    for (auto d : p.input_sizes) want += (want.empty() ? "" : ", ") + std::to_string(d);
    throw std::invalid_argument("forward takes a float tensor of shape [" + want + "]");
  }
  if (static_cast<size_t>(env->GetArrayLength(data)) != p.input.size()) {
    throw std::invalid_argument("forward: the tensor's data do not fill its shape");
  }
  env->GetFloatArrayRegion(data, 0, static_cast<jsize>(p.input.size()), p.input.data());
  const auto out = kdo_jni::run(p);
  jfloatArray result = env->NewFloatArray(static_cast<jsize>(out.numel()));
  if (result != nullptr) {
    env->SetFloatArrayRegion(result, 0, static_cast<jsize>(out.numel()), out.const_data_ptr<float>());
  }
  return result;
}

}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_org_pytorch_executorch_Module_nativeLoad(JNIEnv* env, jclass, jstring path,
                                                                     jint threads) {
  try {
    const char* chars = env->GetStringUTFChars(path, nullptr);
    std::string file(chars);
    env->ReleaseStringUTFChars(path, chars);
    kdo_jni::init_runtime();
    kdo::EtModel::probe(file);  // a program that would crash the runtime crashes a child
    // The AAR's rule: 0 means cores / 2 (its JNI's default), any other value that many threads.
    // The app always says how many (1 unless told: at batch 1 it beats two, as for kdo_bench).
    const unsigned cores = std::thread::hardware_concurrency();
    const unsigned count = threads > 0 ? static_cast<unsigned>(threads) : std::max(1u, cores / 2);
    auto* pool = executorch::extension::threadpool::get_threadpool();
    if (pool != nullptr) pool->_unsafe_reset_threadpool(count);
    return reinterpret_cast<jlong>(kdo_jni::load_program(file).release());
  } catch (const std::exception& e) {
    throw_java(env, "java/lang/RuntimeException", e.what());
  } catch (...) {
    throw_java(env, "java/lang/RuntimeException", "unknown native error while loading");
  }
  return 0;
}

JNIEXPORT jfloatArray JNICALL Java_org_pytorch_executorch_Module_nativeForward(JNIEnv* env, jclass, jlong handle,
                                                                              jfloatArray data, jlongArray shape) {
  Program* p = program_of(env, handle);
  if (p == nullptr) return nullptr;
  try {
    return forward(env, *p, data, shape);
  } catch (const std::invalid_argument& e) {
    throw_java(env, "java/lang/IllegalArgumentException", e.what());
  } catch (const std::exception& e) {
    throw_java(env, "java/lang/RuntimeException", e.what());
  } catch (...) {
    throw_java(env, "java/lang/RuntimeException", "unknown native error in forward");
  }
  return nullptr;
}

JNIEXPORT jlongArray JNICALL Java_org_pytorch_executorch_Module_nativeOutputShape(JNIEnv* env, jclass, jlong handle) {
  Program* p = program_of(env, handle);
  if (p == nullptr) return nullptr;
  const std::vector<jlong> sizes(p->output_sizes.begin(), p->output_sizes.end());
  jlongArray out = env->NewLongArray(static_cast<jsize>(sizes.size()));
  if (out != nullptr) env->SetLongArrayRegion(out, 0, static_cast<jsize>(sizes.size()), sizes.data());
  return out;
}

JNIEXPORT void JNICALL Java_org_pytorch_executorch_Module_nativeDestroy(JNIEnv*, jclass, jlong handle) {
  delete reinterpret_cast<Program*>(handle);
}

}  // extern "C"
