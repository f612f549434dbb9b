// bciin-node against bad input, end to end: every case starts the real node on a real plugin
// directory and asserts the message and the exit code. The host must never crash.
#include "process.hpp"

#include <bciin/abi.h>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <initializer_list>

namespace bciin::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kExitConfig = 3, kExitPluginLoad = 4, kExitDependency = 5, kExitPluginStart = 6, kExitUsage = 2;

class NodeBadInputTest : public ::testing::Test {
 protected:
  fs::path plugins() const { return dir_ / "plugins"; }

  // Installs built fixtures (library and manifest) into this test's plugin-dir.
  void Install(std::initializer_list<const char*> ids, const fs::path& into = {}) {
    fs::path target = into.empty() ? plugins() : into;
    fs::create_directories(target);
    for (const char* id : ids) {
      for (const char* ext : {".so", ".json"}) {
        fs::path from = BuildDir() / "test-fixtures" / (std::string(id) + ext);
        if (fs::exists(from)) fs::copy_file(from, target / from.filename(), fs::copy_options::overwrite_existing);
      }
    }
  }

  // Writes node.ini with the plugin-dir and data-dir of this test, then `body`.
  fs::path Config(const std::string& body) {
    fs::path file = dir_ / "node.ini";
    WriteFile(file, "plugin-dir = " + plugins().string() + "\ndata-dir = " + (dir_ / "data").string() + "\n" + body);
    return file;
  }

  RunResult Node(std::vector<std::string> args) { return RunProgram(Program("bciin-node"), args); }

  RunResult NodeWithConfig(const std::string& body, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--config", Config(body).string(), "--check-config"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Node(args);
  }

  void Replace(const fs::path& file, const std::string& from, const std::string& to) {
    std::string text = ReadFile(file);
    auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from << " not in " << file;
    text.replace(at, from.size(), to);
    WriteFile(file, text);
  }

  TempDir dir_;
};

#define EXPECT_OUTPUT(result, text) EXPECT_NE((result).output.find(text), std::string::npos) << (result).output

// The host's ABI version as it prints it ("1.1"), so that a minor bump needs no edit here.
const std::string kHostAbi = std::to_string(BCIIN_ABI_MAJOR) + "." + std::to_string(BCIIN_ABI_MINOR);

TEST_F(NodeBadInputTest, GoodSetChecksAndRunsAndStopsOnSigterm) {
  Install({"fixture-counter", "fixture-user"});
  auto check = NodeWithConfig("plugin = fixture-user\nplugin = fixture-counter\n[fixture-counter]\nvalue = 42\n");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_OUTPUT(check, "would start in this order: fixture-counter, fixture-user");

  Process node(Program("bciin-node"), {"--config", (dir_ / "node.ini").string()});
  ASSERT_TRUE(node.WaitForOutput("] started:", std::chrono::seconds(30))) << node.Output();
  EXPECT_NE(node.Output().find("counter says 42"), std::string::npos) << node.Output();
  node.Signal(SIGTERM);
  EXPECT_EQ(node.Wait(std::chrono::seconds(30)), 0);
  std::string out = node.Output();
  // Stopped in reverse order of start.
  EXPECT_LT(out.find("stopped fixture-user"), out.find("stopped fixture-counter")) << out;
}

TEST_F(NodeBadInputTest, NotASharedObject) {
  Install({"fixture-counter"});
  WriteFile(plugins() / "fixture-counter.so", "this is text, not ELF\n");
  auto r = NodeWithConfig("plugin = fixture-counter\n");
  EXPECT_EQ(r.exit_code, kExitPluginLoad);
  EXPECT_OUTPUT(r, "is not a shared object this host can load");
  EXPECT_OUTPUT(r, (plugins() / "fixture-counter.so").string());
}

TEST_F(NodeBadInputTest, NoEntrySymbol) {
  Install({"fixture-counter", "fixture-noentry"});
  fs::copy_file(plugins() / "fixture-counter.json", plugins() / "fixture-noentry.json");
  Replace(plugins() / "fixture-noentry.json", "\"id\": \"fixture-counter\"", "\"id\": \"fixture-noentry\"");
  Replace(plugins() / "fixture-noentry.json", "fixture-counter.so", "fixture-noentry.so");
  auto r = NodeWithConfig("plugin = fixture-noentry\n");
  EXPECT_EQ(r.exit_code, kExitPluginLoad);
  EXPECT_OUTPUT(r, "does not export the entry symbol bciin_plugin_entry_v1");
}

