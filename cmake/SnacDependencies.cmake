# All third-party dependencies come from Debian packages (scripts/install_deps.sh).
find_package(Threads REQUIRED)
find_package(MPI REQUIRED COMPONENTS CXX)
find_package(HDF5 REQUIRED COMPONENTS C)
# Debian's dnnl-config.cmake requires OpenCL development files (its GPU runtime); snac uses only
# the CPU engine, so locate the library and headers directly.
find_path(DNNL_INCLUDE_DIR oneapi/dnnl/dnnl.hpp REQUIRED)
find_library(DNNL_LIBRARY NAMES dnnl REQUIRED)
add_library(DNNL::dnnl INTERFACE IMPORTED)
target_include_directories(DNNL::dnnl INTERFACE ${DNNL_INCLUDE_DIR})
target_link_libraries(DNNL::dnnl INTERFACE ${DNNL_LIBRARY})
find_package(TBB REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(OpenMP REQUIRED COMPONENTS CXX)
# ONNX's protobuf definitions (libonnx-dev): the generated onnx.pb.h and libonnx_proto. Its
# targets name protobuf::libprotobuf, so protobuf is found first.
find_package(Protobuf REQUIRED)
find_package(ONNX REQUIRED)
if(SNAC_BUILD_TESTS)
    find_package(GTest REQUIRED)
endif()
if(SNAC_BUILD_BENCHMARKS)
    find_package(benchmark REQUIRED)
endif()

# Debian's HDF5 config exports variables, not always an imported target: make one.
if(NOT TARGET hdf5::hdf5)
    add_library(hdf5::hdf5 INTERFACE IMPORTED)
    target_include_directories(hdf5::hdf5 INTERFACE ${HDF5_INCLUDE_DIRS})
    target_link_libraries(hdf5::hdf5 INTERFACE ${HDF5_C_LIBRARIES})
    target_compile_definitions(hdf5::hdf5 INTERFACE ${HDF5_DEFINITIONS})
endif()
# yaml-cpp 0.7 on Debian exports the plain target name `yaml-cpp`.
