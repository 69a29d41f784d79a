-- nvim-lspconfig config for zerolock: `require('lspconfig').zerolock.setup{}` once this plugin is
-- on 'runtimepath' (lspconfig loads `lspconfig.server_configurations.<name>` on demand; newer
-- lspconfig versions use lsp/zerolock.lua with vim.lsp.config instead).
local util = require('lspconfig.util')

return {
  default_config = {
    cmd = { 'zerolock', 'lsp' },
    filetypes = { 'sql', 'python', 'xml', 'yaml', 'json' },
    root_dir = util.root_pattern('zerolock.toml', 'alembic.ini', '.git'),
    single_file_support = true,
    settings = { zerolock = { postgresVersion = 15, inlayHints = { enabled = true } } },
  },
  docs = {
    description = [[
https://github.com/zerolock/zerolock

Lints PostgreSQL migrations (SQL, Flyway, Alembic, Liquibase) for dangerous locks.
Note: it attaches to every python/xml/yaml/json buffer; require('zerolock').setup{} attaches only
to migrations.
]],
  },
}