TEST_F(NodeBadInputTest, AbiMajorDiffersInLibrary) {
  Install({"fixture-abi-major"});
  auto r = NodeWithConfig("plugin = fixture-abi-major\n");
  EXPECT_EQ(r.exit_code, kExitPluginLoad);
  EXPECT_OUTPUT(r, "exports bciin_plugin_entry_v2 but not bciin_plugin_entry_v1");
}

TEST_F(NodeBadInputTest, AbiMajorDiffersInManifest) {
  Install({"fixture-counter"});
  Replace(plugins() / "fixture-counter.json", "\"major\": 1", "\"major\": 2");
  auto r = NodeWithConfig("plugin = fixture-counter\n");
  EXPECT_EQ(r.exit_code, kExitPluginLoad);
  EXPECT_OUTPUT(r, "was built for ABI 2." + std::to_string(BCIIN_ABI_MINOR) + ", this host speaks ABI " + kHostAbi);
}

TEST_F(NodeBadInputTest, AbiMinorNewerThanHost) {
  Install({"fixture-abi-minor"});
  auto r = NodeWithConfig("plugin = fixture-abi-minor\n");
  EXPECT_EQ(r.exit_code, kExitPluginLoad);
  EXPECT_OUTPUT(r, "needs ABI 1.99, newer than this host's " + kHostAbi);
}

TEST_F(NodeBadInputTest, ManifestDisagreesWithDescriptor) {
  Install({"fixture-counter"});
  Replace(plugins() / "fixture-counter.json", "\"version\": \"1.2.0\",\n  \"kind\"", "\"version\": \"1.3.0\",\n  \"kind\"");
  auto r = NodeWithConfig("plugin = fixture-counter\n");
  EXPECT_EQ(r.exit_code, kExitPluginLoad);
  EXPECT_OUTPUT(r, "disagrees with");
  EXPECT_OUTPUT(r, "on version (manifest: 1.3.0, library: 1.2.0)");
}

TEST_F(NodeBadInputTest, ManifestMissing) {
  Install({"fixture-counter"});
  fs::remove(plugins() / "fixture-counter.json");
  auto r = NodeWithConfig("plugin = fixture-counter\n");
  EXPECT_EQ(r.exit_code, kExitPluginLoad);
  EXPECT_OUTPUT(r, "has no manifest (expected fixture-counter.json beside it");
}

TEST_F(NodeBadInputTest, ManifestMalformed) {
  Install({"fixture-counter"});
  WriteFile(plugins() / "fixture-counter.json", "{ \"id\": \"fixture-counter\", ");
  auto r = NodeWithConfig("plugin = fixture-counter\n");
  EXPECT_EQ(r.exit_code, kExitPluginLoad);
  EXPECT_OUTPUT(r, "fixture-counter.json: not valid JSON");

  WriteFile(plugins() / "fixture-counter.json", "{\"manifest_version\": 1, \"id\": \"fixture-counter\", \"version\": 3}");
  r = NodeWithConfig("plugin = fixture-counter\n");
  EXPECT_EQ(r.exit_code, kExitPluginLoad);
  EXPECT_OUTPUT(r, "field 'version' must be a string");
}

TEST_F(NodeBadInputTest, RequiredPluginMissing) {
  Install({"fixture-counter", "fixture-user"});
  auto r = NodeWithConfig("plugin = fixture-user\n");
  EXPECT_EQ(r.exit_code, kExitDependency);
  EXPECT_OUTPUT(r, "plugin 'fixture-user' requires fixture.counter/1 >=1.0.0 <2.0.0, which no enabled plugin provides");
  EXPECT_OUTPUT(r, "add 'plugin = fixture-counter'");
}

