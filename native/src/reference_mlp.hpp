// The student's own weights as a plain -O3 loop: the arithmetic cost with no runtime around it.
#pragma once

#include <cstdlib>
#include <memory>
#include <vector>

namespace kdo {

// Cache-line aligned floats: where the heap happens to place the weights otherwise moves this
// baseline's timing by a third from one build to the next.
struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};
using AlignedFloats = std::unique_ptr<float[], FreeDeleter>;

struct DenseLayer {
  int in = 0, out = 0;
  std::vector<float> weight;  // [out][in], PyTorch's Linear layout
  std::vector<float> bias;    // [out]
  bool relu = false;
};

class ReferenceMlp {
 public:
  explicit ReferenceMlp(std::vector<DenseLayer> layers);

  int input_width() const { return layers_.front().in; }
  int output_width() const { return layers_.back().out; }
  // Reads input_width() floats, returns a pointer to output_width() logits (valid until the
  // next call).
  const float* forward(const float* input);

 private:
  std::vector<DenseLayer> layers_;
  // Each layer's weight transposed to [in][out]: the inner loop then updates independent
  // outputs, which the compiler vectorises without reordering any one output's sum.
  std::vector<AlignedFloats> weight_by_input_;
  AlignedFloats ping_, pong_;
};

}  // namespace kdo
