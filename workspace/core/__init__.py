"""What every area uses: configuration, storage, time, logs, mail, security headers, limits,
languages, assets, error pages, JSON API helpers, the audit log and shared forms."""
