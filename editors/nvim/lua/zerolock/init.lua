-- zerolock for Neovim (0.7+): starts `zerolock lsp` for PostgreSQL migrations (SQL, Alembic,
-- Liquibase), and adds :ZerolockLocks, :ZerolockExplain, :ZerolockFixAll, :ZerolockRestart.
--
--   require('zerolock').setup{}                    -- defaults below
--   require('zerolock').setup{ settings = { zerolock = { postgresVersion = 13 } } }
--
-- Uses only APIs present in Neovim 0.7 (vim.lsp.start_client, nvim_create_autocmd); newer
-- features (inlay hints) are feature-detected.
local M = {}

M.default_cmd = { 'zerolock', 'lsp' }

local defaults = {
  cmd = M.default_cmd,
  -- Filetypes whose buffers are checked; python/xml/yaml/json buffers are then filtered by
  -- `is_migration` (alembic `versions/`, `from alembic import op`, `databaseChangeLog`).
  filetypes = { 'sql', 'python', 'xml', 'yaml', 'json' },
  root_markers = { 'zerolock.toml', 'alembic.ini', '.git' },
  settings = {
    zerolock = {
      postgresVersion = 15,
      rules = vim.empty_dict(),
      tables = vim.empty_dict(),
      inlayHints = { enabled = true },
      lockTimeout = vim.NIL,
    },
  },
  autostart = true,
  on_attach = nil, -- function(client, bufnr)
  -- Extra `zerolock lsp` arguments, e.g. { '--log', '/tmp/zerolock.log', '--log-level', 'debug' }.
  extra_args = {},
  -- Buffer-local maps in migrations; false to define your own.
  keymaps = {
    hover = 'K',
    code_action = '<leader>ca',
    fix_all = '<leader>zf',
    locks = '<leader>zl',
    explain = '<leader>ze',
  },
}

M.config = nil
M.client_id = nil

local function deep_extend(a, b)
  return vim.tbl_deep_extend('force', a, b or {})
end

local function readable(path)
  return vim.fn.filereadable(path) == 1
end

--- True when the buffer is a migration zerolock understands.
function M.is_migration(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local ft = vim.bo[bufnr].filetype
  local name = vim.api.nvim_buf_get_name(bufnr)
  if ft == 'sql' then
    return true
  end
  local head = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, 400, false), '\n')
  if ft == 'python' then
    return name:match('/versions/[^/]*%.py$') ~= nil
      or head:match('from%s+alembic%s+import[^\n]*op') ~= nil
  end
  if ft == 'xml' or ft == 'yaml' or ft == 'json' then
    return head:find('databaseChangeLog', 1, true) ~= nil
  end
  return false
end

local function root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local start = name ~= '' and vim.fn.fnamemodify(name, ':p:h') or vim.fn.getcwd()
  for _, marker in ipairs(M.config.root_markers) do
    local found = vim.fn.findfile(marker, start .. ';')
    if found == '' then
      found = vim.fn.finddir(marker, start .. ';')
    end
    if found ~= '' then
      local dir = vim.fn.fnamemodify(found, ':p:h'):gsub('/%.git/?$', '')
      return dir
    end
  end
  return start
end

local function full_cmd()
  local cmd = vim.deepcopy(M.config.cmd)
  for _, a in ipairs(M.config.extra_args or {}) do
    table.insert(cmd, a)
  end
  return cmd
end

local function set_keymaps(bufnr)
  local km = M.config.keymaps
  if not km then
    return
  end
  local function map(lhs, rhs, desc)
    if lhs then
      vim.keymap.set('n', lhs, rhs, { buffer = bufnr, silent = true, desc = desc })
    end
  end
  map(km.hover, vim.lsp.buf.hover, 'zerolock: hover')
  map(km.code_action, vim.lsp.buf.code_action, 'zerolock: code action')
  map(km.fix_all, M.fix_all, 'zerolock: apply all safe fixes')
  map(km.locks, M.show_locks, 'zerolock: lock report')
  map(km.explain, function() M.explain() end, 'zerolock: explain rule at cursor')
end

--- The lspconfig-style config table (also used by lua/lspconfig/server_configurations/zerolock.lua).
function M.lsp_config(opts)
  local c = deep_extend(defaults, opts)
  return {
    name = 'zerolock',
    cmd = c.cmd,
    filetypes = c.filetypes,
    root_markers = c.root_markers,
    settings = c.settings,
    init_options = { settings = c.settings.zerolock },
    single_file_support = true,
  }
end

