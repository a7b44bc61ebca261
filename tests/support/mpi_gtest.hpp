#pragma once
// The MPI session of an MPI gtest binary (tests/support/mpi_gtest_main.cpp owns it: MPI is
// initialised once per process).
#include "snac/runtime/mpi.hpp"

namespace snac::test {

const runtime::MpiSession& mpi_session();

}  // namespace snac::test
