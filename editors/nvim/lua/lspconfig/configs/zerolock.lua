-- nvim-lspconfig 1.x looks up `lspconfig.configs.<name>` (older versions: server_configurations).
return require('lspconfig.server_configurations.zerolock')
