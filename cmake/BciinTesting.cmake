# bciin_add_test(NAME name SOURCES ... [LIBS ...] [LABELS ...])
# One GoogleTest executable registered as one CTest test. Tests read shared inputs through the
# BCIIN_SHARED_DATA_DIR environment variable and built programs through BCIIN_BUILD_DIR.
function(bciin_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT BCIIN_BUILD_TESTS)
    return()
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE GTest::gtest GTest::gtest_main Threads::Threads ${T_LIBS})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES
    TIMEOUT ${T_TIMEOUT}
    LABELS "${T_LABELS}"
    ENVIRONMENT "BCIIN_SHARED_DATA_DIR=${BCIIN_SHARED_DATA_DIR};BCIIN_BUILD_DIR=${CMAKE_BINARY_DIR};BCIIN_PLUGIN_DIR=${BCIIN_PLUGIN_OUTPUT_DIR};ASAN_OPTIONS=detect_leaks=1:abort_on_error=0;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
endfunction()

# bciin_add_fuzz_target(NAME name SOURCES ... [LIBS ...] [CORPUS dir])
# A fuzz target defines LLVMFuzzerTestOneInput. With clang and BCIIN_BUILD_FUZZ it links libFuzzer
# for real fuzzing; otherwise it links tests/fuzz/standalone_fuzz_main.cpp, which replays the corpus
# and a bounded number of seeded random mutations, so every target also runs under ASan+UBSan in CI.
function(bciin_add_fuzz_target)
  cmake_parse_arguments(F "" "NAME;CORPUS;ITERATIONS" "SOURCES;LIBS" ${ARGN})
  if(NOT BCIIN_BUILD_TESTS)
    return()
  endif()
  add_executable(${F_NAME} ${F_SOURCES})
  target_link_libraries(${F_NAME} PRIVATE ${F_LIBS})
  if(BCIIN_BUILD_FUZZ AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    target_compile_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
    target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(${F_NAME} PRIVATE ${CMAKE_SOURCE_DIR}/tests/fuzz/standalone_fuzz_main.cpp)
    if(NOT F_ITERATIONS)
      set(F_ITERATIONS 20000)
    endif()
    set(args --iterations=${F_ITERATIONS})
    if(F_CORPUS)
      list(APPEND args ${F_CORPUS})
    endif()
    add_test(NAME ${F_NAME} COMMAND ${F_NAME} ${args})
    set_tests_properties(${F_NAME} PROPERTIES TIMEOUT 300 LABELS fuzz
      ENVIRONMENT "BCIIN_SHARED_DATA_DIR=${BCIIN_SHARED_DATA_DIR}")
  endif()
endfunction()
