# Search and study-store integration tests (engineer "search").
add_executable(search_family_check ${CMAKE_CURRENT_LIST_DIR}/search/family_check.cpp)
target_link_libraries(search_family_check PRIVATE snac_search snac_nn snac_core)
snac_set_warnings(search_family_check)
snac_add_integration_test(NAME search_families COMMAND search_family_check TIMEOUT 120)
