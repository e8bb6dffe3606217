#include "reference_mlp.hpp"

#include <algorithm>
#include <new>
#include <stdexcept>

namespace kdo {
namespace {

AlignedFloats aligned_floats(size_t count) {
  const size_t bytes = ((count * sizeof(float) + 63) / 64) * 64;
  auto* data = static_cast<float*>(std::aligned_alloc(64, bytes == 0 ? 64 : bytes));
  if (data == nullptr) throw std::bad_alloc();
  return AlignedFloats(data);
}

}  // namespace

ReferenceMlp::ReferenceMlp(std::vector<DenseLayer> layers) : layers_(std::move(layers)) {
  if (layers_.empty()) throw std::runtime_error("reference_weights: no layers");
  size_t widest = 0;
  for (size_t k = 0; k < layers_.size(); ++k) {
    if (k > 0 && layers_[k].in != layers_[k - 1].out) {
      throw std::runtime_error("reference_weights: layer " + std::to_string(k) + " takes " +
                               std::to_string(layers_[k].in) + " inputs but layer " +
                               std::to_string(k - 1) + " gives " +
                               std::to_string(layers_[k - 1].out));
    }
    widest = std::max(widest, static_cast<size_t>(layers_[k].out));
    const DenseLayer& layer = layers_[k];
    AlignedFloats transposed = aligned_floats(layer.weight.size());
    for (int o = 0; o < layer.out; ++o) {
      for (int i = 0; i < layer.in; ++i) {
        transposed[static_cast<size_t>(i) * layer.out + o] =
            layer.weight[static_cast<size_t>(o) * layer.in + i];
      }
    }
    weight_by_input_.push_back(std::move(transposed));
  }
  ping_ = aligned_floats(widest);
  pong_ = aligned_floats(widest);
}

const float* ReferenceMlp::forward(const float* input) {
  const float* x = input;
  float* y = ping_.get();
  for (size_t k = 0; k < layers_.size(); ++k) {
    const DenseLayer& layer = layers_[k];
    const float* w = weight_by_input_[k].get();
    const int out = layer.out;
    std::copy(layer.bias.begin(), layer.bias.end(), y);
    for (int i = 0; i < layer.in; ++i) {
      const float xi = x[i];
      const float* column = w + static_cast<size_t>(i) * out;
      for (int o = 0; o < out; ++o) y[o] += column[o] * xi;
    }
    if (layer.relu) {
      for (int o = 0; o < out; ++o) y[o] = y[o] < 0.0f ? 0.0f : y[o];
    }
    x = y;
    y = (y == ping_.get()) ? pong_.get() : ping_.get();
  }
  return x;
}

}  // namespace kdo
