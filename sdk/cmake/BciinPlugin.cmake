# bciin_add_plugin(<target>
#   ID <plugin-id> VERSION <semver> KIND <kind> [DESCRIPTION <text>]
#   SOURCES <files...>
#   [PROVIDES "<service-id>@<version>" ...]
#   [REQUIRES "<plugin-or-service-id> <range>" ...]
#   [OPTIONS "<name>:<type>:<default>:<help>" ...]     type: string int uint bool double path,
#                                                    suffix [] for a multi-valued option;
#                                                    an empty default means "no default"
#   [LIBS <libraries...>] [OUTPUT_DIR <dir>] [NO_INSTALL] [BUILTIN])
#
# BUILTIN (for bciin-node's own components, such as the chain engine): builds a static library
# instead, writes no manifest, and the class is declared with BCIIN_BUILTIN_PLUGIN(Class); the
# host lists it in host/node/builtins.cpp and runs it through the same lifecycle and ordering.
# Option help texts must not contain ';' (CMake's list separator).
#
# Builds a MODULE library named <plugin-id>.so with hidden visibility and, from this one
# declaration, writes both the JSON manifest beside the library and the header
# bciin_plugin_declaration.h that the plugin's descriptor is built from (BCIIN_PLUGIN in C++, or
# BCIIN_DECLARATION_FIELDS in C). The manifest and the code therefore never disagree.

function(_bciin_c_escape out value)
  string(REPLACE "\\" "\\\\" value "${value}")
  string(REPLACE "\"" "\\\"" value "${value}")
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

function(_bciin_abi_version out_major out_minor)
  set(header "")
  foreach(dir ${BCIIN_SDK_INCLUDE_DIRS})
    if(EXISTS "${dir}/bciin/abi.h")
      set(header "${dir}/bciin/abi.h")
      break()
    endif()
  endforeach()
  if(NOT header)
    message(FATAL_ERROR "bciin_add_plugin: bciin/abi.h not found in BCIIN_SDK_INCLUDE_DIRS='${BCIIN_SDK_INCLUDE_DIRS}'")
  endif()
  file(STRINGS "${header}" major_line REGEX "^#define BCIIN_ABI_MAJOR [0-9]+")
  file(STRINGS "${header}" minor_line REGEX "^#define BCIIN_ABI_MINOR [0-9]+")
  string(REGEX MATCH "[0-9]+$" major "${major_line}")
  string(REGEX MATCH "[0-9]+$" minor "${minor_line}")
  set(${out_major} ${major} PARENT_SCOPE)
  set(${out_minor} ${minor} PARENT_SCOPE)
endfunction()

