// The check every reader's error tests make: reading fails with an InputError located exactly at
// `where` ("file:line") whose message holds `fragment`.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "core/errors.hpp"

namespace mdgpu::testing {

template <class Read>
void expect_input_error(const Read& read, const std::string& where, const std::string& fragment) {
  try {
    read();
    ADD_FAILURE() << "no InputError; expected one at " << where;
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), where) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

}  // namespace mdgpu::testing
