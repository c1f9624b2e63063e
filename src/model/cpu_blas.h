#pragma once
// CPU batch invariance (LoadOptions::batch_invariant) runs every projection in fixed-shape row
// tiles and needs a GEMM whose result for a row does not depend on the row's place in the tile.
// OpenBLAS's AVX2 sgemm kernels (Haswell, Zen) round a row by its place (measured on an AMD EPYC
// with Debian's OpenBLAS 0.3.21); its SkylakeX and Sandybridge kernels do not. OpenBLAS reads
// OPENBLAS_CORETYPE only when it loads, so when it runs other kernels (picked by itself, or by an
// OPENBLAS_CORETYPE in the environment: this project's machines set Haswell) the program
// re-executes itself once with OPENBLAS_CORETYPE=Sandybridge (slower GEMMs, position-free
// rounding). A libtorch without OpenBLAS (a PyTorch wheel's, with MKL) is left alone.
// Torch-free; call first thing in main().
namespace rb::model {

void ensure_position_independent_blas(char** argv);

}  // namespace rb::model