TEST_F(NodeBadInputTest, RequiredVersionOutOfRange) {
  Install({"fixture-counter", "fixture-picky"});
  auto r = NodeWithConfig("plugin = fixture-counter\nplugin = fixture-picky\n");
  EXPECT_EQ(r.exit_code, kExitDependency);
  EXPECT_OUTPUT(r, "plugin 'fixture-picky' requires fixture-counter ^2.0, but plugin 'fixture-counter' is 1.2.0");
}

TEST_F(NodeBadInputTest, OptionalRequirementOrdersItsProviderFirstOrIsMissing) {
  Install({"fixture-counter", "fixture-optional"});
  auto alone = NodeWithConfig("plugin = fixture-optional\n");
  EXPECT_EQ(alone.exit_code, 0) << alone.output;
  auto both = NodeWithConfig("plugin = fixture-optional\nplugin = fixture-counter\n");
  EXPECT_EQ(both.exit_code, 0) << both.output;
  EXPECT_OUTPUT(both, "would start in this order: fixture-counter, fixture-optional");
}

TEST_F(NodeBadInputTest, CycleInRequirements) {
  Install({"fixture-cycle-a", "fixture-cycle-b"});
  auto r = NodeWithConfig("plugin = fixture-cycle-a\nplugin = fixture-cycle-b\n");
  EXPECT_EQ(r.exit_code, kExitDependency);
  EXPECT_OUTPUT(r, "cycle: fixture-cycle-a -> fixture-cycle-b -> fixture-cycle-a");
}

TEST_F(NodeBadInputTest, TwoPluginsWithTheSameId) {
  Install({"fixture-counter"});
  Install({"fixture-counter"}, dir_ / "more-plugins");
  auto r = Node({"--plugin-dir", plugins().string(), "--plugin-dir", (dir_ / "more-plugins").string(),
                 "--plugin", "fixture-counter", "--check-config"});
  EXPECT_EQ(r.exit_code, kExitPluginLoad);
  EXPECT_OUTPUT(r, "plugin id 'fixture-counter' is defined twice: " + (plugins() / "fixture-counter.json").string() +
                       " and " + (dir_ / "more-plugins" / "fixture-counter.json").string());
}

TEST_F(NodeBadInputTest, PluginThrowsInCreate) {
  Install({"fixture-throws"});
  Config("plugin = fixture-throws\n");
  auto r = Node({"--config", (dir_ / "node.ini").string()});
  EXPECT_EQ(r.exit_code, kExitPluginStart);
  EXPECT_OUTPUT(r, "plugin 'fixture-throws' failed in create: create: fixture refuses to be created");
}

TEST_F(NodeBadInputTest, PluginFailsInStartAndEarlierOnesStopInReverse) {
  Install({"fixture-counter", "fixture-failstart"});
  Config("plugin = fixture-failstart\nplugin = fixture-counter\n");
  auto r = Node({"--config", (dir_ / "node.ini").string()});
  EXPECT_EQ(r.exit_code, kExitPluginStart);
  EXPECT_OUTPUT(r, "plugin 'fixture-failstart' failed in start: start: fixture cannot start");
  EXPECT_LT(r.output.find("started fixture-counter"), r.output.find("stopped fixture-counter")) << r.output;
  EXPECT_EQ(r.output.find("started fixture-failstart"), std::string::npos);
}

TEST_F(NodeBadInputTest, UnknownOptionInPluginSectionNamesFileAndLine) {
  Install({"fixture-counter"});
  auto r = NodeWithConfig("plugin = fixture-counter\n[fixture-counter]\nvalue = 1\ncolour = red\n");
  EXPECT_EQ(r.exit_code, kExitConfig);
  EXPECT_OUTPUT(r, (dir_ / "node.ini").string() + ":6: unknown option 'colour' in [fixture-counter]");
  EXPECT_OUTPUT(r, "declares: value, label, tag");
}

TEST_F(NodeBadInputTest, BadOptionValueNamesFileAndLine) {
  Install({"fixture-counter"});
  auto r = NodeWithConfig("plugin = fixture-counter\n[fixture-counter]\nvalue = seven\n");
  EXPECT_EQ(r.exit_code, kExitConfig);
  EXPECT_OUTPUT(r, "node.ini:5: option 'value' in [fixture-counter]: 'seven' is not an integer (declared type int)");
}

