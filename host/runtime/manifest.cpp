#include "manifest.hpp"

#include <nlohmann/json.hpp>

#include <fstream>

namespace bciin::host {

namespace {

using nlohmann::json;

class FieldReader {
 public:
  FieldReader(const std::filesystem::path& file) : file_(file) {}

  Status Error(const std::string& field, const std::string& what) const {
    return Status::Corruption("manifest " + file_.string() + ": field '" + field + "' " + what);
  }

  Status String(const json& obj, const std::string& key, const std::string& where, std::string* out,
                bool required = true) const {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (!required) return Status();
      return Error(where + key, "is missing");
    }
    if (!it->is_string()) return Error(where + key, "must be a string");
    *out = it->get<std::string>();
    return Status();
  }

  Status Array(const json& obj, const std::string& key, const json** out) const {
    auto it = obj.find(key);
    if (it == obj.end()) return Error(key, "is missing");
    if (!it->is_array()) return Error(key, "must be an array");
    *out = &*it;
    return Status();
  }

 private:
  std::filesystem::path file_;
};

bool IsPluginId(const std::string& id) {
  if (id.empty() || id[0] == '-') return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

}  // namespace

const OptionDecl* Manifest::FindOption(const std::string& name) const {
  for (const auto& o : options)
    if (o.name == name) return &o;
  return nullptr;
}

bool IsKnownOptionType(const std::string& type) {
  return type == "string" || type == "int" || type == "uint" || type == "bool" ||
         type == "double" || type == "path";
}

Status ManifestFromDescriptor(const bciin_plugin_descriptor& d, Manifest* out) {
  Manifest m;
  auto str = [](const char* s) { return s ? std::string(s) : std::string(); };
  m.file = "(built into bciin-node)";
  m.library = "(built into bciin-node)";
  m.id = str(d.id);
  m.version_text = str(d.version);
  BCIIN_RETURN_IF_ERROR(ParseVersion(m.version_text, &m.version).WithContext("built-in plugin '" + m.id + "'"));
  m.kind = str(d.kind);
  m.description = str(d.description);
  m.abi_major = d.abi_major;
  m.abi_minor = d.abi_minor;
  m.entry_symbol = BCIIN_PLUGIN_ENTRY_SYMBOL;
  for (uint32_t i = 0; i < d.provides_count; ++i) {
    ProvideDecl p{str(d.provides[i].id), {}};
    BCIIN_RETURN_IF_ERROR(ParseVersion(str(d.provides[i].version), &p.version));
    m.provides.push_back(std::move(p));
  }
  for (uint32_t i = 0; i < d.requirements_count; ++i) {
    RequireDecl r{str(d.requirements[i].id), {}};
    BCIIN_RETURN_IF_ERROR(VersionRange::Parse(str(d.requirements[i].range), &r.range));
    m.requires_.push_back(std::move(r));
  }
  for (uint32_t i = 0; i < d.options_count; ++i) {
    const auto& o = d.options[i];
    OptionDecl decl{str(o.name), str(o.type), std::nullopt, str(o.help), o.multi != 0};
    if (o.default_value) decl.default_value = o.default_value;
    m.options.push_back(std::move(decl));
  }
  m.builtin = &d;
  *out = std::move(m);
  return Status();
}

Status LoadManifest(const std::filesystem::path& file, Manifest* out) {
  std::ifstream in(file);
  if (!in) return Status::IoError("manifest " + file.string() + ": cannot be read");
  json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    return Status::Corruption("manifest " + file.string() + ": not valid JSON");
  if (!doc.is_object()) return Status::Corruption("manifest " + file.string() + ": not a JSON object");

  FieldReader r(file);
  Manifest m;
  m.file = file;
  auto mv = doc.find("manifest_version");
  if (mv == doc.end() || !mv->is_number_unsigned() || mv->get<uint64_t>() != 1)
    return r.Error("manifest_version", "must be 1 (this host reads manifest version 1)");

  BCIIN_RETURN_IF_ERROR(r.String(doc, "id", "", &m.id));
  if (!IsPluginId(m.id)) return r.Error("id", "must match [a-z0-9][a-z0-9-]*");
  BCIIN_RETURN_IF_ERROR(r.String(doc, "version", "", &m.version_text));
  if (Status s = ParseVersion(m.version_text, &m.version); !s.ok()) return r.Error("version", s.message());
  BCIIN_RETURN_IF_ERROR(r.String(doc, "kind", "", &m.kind));
  BCIIN_RETURN_IF_ERROR(r.String(doc, "description", "", &m.description, /*required=*/false));
  BCIIN_RETURN_IF_ERROR(r.String(doc, "entry_symbol", "", &m.entry_symbol));

  auto abi = doc.find("abi");
  if (abi == doc.end() || !abi->is_object()) return r.Error("abi", "must be an object {major, minor}");
  auto major = abi->find("major");
  auto minor = abi->find("minor");
  if (major == abi->end() || !major->is_number_unsigned()) return r.Error("abi.major", "must be a number");
  if (minor == abi->end() || !minor->is_number_unsigned()) return r.Error("abi.minor", "must be a number");
  m.abi_major = major->get<uint32_t>();
  m.abi_minor = minor->get<uint32_t>();

  std::string library;
  BCIIN_RETURN_IF_ERROR(r.String(doc, "library", "", &library));
  if (library.empty() || library.find('/') != std::string::npos)
    return r.Error("library", "must be a file name beside the manifest");
  m.library = std::filesystem::absolute(file).parent_path() / library;

  const json* provides = nullptr;
  BCIIN_RETURN_IF_ERROR(r.Array(doc, "provides", &provides));
  for (size_t i = 0; i < provides->size(); ++i) {
    const json& p = (*provides)[i];
    std::string where = "provides[" + std::to_string(i) + "].";
    if (!p.is_object()) return r.Error(where, "must be an object");
    ProvideDecl d;
    std::string version;
    BCIIN_RETURN_IF_ERROR(r.String(p, "id", where, &d.id));
    BCIIN_RETURN_IF_ERROR(r.String(p, "version", where, &version));
    if (Status s = ParseVersion(version, &d.version); !s.ok()) return r.Error(where + "version", s.message());
    m.provides.push_back(std::move(d));
  }

  const json* requires_ = nullptr;
  BCIIN_RETURN_IF_ERROR(r.Array(doc, "requires", &requires_));
  for (size_t i = 0; i < requires_->size(); ++i) {
    const json& q = (*requires_)[i];
    std::string where = "requires[" + std::to_string(i) + "].";
    if (!q.is_object()) return r.Error(where, "must be an object");
    RequireDecl d;
    std::string range;
    BCIIN_RETURN_IF_ERROR(r.String(q, "id", where, &d.id));
    BCIIN_RETURN_IF_ERROR(r.String(q, "range", where, &range));
    if (Status s = VersionRange::Parse(range, &d.range); !s.ok()) return r.Error(where + "range", s.message());
    m.requires_.push_back(std::move(d));
  }

  const json* options = nullptr;
  BCIIN_RETURN_IF_ERROR(r.Array(doc, "options", &options));
  for (size_t i = 0; i < options->size(); ++i) {
    const json& o = (*options)[i];
    std::string where = "options[" + std::to_string(i) + "].";
    if (!o.is_object()) return r.Error(where, "must be an object");
    OptionDecl d;
    BCIIN_RETURN_IF_ERROR(r.String(o, "name", where, &d.name));
    BCIIN_RETURN_IF_ERROR(r.String(o, "type", where, &d.type));
    if (!IsKnownOptionType(d.type))
      return r.Error(where + "type", "'" + d.type + "' is not one of string int uint bool double path");
    BCIIN_RETURN_IF_ERROR(r.String(o, "help", where, &d.help, /*required=*/false));
    auto def = o.find("default");
    if (def != o.end() && !def->is_null()) {
      if (!def->is_string()) return r.Error(where + "default", "must be a string or null");
      d.default_value = def->get<std::string>();
    }
    auto multi = o.find("multi");
    if (multi != o.end()) {
      if (!multi->is_boolean()) return r.Error(where + "multi", "must be true or false");
      d.multi = multi->get<bool>();
    }
    if (m.FindOption(d.name)) return r.Error(where + "name", "'" + d.name + "' is declared twice");
    m.options.push_back(std::move(d));
  }
  *out = std::move(m);
  return Status();
}

}  // namespace bciin::host
