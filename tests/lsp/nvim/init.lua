-- Headless Neovim (0.7+) end to end: open a migration, wait for zerolock's diagnostics, apply
-- the suppression code action the way Neovim does (resolve, then apply_workspace_edit), write
-- the file. The shell driver asserts the written text. Exit status 0 = passed.
local bin = os.getenv('ZEROLOCK_BIN')
local file = os.getenv('ZEROLOCK_FILE')
local rule = 'require-concurrent-index-creation'

local function fail(message)
  io.stderr:write('nvim e2e FAIL: ' .. message .. '\n')
  vim.cmd('cquit 1')
end

local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'zerolock',
    cmd = { bin, 'lsp' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
  })
  if not client_id then return fail('start_client failed') end
  vim.lsp.buf_attach_client(bufnr, client_id)

  local function has_rule()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if code == rule then return true end
    end
    return false
  end
  -- A hang guard, not a timing assertion.
  if not vim.wait(60000, has_rule, 20) then return fail('no ' .. rule .. ' diagnostic') end

  local client = vim.lsp.get_client_by_id(client_id)
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, 0) }
  local response = client.request_sync('textDocument/codeAction', params, 30000, bufnr)
  if not response or response.err or not response.result then return fail('codeAction failed') end
  local chosen
  for _, action in ipairs(response.result) do
    if action.title:find(rule, 1, true) then chosen = action end
  end
  if not chosen then return fail('no suppression action for ' .. rule) end
  if not chosen.edit then
    local resolved = client.request_sync('codeAction/resolve', chosen, 30000, bufnr)
    if not resolved or resolved.err or not resolved.result then return fail('codeAction/resolve failed') end
    chosen = resolved.result
  end
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or 'utf-16')
  vim.cmd('write')
  -- The server sees the edit (didChange) and drops the diagnostic.
  if not vim.wait(60000, function() return not has_rule() end, 20) then
    return fail(rule .. ' still reported after the suppression')
  end
  vim.lsp.stop_client(client_id)
  vim.cmd('qall!')
end

local ok, err = pcall(run)
if not ok then fail(tostring(err)) end
