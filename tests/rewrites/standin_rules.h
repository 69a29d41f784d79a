#pragma once
// Test-only stand-ins for catalogue rules (issue 3) that are not in analysis/rules/ yet, so every
// recipe can be exercised end to end. Each is registered only when no rule with its id exists:
// once the real rule lands, the real rule is what the tests run.
namespace zerolock::test {
void register_standin_rules();
}
