# The batch contract under a real one-node Slurm (label `slurm`; docs/running-on-hpc.md).
# Registered when Slurm's client tools are installed (scripts/install_deps.sh installs
# slurm-wlm and munge); the fixture starts munged/slurmctld/slurmd and stops them afterwards.
find_program(SNAC_SBATCH sbatch)
if(SNAC_SBATCH)
    set(slurm_dir ${CMAKE_CURRENT_LIST_DIR})
    add_test(NAME slurm_cluster_start COMMAND ${slurm_dir}/cluster.sh start)
    add_test(NAME slurm_cluster_stop COMMAND ${slurm_dir}/cluster.sh stop)
    set_tests_properties(slurm_cluster_start PROPERTIES FIXTURES_SETUP slurm_cluster
                         LABELS slurm TIMEOUT 120 RESOURCE_LOCK slurm)
    set_tests_properties(slurm_cluster_stop PROPERTIES FIXTURES_CLEANUP slurm_cluster
                         LABELS slurm TIMEOUT 120 RESOURCE_LOCK slurm)
    file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/slurm-work)
    foreach(scenario pmix nompi batch timelimit scancel)
        add_test(NAME slurm_${scenario}
                 COMMAND python3 ${slurm_dir}/slurm_test.py ${scenario})
        set_tests_properties(slurm_${scenario} PROPERTIES LABELS slurm TIMEOUT 1500
            FIXTURES_REQUIRED slurm_cluster RESOURCE_LOCK slurm ENVIRONMENT
            "${SNAC_TEST_ENV};SNAC_BIN=$<TARGET_FILE:snac>;SNAC_WORK_DIR=${CMAKE_BINARY_DIR}/slurm-work")
    endforeach()
endif()
