#include <gtest/gtest.h>

#include "alembic/python_tokenizer.h"

namespace zerolock::alembic {
namespace {

std::vector<std::string> kinds(std::string_view src) {
  std::vector<std::string> out;
  for (const Token& t : tokenize(src).tokens) {
    switch (t.kind) {
      case TokKind::Name: out.push_back("N:" + std::string(src.substr(t.begin, t.end - t.begin))); break;
      case TokKind::Number: out.push_back("#:" + std::string(src.substr(t.begin, t.end - t.begin))); break;
      case TokKind::String: out.push_back("S:" + std::string(src.substr(t.begin, t.end - t.begin))); break;
      case TokKind::Op: out.push_back(std::string(src.substr(t.begin, t.end - t.begin))); break;
      case TokKind::Newline: out.push_back("NL"); break;
      case TokKind::Indent: out.push_back("IN"); break;
      case TokKind::Dedent: out.push_back("DE"); break;
      case TokKind::EndMarker: out.push_back("END"); break;
    }
  }
  return out;
}

std::string decode(std::string_view src) {
  TokenizeResult r = tokenize(src);
  DecodedString d;
  for (const Token& t : r.tokens)
    if (t.kind == TokKind::String) append_string_literal(src, t, d);
  return d.value;
}

TEST(PythonTokenizer, IndentDedentAndBrackets) {
  std::string src = "def f():\n    x = (1,\n  2)\n    # comment\n\n    y = 3\nz\n";
  std::vector<std::string> expected = {"N:def", "N:f", "(", ")", ":", "NL", "IN", "N:x", "=", "(", "#:1", ",",
                                       "#:2", ")", "NL", "N:y", "=", "#:3", "NL", "DE", "N:z", "NL", "END"};
  EXPECT_EQ(kinds(src), expected);
  EXPECT_EQ(tokenize(src).comments.size(), 1u);
}

TEST(PythonTokenizer, LineContinuationAndDedentAtEof) {
  std::string src = "if a:\n    b = 1 + \\\n        2";
  std::vector<std::string> expected = {"N:if", "N:a", ":", "NL", "IN", "N:b", "=", "#:1", "+", "#:2", "NL", "DE", "END"};
  EXPECT_EQ(kinds(src), expected);
}

TEST(PythonTokenizer, StringPrefixesAndTripleQuotes) {
  std::string src = "r'a\\'b' b\"x\" f'{y}' Rb'''z\n''' u\"\"\"q\"\"\" '' rb";
  std::vector<std::string> expected = {"S:r'a\\'b'", "S:b\"x\"", "S:f'{y}'", "S:Rb'''z\n'''", "S:u\"\"\"q\"\"\"",
                                       "S:''", "N:rb", "NL", "END"};
  EXPECT_EQ(kinds(src), expected);
}

TEST(PythonTokenizer, UnterminatedStringIsAnError) {
  TokenizeResult r = tokenize("x = 'abc\ny = 1\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->offset, 4u);
  TokenizeResult t = tokenize("x = '''abc\n");
  ASSERT_TRUE(t.error);
}

TEST(PythonTokenizer, DecodesEscapesAndConcatenation) {
  EXPECT_EQ(decode("'a\\nb' \"c\\x41\" r'\\n'"), "a\nbcA\\n");
  EXPECT_EQ(decode("'caf\\u00e9'"), "caf\xc3\xa9");
  EXPECT_EQ(decode("'a\\\nb'"), "ab");
  EXPECT_EQ(decode("'\\q'"), "\\q");
  EXPECT_EQ(decode("'''x\r\ny'''"), "x\ny");
}

TEST(PythonTokenizer, MapsValueBytesBackToSource) {
  std::string src = "'a\\tb' 'cd'";
  TokenizeResult r = tokenize(src);
  DecodedString d;
  for (const Token& t : r.tokens)
    if (t.kind == TokKind::String) append_string_literal(src, t, d);
  ASSERT_EQ(d.value, "a\tbcd");
  EXPECT_EQ(d.source_range(0, 1), (ByteRange{1, 2}));   // a
  EXPECT_EQ(d.source_range(1, 2), (ByteRange{2, 4}));   // \t
  EXPECT_EQ(d.source_range(2, 4), (ByteRange{4, 9}));   // b' 'c spans the concatenation
  EXPECT_EQ(d.source_range(4, 5), (ByteRange{9, 10}));  // d
}

}  // namespace
}  // namespace zerolock::alembic