local function start_client(bufnr)
  local cmd = full_cmd()
  if vim.fn.executable(cmd[1]) ~= 1 then
    vim.notify(
      ('zerolock: %q is not executable. Build zerolock (cmake --build build) and put it on PATH, '
        .. "or pass cmd = { '/path/to/zerolock', 'lsp' } to require('zerolock').setup{}."):format(cmd[1]),
      vim.log.levels.ERROR
    )
    return nil
  end
  local settings = M.config.settings
  return vim.lsp.start_client({
    name = 'zerolock',
    cmd = cmd,
    root_dir = root_dir(bufnr),
    settings = settings,
    init_options = { settings = settings.zerolock },
    on_init = function(client)
      client.notify('workspace/didChangeConfiguration', { settings = settings })
      return true
    end,
    on_attach = function(client, b)
      set_keymaps(b)
      if vim.lsp.inlay_hint and vim.lsp.inlay_hint.enable and settings.zerolock.inlayHints.enabled then
        pcall(vim.lsp.inlay_hint.enable, true, { bufnr = b }) -- Neovim 0.10+
      end
      if M.config.on_attach then
        M.config.on_attach(client, b)
      end
    end,
    on_exit = function(code, signal)
      if code ~= 0 and not M._stopping then
        vim.schedule(function()
          vim.notify(('zerolock: the language server exited (code %d, signal %d); :ZerolockRestart starts it again')
            :format(code, signal or 0), vim.log.levels.WARN)
        end)
      end
      M.client_id = nil
    end,
  })
end

--- Attaches the zerolock client to a buffer if it is a migration (starting the client once).
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not M.config or not M.is_migration(bufnr) then
    return false
  end
  if not M.client_id or not vim.lsp.get_client_by_id(M.client_id) then
    M.client_id = start_client(bufnr)
    if not M.client_id then
      return false
    end
  end
  return vim.lsp.buf_attach_client(bufnr, M.client_id)
end

function M.get_client()
  return M.client_id and vim.lsp.get_client_by_id(M.client_id) or nil
end

function M.restart()
  local client = M.get_client()
  local bufs = {}
  if client then
    bufs = vim.lsp.get_buffers_by_client_id(client.id)
    M._stopping = true
    client.stop()
    M.client_id = nil
  end
  vim.defer_fn(function()
    M._stopping = false
    if #bufs == 0 then
      bufs = { vim.api.nvim_get_current_buf() }
    end
    for _, b in ipairs(bufs) do
      if vim.api.nvim_buf_is_valid(b) then
        M.attach(b)
      end
    end
  end, 500)
end

local function apply_action(client, action)
  if action.edit then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')
  end
  local command = type(action.command) == 'table' and action.command or (action.arguments and action) or nil
  if command and command.command then
    client.request('workspace/executeCommand', command, function() end)
  end
end

--- Requests code actions over the whole buffer (or opts.range) and applies the first one that
--- matches: opts.only (kinds), opts.preferred (isPreferred), opts.filter(action) -> bool.
--- Returns the applied action or nil.
function M.apply_code_action(opts)
  opts = opts or {}
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  local client = M.get_client()
  if not client then
    vim.notify('zerolock: the language server is not running', vim.log.levels.WARN)
    return nil
  end
  local last = vim.api.nvim_buf_line_count(bufnr)
  local range = opts.range or { start = { line = 0, character = 0 }, ['end'] = { line = last, character = 0 } }
  local diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.user_data and d.user_data.lsp then
      table.insert(diagnostics, d.user_data.lsp)
    end
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = range,
    context = { diagnostics = diagnostics, only = opts.only },
  }
  local resp = client.request_sync('textDocument/codeAction', params, opts.timeout or 5000, bufnr)
  local actions = (resp and resp.result) or {}
  local chosen
  for _, a in ipairs(actions) do
    if (not opts.preferred or a.isPreferred) and (not opts.filter or opts.filter(a)) then
      chosen = a
      break
    end
  end
  if not chosen then
    return nil
  end
  local provider = (client.server_capabilities or {}).codeActionProvider
  if not chosen.edit and not chosen.command and type(provider) == 'table' and provider.resolveProvider then
    local r = client.request_sync('codeAction/resolve', chosen, opts.timeout or 5000, bufnr)
    chosen = (r and r.result) or chosen
  end
  apply_action(client, chosen)
  return chosen
end

function M.fix_all(bufnr)
  local a = M.apply_code_action({ bufnr = bufnr, only = { 'source.fixAll.zerolock' } })
  if not a then
    vim.notify('zerolock: no safe fixes to apply', vim.log.levels.INFO)
  end
  return a
end

local function scratch(lines, ft, title)
  vim.cmd('botright new')
  local b = vim.api.nvim_get_current_buf()
  vim.bo[b].buftype = 'nofile'
  vim.bo[b].bufhidden = 'wipe'
  vim.bo[b].swapfile = false
  pcall(vim.api.nvim_buf_set_name, b, title)
  vim.api.nvim_buf_set_lines(b, 0, -1, false, lines)
  vim.bo[b].filetype = ft
  vim.bo[b].modifiable = false
  return b
