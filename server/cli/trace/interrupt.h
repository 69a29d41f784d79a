#pragma once
// Ctrl-C / SIGTERM during a trace: the handler only records the signal; the trace loop polls it
// between waits, cancels the running statement, rolls back and removes a scratch cluster.
namespace zerolock::trace {

// Installs SIGINT/SIGTERM handlers for the lifetime of the guard, restoring the previous ones.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
};

// 0 when no signal arrived, else the signal number.
int interrupted();

}  // namespace zerolock::trace
