// cpu::ThreadBudget: the OpenMP team a run gets while other processes keep the cores busy, from a
// scripted count of running tasks instead of /proc/loadavg.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "kernels/cpu/cpu_kernels.h"

using keras::kernels::cpu::ThreadBudget;

namespace {

int running = 0;
int scripted_running() { return running; }

// Each call samples (no interval): the team granted after each of `samples`.
std::vector<int> grants(ThreadBudget& budget, int requested, int now_running, int samples) {
  running = now_running;
  std::vector<int> out;
  for (int i = 0; i < samples; ++i) out.push_back(budget.threads_for_run(requested));
  return out;
}

using Grants = std::vector<int>;

TEST(ThreadBudget, AloneTheRequestedTeamRuns) {
  ThreadBudget budget(2, &scripted_running, std::chrono::milliseconds(0));
  EXPECT_EQ(grants(budget, 2, 1, 5), Grants({2, 2, 2, 2, 2}));
  EXPECT_EQ(grants(budget, 2, 2, 5), Grants({2, 2, 2, 2, 2}));  // our two threads
}

TEST(ThreadBudget, AnotherBusyProcessShrinksTheTeamAfterThreeAgreeingSamples) {
  ThreadBudget budget(2, &scripted_running, std::chrono::milliseconds(0));
  EXPECT_EQ(grants(budget, 2, 4, 4), Grants({2, 2, 1, 1}));  // our 2 and another process's 2
  // Both processes now run one thread each: the other core is still taken.
  EXPECT_EQ(grants(budget, 2, 2, 5), Grants({1, 1, 1, 1, 1}));
  // The other process ended: back to the whole team.
  EXPECT_EQ(grants(budget, 2, 1, 4), Grants({1, 1, 2, 2}));
}

TEST(ThreadBudget, OneBusySampleDoesNotFlipIt) {
  ThreadBudget budget(2, &scripted_running, std::chrono::milliseconds(0));
  EXPECT_EQ(grants(budget, 2, 5, 2), Grants({2, 2}));
  EXPECT_EQ(grants(budget, 2, 2, 1), Grants({2}));
  EXPECT_EQ(grants(budget, 2, 5, 2), Grants({2, 2}));  // the count starts again
  EXPECT_EQ(grants(budget, 2, 5, 1), Grants({1}));
}

TEST(ThreadBudget, ManyCoresKeepWhatTheOthersLeave) {
  ThreadBudget budget(16, &scripted_running, std::chrono::milliseconds(0));
  EXPECT_EQ(grants(budget, 16, 19, 3), Grants({16, 16, 13}));  // 3 others running
  EXPECT_EQ(grants(budget, 16, 13 + 3, 3), Grants({13, 13, 13}));
}

TEST(ThreadBudget, OneThreadAnUnreadableCountAndAnUnchangedRequestStayAsAsked) {
  ThreadBudget budget(2, &scripted_running, std::chrono::milliseconds(0));
  EXPECT_EQ(grants(budget, 1, 8, 4), Grants({1, 1, 1, 1}));
  EXPECT_EQ(grants(budget, 2, -1, 4), Grants({2, 2, 2, 2}));
  // More threads than cores asked for, and nobody else running: the caller's choice stands.
  EXPECT_EQ(grants(budget, 4, 4, 4), Grants({4, 4, 4, 4}));
}

TEST(ThreadBudget, SamplesAtMostOncePerInterval) {
  ThreadBudget budget(2, &scripted_running, std::chrono::hours(1));
  EXPECT_EQ(grants(budget, 2, 6, 6), Grants({2, 2, 2, 2, 2, 2}));  // one sample in an hour
}

}  // namespace
