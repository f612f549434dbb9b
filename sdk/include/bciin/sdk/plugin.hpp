// The C++ plugin layer: a plugin is one class derived from bciin::sdk::Plugin plus one line,
//
//   BCIIN_PLUGIN(MyPlugin)
//
// in one of its source files. The macro defines the exported C entry point and the descriptor
// from the declaration that bciin_add_plugin() generated (bciin_plugin_declaration.h: id,
// version, kind, provides, requires, options), so the manifest and the code cannot disagree.
// Every exception thrown by the class is caught at the boundary and becomes a bciin_error.
//
//   class MyPlugin : public bciin::sdk::Plugin {
//    public:
//     explicit MyPlugin(bciin::sdk::Host host) : Plugin(host) {}  // read options here
//     void Start() override;                                       // start threads, sockets
//     void Stop() override;                                        // stop them again
//     const bciin_service_header* Service(std::string_view id) override;
//   };
#pragma once

#include <bciin/abi.h>
#include <bciin/sdk/host.hpp>
#include <bciin/sdk/status.hpp>

#include <exception>
#include <string_view>

namespace bciin::sdk {
inline namespace v1 {

class Plugin {
 public:
  explicit Plugin(Host host) : host_(host) {}
  virtual ~Plugin() = default;
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  // Called once after construction of every plugin, in dependency order.
  virtual void Start() {}
  // Called once in reverse dependency order; must stop everything Start() began.
  virtual void Stop() {}
  // Returns the service table for `id` (one of the declared `provides`), or nullptr.
  virtual const bciin_service_header* Service(std::string_view /*id*/) { return nullptr; }

 protected:
  const Host& host() const { return host_; }

 private:
  Host host_;
};

namespace detail {

// Runs `fn`, turning any exception into an error. Returns the status code.
template <typename Fn>
int32_t Guard(bciin_error* error, const char* what, Fn&& fn) noexcept {
  try {
    fn();
    return BCIIN_OK;
  } catch (const Error& e) {
    return e.status().WithContext(what).ToError(error);
  } catch (const std::exception& e) {
    return Status::Internal(std::string(what) + ": " + e.what()).ToError(error);
  } catch (...) {
    return Status::Internal(std::string(what) + ": a non-standard exception").ToError(error);
  }
}

template <typename T>
void* Create(const bciin_host_api* api, bciin_host* host, bciin_error* error) noexcept {
  T* instance = nullptr;
  Guard(error, "create", [&] { instance = new T(Host(api, host)); });
  return instance;
}

template <typename T>
int32_t Start(void* instance, bciin_error* error) noexcept {
  return Guard(error, "start", [&] { static_cast<T*>(instance)->Start(); });
}

template <typename T>
int32_t Stop(void* instance, bciin_error* error) noexcept {
  return Guard(error, "stop", [&] { static_cast<T*>(instance)->Stop(); });
}

template <typename T>
void Destroy(void* instance) noexcept {
  try {
    delete static_cast<T*>(instance);
  } catch (...) {
    // A destructor that throws has nowhere to report; the host must survive it.
  }
}

template <typename T>
const bciin_service_header* QueryService(void* instance, const char* id) noexcept {
  try {
    return static_cast<T*>(instance)->Service(id);
  } catch (...) {
    return nullptr;
  }
}

}  // namespace detail
}  // namespace v1
}  // namespace bciin::sdk

// The body of a descriptor function for `PluginClass`, from the generated declaration.
#define BCIIN_DESCRIPTOR_BODY_(PluginClass)                                                \
  static const bciin_plugin_descriptor descriptor = {                                      \
      .size = sizeof(bciin_plugin_descriptor),                                             \
      .abi_major = BCIIN_ABI_MAJOR,                                                        \
      .abi_minor = BCIIN_ABI_MINOR,                                                        \
      BCIIN_DECLARATION_FIELDS,                                                            \
      .create = &::bciin::sdk::detail::Create<PluginClass>,                                \
      .start = &::bciin::sdk::detail::Start<PluginClass>,                                  \
      .stop = &::bciin::sdk::detail::Stop<PluginClass>,                                    \
      .destroy = &::bciin::sdk::detail::Destroy<PluginClass>,                              \
      .query_service = &::bciin::sdk::detail::QueryService<PluginClass>,                   \
  };                                                                                       \
  return &descriptor;

// Defines the plugin's exported entry point for class `PluginClass`. Requires the declaration
// header that bciin_add_plugin() generates (on the include path of the plugin target).
#define BCIIN_PLUGIN(PluginClass)                                                          \
  extern "C" BCIIN_EXPORT const bciin_plugin_descriptor* BCIIN_PLUGIN_ENTRY(void) {        \
    BCIIN_DESCRIPTOR_BODY_(PluginClass)                                                    \
  }

// The same for a component compiled into bciin-node (bciin_add_plugin(... BUILTIN)): defines
// the descriptor function BCIIN_BUILTIN_ENTRY instead of the exported entry symbol.
#define BCIIN_BUILTIN_PLUGIN(PluginClass)                                                  \
  extern "C" const bciin_plugin_descriptor* BCIIN_BUILTIN_ENTRY(void) {                    \
    BCIIN_DESCRIPTOR_BODY_(PluginClass)                                                    \
  }

// Inside a plugin target, bring in its generated declaration (BCIIN_DECLARATION_FIELDS).
#if __has_include("bciin_plugin_declaration.h")
#include "bciin_plugin_declaration.h"
#endif
