;;; zerolock-lsp-mode.el --- zerolock with lsp-mode  -*- lexical-binding: t; -*-
;; An add-on client: it runs beside the other servers of the buffer (pyright, yaml-ls ...).
(with-eval-after-load 'lsp-mode
  (add-to-list 'lsp-language-id-configuration '(sql-mode . "sql"))
  (lsp-register-custom-settings
   '(("zerolock.postgresVersion" 15)
     ("zerolock.inlayHints.enabled" t t)))
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection '("zerolock" "lsp" "--log-level" "info"))
    :activation-fn (lsp-activate-on "sql" "python" "xml" "yaml" "json")
    :add-on? t
    :priority -1
    :server-id 'zerolock
    :initialized-fn (lambda (workspace)
                      (with-lsp-workspace workspace
                        (lsp--set-configuration (lsp-configuration-section "zerolock")))))))

(add-hook 'sql-mode-hook #'lsp-deferred)
;;; zerolock-lsp-mode.el ends here
