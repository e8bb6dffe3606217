// The JNI behind the host build of org.pytorch.executorch.Module: one program's "forward"
// from a .pte, run with the C++ runtime the executorch pip wheel ships (as kdo_bench runs it).
// Every failure, including a C++ exception, becomes a Java exception: a bad file or a bad
// tensor never takes the JVM down.
#include <jni.h>

#include <executorch/extension/data_loader/file_data_loader.h>
#include <executorch/extension/memory_allocator/malloc_memory_allocator.h>
#include <executorch/runtime/core/evalue.h>
#include <executorch/runtime/core/hierarchical_allocator.h>
#include <executorch/runtime/executor/memory_manager.h>
#include <executorch/runtime/executor/method.h>
#include <executorch/runtime/executor/program.h>
#include <executorch/runtime/platform/platform.h>
#include <executorch/runtime/platform/runtime.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../../bench/native/src/threadpool_decl.hpp"

namespace {

namespace et = executorch::runtime;
using executorch::aten::ScalarType;
using executorch::aten::Tensor;
using executorch::aten::TensorImpl;

std::string error_text(const std::string& what, et::Error error) {
  char code[16];
  std::snprintf(code, sizeof code, "0x%x", static_cast<unsigned>(error));
  return what + " (ExecuTorch error " + code + ")";
}

void errors_only(et_timestamp_t, et_pal_log_level_t level, const char* file, const char*,
                 size_t line, const char* message, size_t length) {
  if (level != kError && level != kFatal) return;
  std::fprintf(stderr, "executorch %c %s:%zu] %.*s\n", static_cast<char>(level), file, line,
               static_cast<int>(length), message);
}

struct Program {
  // Declared in dependency order: the method points into everything above it.
  std::optional<executorch::extension::FileDataLoader> loader;
  std::optional<et::Program> program;
  executorch::extension::MallocMemoryAllocator method_allocator;
  executorch::extension::MallocMemoryAllocator temp_allocator;
  std::vector<std::vector<uint8_t>> planned_buffers;
  std::vector<et::Span<uint8_t>> planned_spans;
  std::optional<et::HierarchicalAllocator> planned_memory;
  std::optional<et::MemoryManager> memory_manager;
  std::optional<et::Method> method;
  std::vector<int64_t> input_sizes;
  std::vector<jlong> output_sizes;
  // The input tensor's contiguous layout (Method::execute ignores strides) and its buffer,
  // built once: a call then allocates nothing but the Java result.
  std::vector<TensorImpl::SizesType> sizes;
  std::vector<TensorImpl::DimOrderType> dim_order;
  std::vector<TensorImpl::StridesType> strides;
  std::vector<float> input;
};

void plan_input(Program& p) {
  const size_t rank = p.input_sizes.size();
  p.sizes.assign(p.input_sizes.begin(), p.input_sizes.end());
  p.dim_order.resize(rank);
  p.strides.resize(rank);
  size_t numel = 1;
  for (size_t d = rank; d-- > 0;) {
    p.dim_order[d] = static_cast<TensorImpl::DimOrderType>(d);
    p.strides[d] = d + 1 == rank ? 1 : p.strides[d + 1] * p.sizes[d + 1];
    numel *= static_cast<size_t>(p.sizes[d]);
  }
  p.input.resize(numel);
}

// Once, before anything else touches the runtime: the log sink keeps errors and drops the
// info chatter the thread pool and cpuinfo print on start.
void init_runtime() {
  static const bool initialised = [] {
    et::register_pal(et::PalImpl::create(errors_only, __FILE__));
    et::runtime_init();
    return true;
  }();
  (void)initialised;
}

std::unique_ptr<Program> load_program(const std::string& path) {
  auto p = std::make_unique<Program>();
  auto loader = executorch::extension::FileDataLoader::from(path.c_str());
  if (!loader.ok()) throw std::runtime_error(error_text(path + ": cannot open", loader.error()));
  p->loader.emplace(std::move(loader.get()));
  auto program = et::Program::load(&*p->loader, et::Program::Verification::InternalConsistency);
  if (!program.ok()) throw std::runtime_error(error_text(path + ": not a loadable program", program.error()));
  p->program.emplace(std::move(program.get()));
  auto meta = p->program->method_meta("forward");
  if (!meta.ok()) throw std::runtime_error(error_text(path + ": has no forward method", meta.error()));
  if (meta->num_inputs() != 1 || meta->num_outputs() != 1) {
    throw std::runtime_error(path + ": forward must take one tensor and return one");
  }
  auto in = meta->input_tensor_meta(0);
  auto out = meta->output_tensor_meta(0);
  if (!in.ok() || !out.ok() || in->scalar_type() != ScalarType::Float ||
      out->scalar_type() != ScalarType::Float) {
    throw std::runtime_error(path + ": forward must map a float tensor to a float tensor");
  }
  for (auto d : in->sizes()) p->input_sizes.push_back(d);
  for (auto d : out->sizes()) p->output_sizes.push_back(d);
  plan_input(*p);
  for (size_t b = 0; b < meta->num_memory_planned_buffers(); ++b) {
    p->planned_buffers.emplace_back(static_cast<size_t>(meta->memory_planned_buffer_size(b).get()));
  }
  for (auto& buffer : p->planned_buffers) p->planned_spans.emplace_back(buffer.data(), buffer.size());
  p->planned_memory.emplace(et::Span<et::Span<uint8_t>>(p->planned_spans.data(), p->planned_spans.size()));
  p->memory_manager.emplace(&p->method_allocator, &*p->planned_memory, &p->temp_allocator);
  auto method = p->program->load_method("forward", &*p->memory_manager);
  if (!method.ok()) throw std::runtime_error(error_text(path + ": cannot load forward", method.error()));
  p->method.emplace(std::move(method.get()));
  return p;
}

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
  TensorImpl impl(ScalarType::Float, static_cast<ssize_t>(p.sizes.size()), p.sizes.data(), p.input.data(),
                  p.dim_order.data(), p.strides.data());
  const et::EValue value{Tensor(&impl)};
  et::Error status = p.method->set_input(value, 0);
  if (status != et::Error::Ok) throw std::runtime_error(error_text("set_input failed", status));
  status = p.method->execute();
  if (status != et::Error::Ok) throw std::runtime_error(error_text("execute failed", status));
  const auto& out = p.method->get_output(0);
  if (!out.isTensor()) throw std::runtime_error("forward returned something other than a tensor");
  const Tensor t = out.toTensor();
  jfloatArray result = env->NewFloatArray(static_cast<jsize>(t.numel()));
  if (result != nullptr) env->SetFloatArrayRegion(result, 0, static_cast<jsize>(t.numel()), t.const_data_ptr<float>());
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
    init_runtime();
    // One thread unless asked: at batch 1 it is faster than two (and it is kdo_bench's default).
    auto* pool = executorch::extension::threadpool::get_threadpool();
    if (pool != nullptr) pool->_unsafe_reset_threadpool(static_cast<uint32_t>(threads > 0 ? threads : 1));
    return reinterpret_cast<jlong>(load_program(file).release());
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
  jlongArray out = env->NewLongArray(static_cast<jsize>(p->output_sizes.size()));
  if (out != nullptr) env->SetLongArrayRegion(out, 0, static_cast<jsize>(p->output_sizes.size()), p->output_sizes.data());
  return out;
}

JNIEXPORT void JNICALL Java_org_pytorch_executorch_Module_nativeDestroy(JNIEnv*, jclass, jlong handle) {
  delete reinterpret_cast<Program*>(handle);
}

}  // extern "C"
