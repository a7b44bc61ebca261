# Local stage (owner: local): `snac local` end to end on MNIST 8x8, with bad input and kill/resume.
snac_add_integration_test(NAME local_chain
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/local/local_chain.sh
    TIMEOUT 600)
