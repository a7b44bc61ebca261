# Hardware surrogate end to end (owner: surrogate): `snac estimate` output and errors, and
# `snac surrogate fit|eval` on the real wa-hls4ml pilot data.
foreach(script estimate_cli fit_eval_cli)
    snac_add_integration_test(NAME surrogate_${script}
        COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/surrogate/${script}.sh
        TIMEOUT 240)
endforeach()