end

local function run_cli(args)
  local cmd = { M.config.cmd[1] }
  for _, a in ipairs(args) do
    table.insert(cmd, a)
  end
  local out = vim.fn.systemlist(cmd)
  return out, vim.v.shell_error
end

--- :ZerolockLocks: the per-statement lock report (`zerolock locks --format text`) of the file.
function M.show_locks()
  local file = vim.api.nvim_buf_get_name(0)
  if file == '' or not readable(file) then
    vim.notify('zerolock: save the migration first', vim.log.levels.WARN)
    return
  end
  if vim.bo.modified then
    vim.cmd('silent write')
  end
  local out, code = run_cli({ 'locks', '--format', 'text', file })
  if code ~= 0 and #out == 0 then
    vim.notify('zerolock locks failed (exit ' .. code .. ')', vim.log.levels.ERROR)
    return
  end
  return scratch(out, 'markdown', 'zerolock://locks/' .. vim.fn.fnamemodify(file, ':t'))
end

--- :ZerolockExplain [RULE]: `zerolock explain RULE`, RULE defaulting to the most severe finding at
--- the cursor (without one: the list of rules).
function M.explain(rule)
  if not rule or rule == '' then
    -- The most severe zerolock finding on the cursor line (preferring ones under the cursor).
    local cursor = vim.api.nvim_win_get_cursor(0)
    local lnum, col = cursor[1] - 1, cursor[2]
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(0, { lnum = lnum })) do
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if code and (d.source == nil or d.source == 'zerolock') then
        local under = d.col <= col and (d.end_lnum ~= lnum or col <= (d.end_col or d.col))
        table.insert(found, { rule = tostring(code), key = (under and 0 or 10) + (d.severity or 4) })
      end
    end
    table.sort(found, function(a, b) return a.key < b.key end)
    rule = found[1] and found[1].rule or nil
  end
  if not rule or rule == '' then
    local list = run_cli({ 'explain', '--list' })
    return scratch(list, 'markdown', 'zerolock://rules')
  end
  local out, code = run_cli({ 'explain', rule })
  if code ~= 0 then
    vim.notify('zerolock explain ' .. rule .. ': ' .. table.concat(out, '\n'), vim.log.levels.ERROR)
    return
  end
  return scratch(out, 'markdown', 'zerolock://explain/' .. rule)
end

-- The documented names (postgresVersion, inlayHints.enabled) plus the spellings the server's
-- settings parser has accepted (pgVersion, inlayHints.enable), so either server version works.
local function alias_settings(settings)
  local z = settings.zerolock or {}
  if z.postgresVersion ~= nil and z.pgVersion == nil then
    z.pgVersion = z.postgresVersion
  end
  if type(z.inlayHints) == 'table' and z.inlayHints.enabled ~= nil then
    z.inlayHints.enable = z.inlayHints.enabled
  end
  settings.zerolock = z
  return settings
end

function M.setup(opts)
  M.config = deep_extend(defaults, opts)
  M.config.settings = alias_settings(M.config.settings)
  local group = vim.api.nvim_create_augroup('zerolock', { clear = true })
  if M.config.autostart then
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = M.config.filetypes,
      callback = function(args)
        M.attach(args.buf)
      end,
    })
    -- Buffers already open when setup() runs.
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(b) and vim.tbl_contains(M.config.filetypes, vim.bo[b].filetype) then
        M.attach(b)
      end
    end
  end
  vim.api.nvim_create_user_command('ZerolockRestart', M.restart, { desc = 'Restart the zerolock language server' })
  vim.api.nvim_create_user_command('ZerolockLocks', M.show_locks, { desc = 'Lock report of this migration' })
  vim.api.nvim_create_user_command('ZerolockFixAll', function() M.fix_all() end, { desc = 'Apply all safe zerolock fixes' })
  vim.api.nvim_create_user_command('ZerolockExplain', function(a) M.explain(a.args) end,
    { nargs = '?', desc = 'Explain a zerolock rule (default: the one at the cursor)' })
  vim.api.nvim_create_user_command('ZerolockAttach', function() M.attach(0) end, { desc = 'Lint this buffer with zerolock' })
  vim.api.nvim_create_user_command('ZerolockInfo', function()
    local c = M.get_client()
    print(c and ('zerolock: running (id %d, root %s, cmd %s)'):format(c.id, c.config.root_dir, table.concat(c.config.cmd, ' '))
      or 'zerolock: not running')
  end, {})
  return M
end

return M
