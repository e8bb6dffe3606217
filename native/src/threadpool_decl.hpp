// The wheel ships libexecutorch_threadpool.so but not its header. These declarations match the
// exported symbols (non-virtual members of executorch's ThreadPool, called through a pointer,
// never constructed here), which is all that is needed to set the thread count that XNNPACK
// reads from the shared pool.
#pragma once

#include <cstddef>
#include <cstdint>

namespace executorch::extension::threadpool {

class ThreadPool {
 public:
  size_t get_thread_count() const;
  bool _unsafe_reset_threadpool(uint32_t num_threads);
};

ThreadPool* get_threadpool();

}  // namespace executorch::extension::threadpool
