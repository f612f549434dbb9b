# bciin_add_contract(<name> SOURCES <c files...> [EXPORTS <names...>] [OUTPUT_DIR <dir>]
#                    [STACK_SIZE <bytes>] [NO_INSTALL])
#
# Compiles C contracts to <name>.wasm with clang (--target=wasm32, freestanding, no libc) and
# wasm-ld, against bciin/contract.h. Exports `call`, `init` (when defined) and the memory, plus
# EXPORTS. Adds the target <name> (ALL); the path is in the target property BCIIN_CONTRACT_WASM.
# Needs Debian's clang (any version with the wasm32 target) and lld (wasm-ld): set
# BCIIN_CONTRACT_CLANG / BCIIN_CONTRACT_WASM_LD to choose others. Installs into
# ${CMAKE_INSTALL_DATADIR}/bciin/contracts unless NO_INSTALL.
include_guard(GLOBAL)

function(bciin_add_contract name)
  cmake_parse_arguments(C "NO_INSTALL" "OUTPUT_DIR;STACK_SIZE" "SOURCES;EXPORTS" ${ARGN})
  if(NOT C_SOURCES)
    message(FATAL_ERROR "bciin_add_contract(${name}): SOURCES is required")
  endif()
  find_program(BCIIN_CONTRACT_CLANG NAMES clang clang-14 clang-15 clang-16 clang-13)
  find_program(BCIIN_CONTRACT_WASM_LD NAMES wasm-ld wasm-ld-14 wasm-ld-15 wasm-ld-16 wasm-ld-13)
  if(NOT BCIIN_CONTRACT_CLANG OR NOT BCIIN_CONTRACT_WASM_LD)
    message(FATAL_ERROR "bciin_add_contract(${name}): needs clang and wasm-ld (Debian: apt install clang lld)")
  endif()
  if(NOT C_OUTPUT_DIR)
    set(C_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  if(NOT C_STACK_SIZE)
    set(C_STACK_SIZE 65536)
  endif()
  set(includes "")
  foreach(dir ${BCIIN_SDK_INCLUDE_DIRS})
    list(APPEND includes -I${dir})
  endforeach()
  set(objects "")
  foreach(src ${C_SOURCES})
    get_filename_component(abs ${src} ABSOLUTE)
    get_filename_component(base ${src} NAME_WE)
    set(obj ${CMAKE_CURRENT_BINARY_DIR}/${name}.dir/${base}.o)
    add_custom_command(OUTPUT ${obj}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/${name}.dir
      COMMAND ${BCIIN_CONTRACT_CLANG} --target=wasm32 -O2 -nostdlib -ffreestanding -fno-builtin
              -Wall -Wextra -Werror -std=c11 ${includes} -c ${abs} -o ${obj}
      DEPENDS ${abs}
      IMPLICIT_DEPENDS C ${abs}
      COMMENT "Compiling contract source ${src} (wasm32)"
      VERBATIM)
    list(APPEND objects ${obj})
  endforeach()
  set(exports --export=call --export-if-defined=init)
  foreach(e ${C_EXPORTS})
    list(APPEND exports --export=${e})
  endforeach()
  set(wasm ${C_OUTPUT_DIR}/${name}.wasm)
  add_custom_command(OUTPUT ${wasm}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${C_OUTPUT_DIR}
    COMMAND ${BCIIN_CONTRACT_WASM_LD} --no-entry ${exports} -z stack-size=${C_STACK_SIZE}
            --strip-debug ${objects} -o ${wasm}
    DEPENDS ${objects}
    COMMENT "Linking contract ${name}.wasm"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${wasm})
  set_target_properties(${name} PROPERTIES BCIIN_CONTRACT_WASM ${wasm})
  if(NOT C_NO_INSTALL)
    include(GNUInstallDirs)
    install(FILES ${wasm} DESTINATION ${CMAKE_INSTALL_DATADIR}/bciin/contracts)
  endif()
endfunction()
