// Zed extension: runs `zerolock lsp` (from the `lsp.zerolock.binary` setting, else PATH) and
// answers workspace/configuration with the `lsp.zerolock.settings` object.
use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

struct Zerolock;

impl zed::Extension for Zerolock {
    fn new() -> Self {
        Zerolock
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree("zerolock", worktree)
            .ok()
            .and_then(|s| s.binary);
        let command = binary
            .as_ref()
            .and_then(|b| b.path.clone())
            .or_else(|| worktree.which("zerolock"))
            .ok_or_else(|| {
                "zerolock not found: put it on PATH or set lsp.zerolock.binary.path in settings.json"
                    .to_string()
            })?;
        let args = binary
            .and_then(|b| b.arguments)
            .unwrap_or_else(|| vec!["lsp".to_string()]);
        Ok(zed::Command {
            command,
            args,
            env: worktree.shell_env(),
        })
    }

    fn language_server_workspace_configuration(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        let settings = LspSettings::for_worktree("zerolock", worktree)
            .ok()
            .and_then(|s| s.settings)
            .unwrap_or_default();
        Ok(Some(zed::serde_json::json!({ "zerolock": settings })))
    }
}

zed::register_extension!(Zerolock);
