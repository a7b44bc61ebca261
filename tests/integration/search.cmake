# Search and study-store integration tests (engineer "search").
add_executable(search_family_check ${CMAKE_CURRENT_LIST_DIR}/search/family_check.cpp)
target_link_libraries(search_family_check PRIVATE snac_search snac_nn snac_core)
snac_set_warnings(search_family_check)
snac_add_integration_test(NAME search_families COMMAND search_family_check TIMEOUT 120)

add_executable(search_study_driver ${CMAKE_CURRENT_LIST_DIR}/search/study_driver.cpp)
target_link_libraries(search_study_driver PRIVATE snac_runtime snac_search snac_io snac_core)
# The production study-write path is runtime's private StudyDriver.
target_include_directories(search_study_driver PRIVATE ${PROJECT_SOURCE_DIR}/src/runtime)
snac_set_warnings(search_study_driver)

# The Optuna compatibility check needs Debian's python3-optuna (scripts/install_deps.sh); it is
# registered only when some python3 on the machine imports optuna.
set(SNAC_OPTUNA_PYTHON "" CACHE FILEPATH "A python3 that imports optuna (compatibility test)")
if(NOT SNAC_OPTUNA_PYTHON)
    foreach(candidate /usr/bin/python3 python3)
        execute_process(COMMAND ${candidate} -c "import optuna" RESULT_VARIABLE rc
                        OUTPUT_QUIET ERROR_QUIET)
        if(rc EQUAL 0)
            set(SNAC_OPTUNA_PYTHON ${candidate} CACHE FILEPATH "" FORCE)
            break()
        endif()
    endforeach()
endif()
if(SNAC_OPTUNA_PYTHON)
    snac_add_integration_test(NAME search_optuna_compat
        COMMAND ${CMAKE_CURRENT_LIST_DIR}/search/run_optuna_compat.sh
                $<TARGET_FILE:search_study_driver> ${SNAC_OPTUNA_PYTHON}
        TIMEOUT 300)
else()
    message(STATUS "python3 with optuna not found: integration_search_optuna_compat not registered")
endif()
