// MDGPU_HD marks a small function over one work item that both backends run:
// __host__ __device__ under nvcc, a plain inline function under a C++ compiler.
#pragma once

#if defined(__CUDACC__)
#define MDGPU_HD __host__ __device__ inline
#else
#define MDGPU_HD inline
#endif
