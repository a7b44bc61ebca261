# Data layer: `snac data import` / `snac data info` end to end on the real shared files.
# (Included from tests/CMakeLists.txt after the unit-test targets exist.)

# The io unit tests write HDF5 files in third-party layouts (hls4ml jet constituents) with the
# private io helpers, so they need the HDF5 headers too (tests/unit/io may include hdf5.h).
if(TARGET test_io)
    target_link_libraries(test_io PRIVATE hdf5::hdf5)
endif()

set(SNAC_DATA_TEST_DIR ${CMAKE_CURRENT_LIST_DIR}/data)
foreach(script quickstart_import htru2_cli bad_inputs)
    snac_add_integration_test(NAME data_${script}
        COMMAND bash ${SNAC_DATA_TEST_DIR}/${script}.sh
        TIMEOUT 120)
endforeach()
