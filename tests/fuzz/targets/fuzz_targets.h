#pragma once
// The entry function of every fuzz target (one per file in targets/).
#include <cstddef>
#include <cstdint>

int fuzz_framing(const uint8_t* data, size_t size);
int fuzz_server_dispatch(const uint8_t* data, size_t size);
int fuzz_sql(const uint8_t* data, size_t size);
int fuzz_alembic(const uint8_t* data, size_t size);
int fuzz_liquibase_xml(const uint8_t* data, size_t size);
int fuzz_liquibase_yaml(const uint8_t* data, size_t size);
int fuzz_liquibase_json(const uint8_t* data, size_t size);
int fuzz_liquibase_sql(const uint8_t* data, size_t size);
int fuzz_text_sync(const uint8_t* data, size_t size);
int fuzz_rewrite(const uint8_t* data, size_t size);
