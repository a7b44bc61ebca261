# HLS: `snac train` -> `snac hls` end to end on MNIST 8x8 (compile + C simulation with g++), and
# project safety (determinism, existing directories, hostile names, strict precision parsing).
foreach(script train_then_hls project_safety)
    snac_add_integration_test(NAME hls_${script}
        COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/hls/${script}.sh
        TIMEOUT 300)
endforeach()
