-- Neovim 0.11+ (vim.lsp.config / vim.lsp.enable('zerolock')) with this plugin on 'runtimepath'.
return {
  cmd = { 'zerolock', 'lsp' },
  filetypes = { 'sql', 'python', 'xml', 'yaml', 'json' },
  root_markers = { 'zerolock.toml', 'alembic.ini', '.git' },
  settings = { zerolock = { postgresVersion = 15, inlayHints = { enabled = true } } },
}
