#include "model/cpu_blas.h"

#include <dlfcn.h>
#include <strings.h>
#include <unistd.h>

#include <cstdlib>

namespace rb::model {

void ensure_position_independent_blas(char** argv) {
  if (std::getenv("RB_BLAS_REEXECUTED") != nullptr) return;  // once only, whatever OpenBLAS made of it
  // OpenBLAS is loaded with Debian's libtorch; a PyTorch wheel's libtorch uses MKL instead.
  using CoreName = char* (*)();
  const auto core_name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  if (core_name == nullptr) return;
  const char* core = core_name();
  if (core == nullptr || strcasecmp(core, "skylakex") == 0 || strcasecmp(core, "sandybridge") == 0) return;
  setenv("OPENBLAS_CORETYPE", "Sandybridge", 1);
  setenv("RB_BLAS_REEXECUTED", "1", 1);
  execv("/proc/self/exe", argv);  // returns only on failure: run on with the kernels already loaded
}

}  // namespace rb::model