function(bciin_add_plugin target)
  cmake_parse_arguments(P "NO_INSTALL;BUILTIN" "ID;VERSION;KIND;DESCRIPTION;OUTPUT_DIR"
                        "SOURCES;PROVIDES;REQUIRES;OPTIONS;LIBS" ${ARGN})
  foreach(required ID VERSION KIND SOURCES)
    if(NOT P_${required})
      message(FATAL_ERROR "bciin_add_plugin(${target}): ${required} is required")
    endif()
  endforeach()
  if(NOT P_ID MATCHES "^[a-z0-9][a-z0-9-]*$")
    message(FATAL_ERROR "bciin_add_plugin(${target}): ID '${P_ID}' must match [a-z0-9][a-z0-9-]*")
  endif()
  if(NOT P_VERSION MATCHES "^[0-9]+\\.[0-9]+\\.[0-9]+")
    message(FATAL_ERROR "bciin_add_plugin(${target}): VERSION '${P_VERSION}' is not a semantic version")
  endif()
  if(NOT P_OUTPUT_DIR)
    if(BCIIN_PLUGIN_OUTPUT_DIR)
      set(P_OUTPUT_DIR "${BCIIN_PLUGIN_OUTPUT_DIR}")
    else()
      set(P_OUTPUT_DIR "${CMAKE_BINARY_DIR}/plugins")
    endif()
  endif()
  _bciin_abi_version(abi_major abi_minor)
  _bciin_c_escape(c_description "${P_DESCRIPTION}")

  # Declarations as C initializers and as JSON, side by side from the same parsed values.
  set(c_provides "")
  set(j_provides "")
  list(LENGTH P_PROVIDES n_provides)
  foreach(entry ${P_PROVIDES})
    if(NOT entry MATCHES "^([^@ ]+)@([0-9]+\\.[0-9]+\\.[0-9]+[^ ]*)$")
      message(FATAL_ERROR "bciin_add_plugin(${target}): PROVIDES '${entry}' is not <service-id>@<version>")
    endif()
    string(APPEND c_provides "  {\"${CMAKE_MATCH_1}\", \"${CMAKE_MATCH_2}\"},\n")
    list(APPEND j_provides "    {\"id\": \"${CMAKE_MATCH_1}\", \"version\": \"${CMAKE_MATCH_2}\"}")
  endforeach()

  set(c_requires "")
  set(j_requires "")
  list(LENGTH P_REQUIRES n_requires)
  foreach(entry ${P_REQUIRES})
    if(NOT entry MATCHES "^([^ ]+)( +(.+))?$")
      message(FATAL_ERROR "bciin_add_plugin(${target}): REQUIRES '${entry}' is not '<id> <range>'")
    endif()
    set(range "${CMAKE_MATCH_3}")
    if(range STREQUAL "")
      set(range "*")
    endif()
    string(APPEND c_requires "  {\"${CMAKE_MATCH_1}\", \"${range}\"},\n")
    list(APPEND j_requires "    {\"id\": \"${CMAKE_MATCH_1}\", \"range\": \"${range}\"}")
  endforeach()

  set(c_options "")
  set(j_options "")
  list(LENGTH P_OPTIONS n_options)
  foreach(entry ${P_OPTIONS})
    if(NOT entry MATCHES "^([a-z0-9][a-z0-9._-]*):(string|int|uint|bool|double|path)(\\[\\])?:([^:]*):(.*)$")
      message(FATAL_ERROR "bciin_add_plugin(${target}): OPTIONS '${entry}' is not <name>:<type>:<default>:<help> with type one of string int uint bool double path")
    endif()
    set(o_name "${CMAKE_MATCH_1}")
    set(o_type "${CMAKE_MATCH_2}")
    set(o_multi 0)
    set(j_multi false)
    if(CMAKE_MATCH_3)
      set(o_multi 1)
      set(j_multi true)
    endif()
    set(o_default "${CMAKE_MATCH_4}")
    _bciin_c_escape(o_help "${CMAKE_MATCH_5}")
    if(o_default STREQUAL "")
      set(c_default "0")
      set(j_default "null")
    else()
      _bciin_c_escape(o_default "${o_default}")
      set(c_default "\"${o_default}\"")
      set(j_default "\"${o_default}\"")
    endif()
    string(APPEND c_options "  {\"${o_name}\", \"${o_type}\", ${c_default}, \"${o_help}\", ${o_multi}},\n")
    list(APPEND j_options "    {\"name\": \"${o_name}\", \"type\": \"${o_type}\", \"default\": ${j_default}, \"multi\": ${j_multi}, \"help\": \"${o_help}\"}")
  endforeach()

  string(REPLACE "-" "_" id_symbol "${P_ID}")
  set(gen_dir "${CMAKE_CURRENT_BINARY_DIR}/bciin_generated/${target}")
  file(WRITE "${gen_dir}/bciin_plugin_declaration.h.in"
"/* Generated by bciin_add_plugin() from the declaration of plugin '${P_ID}'. Do not edit. */
#ifndef BCIIN_PLUGIN_DECLARATION_H
#define BCIIN_PLUGIN_DECLARATION_H
#include <bciin/abi.h>

static const bciin_provide_decl bciin_declared_provides[] = {
${c_provides}  {0, 0}};
static const bciin_require_decl bciin_declared_requirements[] = {
${c_requires}  {0, 0}};
static const bciin_option_decl bciin_declared_options[] = {
${c_options}  {0, 0, 0, 0, 0}};

#define BCIIN_DECLARATION_FIELDS                                            \\
  .id = \"${P_ID}\", .version = \"${P_VERSION}\", .kind = \"${P_KIND}\",        \\
  .description = \"${c_description}\",                                     \\
  .provides = bciin_declared_provides, .provides_count = ${n_provides},     \\
  .requirements = bciin_declared_requirements,                              \\
  .requirements_count = ${n_requires},                                      \\
  .options = bciin_declared_options, .options_count = ${n_options}

/* The descriptor function of a plugin built into bciin-node (BCIIN_BUILTIN_PLUGIN). */
#define BCIIN_BUILTIN_ENTRY bciin_builtin_entry_${id_symbol}

#endif
")
  configure_file("${gen_dir}/bciin_plugin_declaration.h.in" "${gen_dir}/bciin_plugin_declaration.h" COPYONLY)

  string(JOIN ",\n" j_provides_text ${j_provides})
  string(JOIN ",\n" j_requires_text ${j_requires})
  string(JOIN ",\n" j_options_text ${j_options})
  set(manifest "{
  \"manifest_version\": 1,
  \"id\": \"${P_ID}\",
  \"version\": \"${P_VERSION}\",
  \"kind\": \"${P_KIND}\",
  \"description\": \"${c_description}\",
  \"abi\": {\"major\": ${abi_major}, \"minor\": ${abi_minor}},
  \"library\": \"${P_ID}.so\",
  \"entry_symbol\": \"bciin_plugin_entry_v${abi_major}\",
  \"provides\": [\n${j_provides_text}\n  ],
  \"requires\": [\n${j_requires_text}\n  ],
  \"options\": [\n${j_options_text}\n  ]
}
")
  if(P_BUILTIN)
    add_library(${target} STATIC ${P_SOURCES})
    target_include_directories(${target} PRIVATE "${gen_dir}")
    target_link_libraries(${target} PUBLIC bciin::sdk ${P_LIBS})
    set_property(TARGET ${target} PROPERTY BCIIN_PLUGIN_ID "${P_ID}")
    return()
  endif()

  file(WRITE "${gen_dir}/${P_ID}.json.in" "${manifest}")
  configure_file("${gen_dir}/${P_ID}.json.in" "${P_OUTPUT_DIR}/${P_ID}.json" COPYONLY)

  add_library(${target} MODULE ${P_SOURCES})
  target_include_directories(${target} PRIVATE "${gen_dir}")
  target_link_libraries(${target} PRIVATE bciin::sdk ${P_LIBS})
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME "${P_ID}" SUFFIX ".so"
    LIBRARY_OUTPUT_DIRECTORY "${P_OUTPUT_DIR}"
    C_VISIBILITY_PRESET hidden CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  # A plugin must resolve all its symbols itself; an undefined one is a build error, not a
  # load-time surprise in the operator's node.
  target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  set_property(TARGET ${target} PROPERTY BCIIN_PLUGIN_ID "${P_ID}")
  set_property(TARGET ${target} PROPERTY BCIIN_PLUGIN_MANIFEST "${P_OUTPUT_DIR}/${P_ID}.json")

  if(NOT P_NO_INSTALL)
    if(NOT DEFINED BCIIN_PLUGIN_INSTALL_DIR)
      include(GNUInstallDirs)
      set(BCIIN_PLUGIN_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/bciin/plugins")
    endif()
    install(TARGETS ${target} LIBRARY DESTINATION "${BCIIN_PLUGIN_INSTALL_DIR}")
    install(FILES "${P_OUTPUT_DIR}/${P_ID}.json" DESTINATION "${BCIIN_PLUGIN_INSTALL_DIR}")
  endif()
endfunction()
