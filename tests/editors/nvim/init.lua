-- Headless Neovim test of editors/nvim (Neovim 0.7+):
--   ZEROLOCK_BINARY=build/zerolock ZEROLOCK_SOURCE_DIR=. ZEROLOCK_FIXTURE=sql|alembic|liquibase \
--     nvim --headless --clean -u tests/editors/nvim/init.lua
-- Copies the fixture to a temporary folder, opens it through require('zerolock').setup{}, waits
-- for zerolock's diagnostics, requests hover on the flagged statement, applies the preferred code
-- action and checks the buffer. Exits 0 on success, 1 with a message on failure.
local source_dir = assert(os.getenv('ZEROLOCK_SOURCE_DIR'), 'ZEROLOCK_SOURCE_DIR is not set')
local binary = assert(os.getenv('ZEROLOCK_BINARY'), 'ZEROLOCK_BINARY is not set')
local which = os.getenv('ZEROLOCK_FIXTURE') or 'sql'
local timeout = tonumber(os.getenv('ZEROLOCK_NVIM_TIMEOUT') or '60000')

local function log(msg)
  io.stderr:write('[nvim ' .. which .. '] ' .. msg .. '\n')
end

local tmp = vim.fn.tempname()
local server_log = tmp .. '/zerolock-lsp.log'

local function fail(msg)
  log('FAIL: ' .. msg)
  local f = io.open(server_log, 'r')
  if f then
    log('server log (' .. server_log .. '):\n' .. f:read('*a'))
    f:close()
  end
  local lsp_log = vim.lsp.get_log_path and vim.lsp.get_log_path()
  if lsp_log and vim.fn.filereadable(lsp_log) == 1 then
    log('neovim lsp log tail:\n' .. table.concat(vim.fn.readfile(lsp_log, '', -40), '\n'))
  end
  vim.cmd('cquit 1')
end

local function check(cond, msg)
  if not cond then
    fail(msg)
  end
  return cond
end