TEST_F(NodeBadInputTest, OptionForPluginNotEnabled) {
  Install({"fixture-counter", "fixture-user"});
  auto r = NodeWithConfig("plugin = fixture-counter\n[fixture-user]\nanything = 1\n");
  EXPECT_EQ(r.exit_code, kExitConfig);
  EXPECT_OUTPUT(r, "node.ini:5: option 'anything' is for plugin 'fixture-user', which is installed but not enabled");
}

TEST_F(NodeBadInputTest, MalformedConfigLine) {
  Install({"fixture-counter"});
  auto r = NodeWithConfig("plugin = fixture-counter\nthis line has no equals sign\n");
  EXPECT_EQ(r.exit_code, kExitConfig);
  EXPECT_OUTPUT(r, "node.ini:4: malformed line 'this line has no equals sign'");
}

TEST_F(NodeBadInputTest, DeviceWithoutDriverOrWithUnknownDriver) {
  Install({"fixture-counter"});
  auto r = NodeWithConfig("plugin = fixture-counter\n[device.printer1]\nport = /dev/null\n");
  EXPECT_EQ(r.exit_code, kExitConfig);
  EXPECT_OUTPUT(r, "node.ini:5: [device.printer1] has no 'driver = <plugin-id>'");
  r = NodeWithConfig("plugin = fixture-counter\n[device.printer1]\ndriver = no-such-driver\n");
  EXPECT_EQ(r.exit_code, kExitConfig);
  EXPECT_OUTPUT(r, "[device.printer1] names driver 'no-such-driver', which is not installed in any plugin-dir");
}

TEST_F(NodeBadInputTest, MissingPluginDir) {
  auto r = Node({"--plugin-dir", (dir_ / "nowhere").string(), "--check-config"});
  EXPECT_EQ(r.exit_code, kExitConfig);
  EXPECT_OUTPUT(r, "plugin-dir " + (dir_ / "nowhere").string() + " does not exist");
}

TEST_F(NodeBadInputTest, UnknownCommandLineOption) {
  Install({"fixture-counter"});
  auto r = NodeWithConfig("plugin = fixture-counter\n", {"--fixture-counter.nope=1"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_OUTPUT(r, "unknown option");
  EXPECT_OUTPUT(r, "fixture-counter.nope");
}

TEST_F(NodeBadInputTest, ListPluginsShowsRejectedWithReason) {
  Install({"fixture-counter", "fixture-abi-major"});
  auto r = Node({"--plugin-dir", plugins().string(), "--plugin", "fixture-counter", "--list-plugins"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_OUTPUT(r, "fixture-counter        1.2.0      test        would load");
  EXPECT_OUTPUT(r, "fixture-abi-major      0.1.0      test        rejected: ");
}

TEST_F(NodeBadInputTest, PrintDefaultConfigIsAValidConfig) {
  Install({"fixture-counter"});
  auto r = Node({"--plugin-dir", plugins().string(), "--print-default-config"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_OUTPUT(r, "[fixture-counter]");
  EXPECT_OUTPUT(r, "# value = 7");
  // Enabling the printed plugin section must pass the strict second pass.
  std::string text = r.output;
  auto at = text.find("plugin = ");
  while (at != std::string::npos) {  // drop the default set: not installed in this test
    text.replace(at, 0, "# ");
    at = text.find("\nplugin = ", at + 3);
    if (at != std::string::npos) ++at;
  }
  WriteFile(dir_ / "printed.ini", "plugin = fixture-counter\n" + text);
  auto check = Node({"--config", (dir_ / "printed.ini").string(), "--plugin-dir", plugins().string(), "--check-config"});
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST_F(NodeBadInputTest, VersionAndHelp) {
  auto v = Node({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_OUTPUT(v, "plugin ABI " + kHostAbi);
  auto h = Node({"--help"});
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_OUTPUT(h, "Exit codes:");
  EXPECT_OUTPUT(h, "--print-default-config");
}

}  // namespace
}  // namespace bciin::testing
