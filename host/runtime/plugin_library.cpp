#include "plugin_library.hpp"

#include <boost/dll/library_info.hpp>

#include <cstddef>

namespace bciin::host {

namespace {

std::string Str(const char* s) { return s ? std::string(s) : std::string("(null)"); }

// The size of the descriptor as ABI 1.0 defined it: a plugin may be larger, never smaller.
constexpr size_t kMinDescriptorSize =
    offsetof(bciin_plugin_descriptor, query_service) + sizeof(void*);

}  // namespace

Status PluginLibrary::Inspect(const Manifest& m) {
  if (m.builtin) return Status();
  std::vector<std::string> symbols;
  try {
    boost::dll::library_info info(m.library.string());
    symbols = info.symbols();
  } catch (const std::exception& e) {
    return Status::Unsupported("plugin '" + m.id + "': " + m.library.string() +
                               " is not a shared object this host can load (" + e.what() + ")");
  }
  std::string other;
  for (const auto& s : symbols) {
    if (s == m.entry_symbol) return Status();
    if (s.rfind("bciin_plugin_entry_v", 0) == 0) other = s;
  }
  if (!other.empty())
    return Status::Unsupported("plugin '" + m.id + "': " + m.library.string() + " exports " + other +
                               " but not " + m.entry_symbol + ": it was built for another ABI major; rebuild it against SDK " +
                               std::to_string(BCIIN_ABI_MAJOR) + ".x");
  return Status::NotFound("plugin '" + m.id + "': " + m.library.string() + " does not export the entry symbol " +
                          m.entry_symbol + " (define it with BCIIN_PLUGIN(...) or BCIIN_PLUGIN_ENTRY)");
}

Status PluginLibrary::Load(const Manifest& m, std::unique_ptr<PluginLibrary>* out) {
  BCIIN_RETURN_IF_ERROR(Inspect(m));
  std::unique_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->manifest_ = m;
  if (m.builtin) {
    lib->descriptor_ = m.builtin;
    *out = std::move(lib);
    return Status();
  }
  boost::dll::fs::error_code ec;
  lib->library_.load(m.library.string(), boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
  if (ec) return Status::IoError("plugin '" + m.id + "': loading " + m.library.string() + " failed: " + ec.message());
  auto entry = lib->library_.get<const bciin_plugin_descriptor*()>(m.entry_symbol);
  const bciin_plugin_descriptor* d = entry();
  if (!d) return Status::Corruption("plugin '" + m.id + "': entry symbol returned no descriptor");
  if (d->size < kMinDescriptorSize)
    return Status::Corruption("plugin '" + m.id + "': descriptor is " + std::to_string(d->size) +
                              " bytes, smaller than ABI 1.0's " + std::to_string(kMinDescriptorSize));
  if (d->abi_major != BCIIN_ABI_MAJOR)
    return Status::Unsupported("plugin '" + m.id + "' (" + m.library.string() + ") was built for ABI " +
                               std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor) +
                               ", this host speaks ABI " + std::to_string(BCIIN_ABI_MAJOR) + "." +
                               std::to_string(BCIIN_ABI_MINOR) + ": rebuild it against SDK " +
                               std::to_string(BCIIN_ABI_MAJOR) + ".x");
  if (d->abi_minor > BCIIN_ABI_MINOR)
    return Status::Unsupported("plugin '" + m.id + "' (" + m.library.string() + ") needs ABI " +
                               std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor) +
                               ", newer than this host's " + std::to_string(BCIIN_ABI_MAJOR) + "." +
                               std::to_string(BCIIN_ABI_MINOR) + ": upgrade bciin-node or rebuild the plugin against SDK " +
                               std::to_string(BCIIN_ABI_MAJOR) + "." + std::to_string(BCIIN_ABI_MINOR));
  BCIIN_RETURN_IF_ERROR(CrossCheckDescriptor(m, *d));
  if (!d->create || !d->destroy)
    return Status::Corruption("plugin '" + m.id + "': descriptor has no create or destroy function");
  lib->descriptor_ = d;
  *out = std::move(lib);
  return Status();
}

Status CrossCheckDescriptor(const Manifest& m, const bciin_plugin_descriptor& d) {
  auto differ = [&](const std::string& field, const std::string& in_manifest, const std::string& in_library) {
    return Status::Corruption("plugin '" + m.id + "': manifest " + m.file.string() + " disagrees with " +
                              m.library.string() + " on " + field + " (manifest: " + in_manifest +
                              ", library: " + in_library + "); rebuild the plugin so both come from one declaration");
  };
  if (Str(d.id) != m.id) return differ("id", m.id, Str(d.id));
  if (Str(d.version) != m.version_text) return differ("version", m.version_text, Str(d.version));
  if (Str(d.kind) != m.kind) return differ("kind", m.kind, Str(d.kind));
  if (d.abi_major != m.abi_major || d.abi_minor != m.abi_minor)
    return differ("abi", std::to_string(m.abi_major) + "." + std::to_string(m.abi_minor),
                  std::to_string(d.abi_major) + "." + std::to_string(d.abi_minor));
  if (d.provides_count != m.provides.size())
    return differ("provides", std::to_string(m.provides.size()) + " services", std::to_string(d.provides_count) + " services");
  for (uint32_t i = 0; i < d.provides_count; ++i) {
    const auto& p = d.provides[i];
    Version v;
    if (Str(p.id) != m.provides[i].id || !ParseVersion(Str(p.version), &v).ok() || !(v == m.provides[i].version))
      return differ("provides[" + std::to_string(i) + "]", m.provides[i].id + "@" + m.provides[i].version.ToString(),
                    Str(p.id) + "@" + Str(p.version));
  }
  if (d.requirements_count != m.requires_.size())
    return differ("requires", std::to_string(m.requires_.size()) + " entries", std::to_string(d.requirements_count) + " entries");
  for (uint32_t i = 0; i < d.requirements_count; ++i) {
    const auto& q = d.requirements[i];
    if (Str(q.id) != m.requires_[i].id || Str(q.range) != m.requires_[i].range.text())
      return differ("requires[" + std::to_string(i) + "]", m.requires_[i].id + " " + m.requires_[i].range.text(),
                    Str(q.id) + " " + Str(q.range));
  }
  if (d.options_count != m.options.size())
    return differ("options", std::to_string(m.options.size()) + " options", std::to_string(d.options_count) + " options");
  for (uint32_t i = 0; i < d.options_count; ++i) {
    const auto& o = d.options[i];
    const auto& mo = m.options[i];
    std::string lib_default = o.default_value ? o.default_value : "(none)";
    std::string man_default = mo.default_value ? *mo.default_value : "(none)";
    if (Str(o.name) != mo.name || Str(o.type) != mo.type || lib_default != man_default || (o.multi != 0) != mo.multi)
      return differ("option '" + mo.name + "'", mo.name + ":" + mo.type + (mo.multi ? "[]" : "") + "=" + man_default,
                    Str(o.name) + ":" + Str(o.type) + (o.multi ? "[]" : "") + "=" + lib_default);
  }
  return Status();
}

}  // namespace bciin::host
