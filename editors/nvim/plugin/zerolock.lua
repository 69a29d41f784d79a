-- Nothing starts until require('zerolock').setup{} is called (see editors/README.md).
if vim.fn.has('nvim-0.7') == 0 then
  vim.api.nvim_echo({ { 'zerolock.nvim needs Neovim 0.7 or newer', 'WarningMsg' } }, true, {})
end
