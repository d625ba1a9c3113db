// The CUDA runtime stand-in of the SIMT emulator (simt/include/cuda_runtime_api.h).
#pragma once

#include "cuda_runtime_api.h"
