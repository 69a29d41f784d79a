;;; zerolock-eglot.el --- zerolock with eglot (Emacs 29+, or eglot from ELPA)  -*- lexical-binding: t; -*-
;; Runs `zerolock lsp` for SQL buffers. To lint Alembic migrations and Liquibase changelogs add
;; python-mode / nxml-mode / yaml-mode to the list (eglot runs one server per mode, so this
;; replaces your Python server in those buffers: prefer lsp-mode, whose add-on clients coexist).
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((sql-mode) . ("zerolock" "lsp")))
  ;; Answers workspace/configuration for section "zerolock".
  (setq-default eglot-workspace-configuration
                '(:zerolock (:postgresVersion 15 :inlayHints (:enabled t)))))

(add-hook 'sql-mode-hook #'eglot-ensure)
;;; zerolock-eglot.el ends here
