#pragma once
// YAML and JSON changelogs are read into Values (a JSON-like tree with ranges), then shaped into
// the XML-like Node tree (changelog_tree.h) by to_node.
#include <memory>
#include <string>
#include <vector>

#include "liquibase/changelog_tree.h"

namespace zerolock::liquibase {

struct Value {
  enum class Kind { Null, Scalar, Sequence, Mapping } kind = Kind::Null;
  ByteRange range;
  MappedText scalar;  // Scalar: the decoded value with its document offsets
  struct Member {
    MappedText key;
    ByteRange key_range;
    Value* value = nullptr;  // owned by `owned`
  };
  std::vector<Member> members;       // Mapping
  std::vector<Value*> items;         // Sequence
  std::vector<std::unique_ptr<Value>> owned;

  Value* make() {
    owned.push_back(std::make_unique<Value>());
    return owned.back().get();
  }
};

// {"databaseChangeLog": [...]} -> the databaseChangeLog Node; nullopt when absent.
std::optional<Node> changelog_from_value(const Value& document);

}  // namespace zerolock::liquibase
