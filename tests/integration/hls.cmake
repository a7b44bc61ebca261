# HLS: `snac train` -> `snac hls` end to end on MNIST 8x8 (compile + C simulation with g++), and
# project safety (determinism, existing directories, hostile names, strict precision parsing).
foreach(script train_then_hls project_safety)
    snac_add_integration_test(NAME hls_${script}
        COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/hls/${script}.sh
        TIMEOUT 300)
endforeach()

# The hls unit tests also run emitted projects on the real MNIST test split, imported through the
# io dataset store.
if(TARGET test_hls)
    target_link_libraries(test_hls PRIVATE snac_io)
endif()