local ok, err = xpcall(function()
  local fixtures = {
    sql = { dir = 'sql', file = 'sql/V2__orders_index.sql', filetype = 'sql',
            hover_line = 'ALTER TABLE', hover_expect = 'ACCESS EXCLUSIVE', fixed = 'CONCURRENTLY' },
    alembic = { dir = 'alembic', file = 'alembic/versions/0002_orders_index.py', filetype = 'python',
                hover_line = 'create_index', hover_expect = 'SHARE', fixed = 'concurrently' },
    liquibase = { dir = 'liquibase', file = 'liquibase/changelog.xml', filetype = 'xml',
                  hover_line = '<createIndex', hover_expect = 'SHARE', fixed = nil },
  }
  local fx = assert(fixtures[which], 'unknown fixture ' .. which)
  vim.fn.mkdir(tmp, 'p')
  vim.fn.system({ 'cp', '-r', source_dir .. '/tests/editors/fixtures/' .. fx.dir, tmp .. '/' })
  vim.fn.system({ 'git', 'init', '-q', tmp })
  local path = tmp .. '/' .. fx.file

  vim.opt.runtimepath:prepend(source_dir .. '/editors/nvim')
  vim.cmd('filetype plugin on')
  local zerolock = require('zerolock')
  zerolock.setup({
    cmd = { binary, 'lsp' },
    extra_args = { '--log', server_log, '--log-level', 'debug' },
    settings = { zerolock = { postgresVersion = 15 } },
  })
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  check(vim.bo[buf].filetype == fx.filetype, 'filetype is ' .. vim.bo[buf].filetype .. ', expected ' .. fx.filetype)
  check(zerolock.is_migration(buf), 'is_migration() is false for ' .. fx.file)

  check(vim.wait(timeout, function()
    local c = zerolock.get_client()
    return c ~= nil and c.initialized ~= false and #vim.lsp.buf_get_clients(buf) > 0
  end, 50), 'the zerolock client did not attach')
  local client = zerolock.get_client()
  log('attached: ' .. table.concat(client.config.cmd, ' '))

  -- 1. diagnostics
  local diag
  local unsupported
  check(vim.wait(timeout, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == 'require-concurrent-index-creation' then
        diag = d
        return true
      elseif d.code == 'unsupported-format' then
        unsupported = d
      end
    end
    return unsupported ~= nil
  end, 50), 'no require-concurrent-index-creation diagnostic; got: ' .. vim.inspect(vim.diagnostic.get(buf)))
  if not diag then
    -- The server says it has no front end for this format yet: not this plugin's failure.
    log('SKIP: ' .. unsupported.message)
    vim.cmd('cquit 77')
  end
  log(('diagnostic at %d:%d: %s'):format(diag.lnum + 1, diag.col + 1, diag.message))
  check(diag.source == nil or diag.source == 'zerolock', 'diagnostic source is ' .. tostring(diag.source))

  -- 2. hover on the statement named by the fixture
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local hover_lnum
  for i, l in ipairs(lines) do
    if l:find(fx.hover_line, 1, true) then
      hover_lnum = i - 1
      break
    end
  end
  check(hover_lnum ~= nil, 'fixture has no line with ' .. fx.hover_line)
  local col = lines[hover_lnum + 1]:find('%S') or 1
  local hover = client.request_sync('textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = hover_lnum, character = col + 1 },
  }, 10000, buf)
  check(hover and hover.result and hover.result.contents, 'no hover result: ' .. vim.inspect(hover))
  local md = hover.result.contents
  md = type(md) == 'table' and (md.value or vim.inspect(md)) or md
  check(md:find(fx.hover_expect, 1, true), 'hover does not mention ' .. fx.hover_expect .. ':\n' .. md)
  -- The plugin's hover handler renders it in a floating window.
  vim.api.nvim_win_set_cursor(0, { hover_lnum + 1, col + 1 })
  vim.lsp.buf.hover()
  check(vim.wait(10000, function()
    for _, w in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(w).relative ~= '' then
        return true
      end
    end
    return false
  end, 50), 'vim.lsp.buf.hover() opened no floating window')
  log('hover: ' .. md:gsub('\n', ' '):sub(1, 160))

  -- 2b. the plugin's CLI commands: :ZerolockLocks (lock report) and :ZerolockExplain at the cursor
  vim.api.nvim_win_set_cursor(0, { diag.lnum + 1, diag.col })
  local migration_win = vim.api.nvim_get_current_win()
  vim.cmd('ZerolockLocks')
  local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  check(vim.api.nvim_get_current_buf() ~= buf and report:find('SHARE', 1, true), ':ZerolockLocks shows no report:\n' .. report)
  vim.cmd('close')
  vim.api.nvim_set_current_win(migration_win)
  vim.cmd('ZerolockExplain')
  local explain = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  check(explain:find('require-concurrent-index-creation', 1, true), ':ZerolockExplain did not explain the rule at the cursor:\n' .. explain)
  vim.cmd('close')
  vim.api.nvim_set_current_win(migration_win)
  log(':ZerolockLocks and :ZerolockExplain ok')

  -- 3. preferred code action on the diagnostic: the safe rewrite. Until the server offers one
  -- (ZEROLOCK_REQUIRE_REWRITE=1 makes its absence a failure) the suppression quick fix is
  -- applied instead, which must also change the text and clear the finding.
  local before = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  local range = { start = { line = diag.lnum, character = diag.col },
                  ['end'] = { line = diag.end_lnum or diag.lnum, character = diag.end_col or diag.col } }
  -- The line also has missing-lock-timeout, whose fix is preferred too: pick the index rewrite.
  local action = zerolock.apply_code_action({ bufnr = buf, preferred = true, range = range, filter = function(a)
    return a.title:lower():find('concurrent', 1, true) ~= nil
  end })
  local expect = fx.fixed
  if not action then
    check(os.getenv('ZEROLOCK_REQUIRE_REWRITE') ~= '1', 'no preferred (rewrite) code action on the diagnostic')
    log('NOTE: the server offers no preferred rewrite for require-concurrent-index-creation yet; applying its suppression quick fix')
    action = zerolock.apply_code_action({ bufnr = buf, range = range, filter = function(a)
      return a.kind == 'quickfix' and a.title:find('require-concurrent-index-creation', 1, true) ~= nil
    end })
    expect = 'zerolock-disable-next-line require-concurrent-index-creation'
  end
  if not action and which ~= 'sql' and os.getenv('ZEROLOCK_REQUIRE_REWRITE') ~= '1' then
    -- The server offers no quick fix at all for this front end yet (SQL must have one).
    log('NOTE: the server offers no quick fix for require-concurrent-index-creation in ' .. which .. ' files yet')
  end
  check(action ~= nil or which ~= 'sql' and os.getenv('ZEROLOCK_REQUIRE_REWRITE') ~= '1',
    'no quick fix for require-concurrent-index-creation')
  if action then
    log('applied: ' .. action.title)
    local after = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
    check(after ~= before, 'the code action did not change the buffer')
    if expect then
      local found = after:lower():find(expect:lower(), 1, true) ~= nil
      if not found then
        -- A statement that must run outside the tool's transaction (Flyway) moves into a follow-up
        -- migration the action creates beside the file: look for it among the buffers.
        local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ':h')
        for _, b in ipairs(vim.api.nvim_list_bufs()) do
          local name = vim.api.nvim_buf_get_name(b)
          if b ~= buf and vim.fn.fnamemodify(name, ':h') == dir then
            local text = table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n')
            if text:lower():find(expect:lower(), 1, true) then
              found = true
              log('the fix created ' .. vim.fn.fnamemodify(name, ':t') .. ':\n' .. text)
            end
          end
        end
      end
      check(found, 'neither the buffer nor a file the fix created has ' .. expect .. ':\n' .. after)
    end
    -- the server re-analyses the edited buffer: the finding goes away
    check(vim.wait(timeout, function()
      for _, d in ipairs(vim.diagnostic.get(buf)) do
        if d.code == 'require-concurrent-index-creation' then
          return false
        end
      end
      return true
    end, 50), 'require-concurrent-index-creation is still reported after the fix')
    log('after the fix:\n' .. after)
  end

  -- 4. the server stops cleanly
  zerolock._stopping = true
  client.stop()
  check(vim.wait(10000, function() return client.is_stopped() end, 50), 'the server did not stop')
end, debug.traceback)

if not ok then
  fail(tostring(err))
else
  log('ok')
  vim.cmd('qa!')
end
