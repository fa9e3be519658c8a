/**
 * The Content-Security-Policy sent with every page of the app scheme (the renderer's
 * index.html carries a meta policy too; a browser enforces both). No inline or remote script,
 * no eval, no plugins, no framing, no form posts; styles may be inline (React style props).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
