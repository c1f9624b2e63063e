// libtorch's intra-op thread pool size (only the small ATen/Parallel.h header is needed).
#include <ATen/Parallel.h>

#include "common/error.h"
#include "model/loader.h"

namespace rb::model {

void set_num_threads(int num_threads) {
  if (num_threads <= 0) throw InputError("number of threads must be positive, got " + std::to_string(num_threads));
  at::set_num_threads(num_threads);
}

}  // namespace rb::model
