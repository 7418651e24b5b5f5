// What a reload decides, as a pure function of the running and the wanted configuration.
#include <gtest/gtest.h>

#include "server/reload.h"

namespace p9::server {
namespace {

ExportOptions export_named(std::string name, uint64_t size = 0) {
  ExportOptions e;
  e.name = std::move(name);
  e.size_limit = size;
  return e;
}

ServerOptions running() {
  ServerOptions o;
  o.listen = {"unix:/run/p9.sock"};
  o.threads = 2;
  o.exports = {export_named("a", 1 << 20), export_named("b")};
  return o;
}

TEST(ReloadPlan, SameConfigurationChangesNothing) {
  const ReloadPlan plan = plan_reload(running(), running());
  EXPECT_TRUE(plan.needs_restart.empty());
  EXPECT_TRUE(plan.changed.empty());
  EXPECT_TRUE(plan.added.empty());
  EXPECT_FALSE(plan.log_level_changed);
}

TEST(ReloadPlan, LimitsReadOnlyNewExportsAndLogLevelApply) {
  ServerOptions wanted = running();
  wanted.exports[0].size_limit = 4096;
  wanted.exports[1].read_only = true;
  wanted.exports[1].inode_limit = 5;
  std::swap(wanted.exports[0], wanted.exports[1]);  // order does not matter
  wanted.exports.push_back(export_named("c"));
  wanted.log_level = spdlog::level::warn;
  const ReloadPlan plan = plan_reload(running(), wanted);
  EXPECT_TRUE(plan.needs_restart.empty());
  ASSERT_EQ(plan.changed.size(), 2u);
  EXPECT_EQ(plan.changed[0].name, "b");
  EXPECT_TRUE(plan.changed[0].read_only);
  EXPECT_EQ(plan.changed[1].size_limit, 4096u);
  ASSERT_EQ(plan.added.size(), 1u);
  EXPECT_EQ(plan.added[0].name, "c");
  EXPECT_TRUE(plan.log_level_changed);
}

TEST(ReloadPlan, EachDifferenceThatNeedsARestartIsNamed) {
  ServerOptions wanted = running();
  wanted.listen = {"tcp:0.0.0.0:564"};
  wanted.max_fids = 10;
  wanted.exports.erase(wanted.exports.begin());  // "a" removed
  wanted.exports[0].access = Access::client;
  wanted.exports[0].squash_uid = 1000;
  wanted.exports[0].root_mode = 0755;
  const ReloadPlan plan = plan_reload(running(), wanted);
  EXPECT_EQ(plan.needs_restart, (std::vector<std::string>{
                                    "listen changed from unix:/run/p9.sock to tcp:0.0.0.0:564",
                                    "max_fids changed from 65536 to 10",
                                    "export 'a' was removed",
                                    "export 'b': access changed from user to client",
                                    "export 'b': mode changed from 1777 to 755",
                                    "export 'b': squash uid changed from none to 1000",
                                }));
}

TEST(ReloadPlan, TraceKeepsTheLevelAtDebugOrBelow) {
  ServerOptions o = running();
  o.log_level = spdlog::level::warn;
  EXPECT_EQ(effective_log_level(o), spdlog::level::warn);
  o.trace = true;
  EXPECT_EQ(effective_log_level(o), spdlog::level::debug);
  o.log_level = spdlog::level::trace;
  EXPECT_EQ(effective_log_level(o), spdlog::level::trace);
}

}  // namespace
}  // namespace p9::server
