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

// What the runtime refuses in Module::execute, with the code of its error.h: 0x12 InvalidArgument
// (more inputs than the method has), 0x10 NotSupported (a static input given another shape).
// The message ends as program.cpp's do, so the Java side reads the code from it.
struct Refusal : std::runtime_error {
  Refusal(const std::string& what, int code) : std::runtime_error(what + " (ExecuTorch error 0x" + hex(code) + ")") {}
  static std::string hex(int code) {
    const char* digits = "0123456789abcdef";
    return std::string(1, digits[(code >> 4) & 15]) + digits[code & 15];
  }
};
constexpr int kNotSupported = 0x10;
constexpr int kInvalidArgument = 0x12;

std::string sizes_text(const std::vector<int64_t>& sizes) {
  std::string out;
  for (auto d : sizes) out += (out.empty() ? "" : ", ") + std::to_string(d);
  return "(" + out + ")";
}

// Input k from Java: its shape checked as Method::set_input checks a static input's, then its
// data copied into the program's buffer for it.
void set_input(JNIEnv* env, Program& p, size_t k, jobject data, jlongArray shape) {
  std::vector<jlong> given(env->GetArrayLength(shape));
  env->GetLongArrayRegion(shape, 0, static_cast<jsize>(given.size()), given.data());
  const std::vector<int64_t> dims(given.begin(), given.end());
  const auto& want = p.input_sizes[k];
  if (dims != want) {
    throw Refusal("Error resizing tensor at input " + std::to_string(k) + ": " +
                      (dims.size() != want.size() ? "Attempted to change the tensor rank which is immutable"
                                                  : "Attempted to resize a static tensor") +
                      ". Expected shape " + sizes_text(want) + ", but received " + sizes_text(dims),
                  kNotSupported);
  }
  // The tensor's direct buffer, read in place as the AAR's JNI reads it (GetDirectBufferAddress).
  const auto* address = static_cast<const float*>(env->GetDirectBufferAddress(data));
  if (address == nullptr || env->GetDirectBufferCapacity(data) != static_cast<jlong>(p.inputs[k].size())) {
    throw Refusal("Tensor buffer at input " + std::to_string(k) + " is not direct or does not fill its shape",
                  kInvalidArgument);
  }
  std::copy(address, address + p.inputs[k].size(), p.inputs[k].begin());
}

// As the AAR's execute_method: no inputs runs the method on ones (prepare_input_tensors); else
// input k is set from the k-th given tensor in order, and an input not given keeps its value.
jfloatArray forward(JNIEnv* env, Program& p, jobjectArray data, jobjectArray shapes) {
  const size_t given = static_cast<size_t>(env->GetArrayLength(data));
  if (given == 0) {
    for (auto& buffer : p.inputs) std::fill(buffer.begin(), buffer.end(), 1.0f);
  }
  for (size_t k = 0; k < given; ++k) {
    if (k >= p.inputs.size()) {
      throw Refusal("Input index (" + std::to_string(k) + ") must be less than the number of inputs in method (" +
                        std::to_string(p.inputs.size()) + ")",
                    kInvalidArgument);
    }
    jobject tensor = env->GetObjectArrayElement(data, static_cast<jsize>(k));
    auto shape = static_cast<jlongArray>(env->GetObjectArrayElement(shapes, static_cast<jsize>(k)));
    set_input(env, p, k, tensor, shape);
    env->DeleteLocalRef(tensor);
    env->DeleteLocalRef(shape);
  }
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
                                                                              jobjectArray data, jobjectArray shapes) {
  Program* p = program_of(env, handle);
  if (p == nullptr) return nullptr;
  try {
    return forward(env, *p, data, shapes);
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
