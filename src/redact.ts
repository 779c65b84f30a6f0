// Secrets never reach a log line. Pure: known secret values plus patterns that look like credentials.

// A value never takes a backslash: in a JSON log line a quote after it is escaped (\"), and eating the
// backslash would end the JSON string early.
const SECRET_PARAMS = /((?:^|[?&;\s])(?:access_?token|accessToken|token|password|passwd|pwd|secret|api_?key|apikey|auth|sig|signature)=)[^&#\s"'\\]*/gi;
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'\\]*:)[^\s@/"'\\]*@/gi;
const AUTH_HEADER = /\b((?:proxy-)?authorization\s*:\s*)(?:[^\s"',\\]+\s+)?[^\s"',\\]+/gi;
// Registry tokens travel in headers of their own: X-Consul-Token, X-Nacos-Token, X-API-Key, API-Key.
const TOKEN_HEADER = /\b((?:x-[a-z0-9-]*(?:token|key|secret)|api-?key)\s*:\s*)[^\s"',\\]+/gi;
const BEARER = /\b(bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
// Also inside a JSON log line, where the body's quotes are escaped: {\"accessToken\":\"...\"}.
const JSON_SECRET = /(\\?"(?:accessToken|access_token|token|password|secret)\\?"\s*:\s*\\?")[^"\\]*/gi;

export const MASK = '***';

export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of secrets) {
    // Short values would mask ordinary words; such secrets are caught by the patterns instead.
    if (secret.length < 4) continue;
    out = out.split(secret).join(MASK);
    const escaped = JSON.stringify(secret).slice(1, -1); // as it appears inside a JSON log line
    if (escaped !== secret) out = out.split(escaped).join(MASK);
  }
  return out
    .replace(URL_USERINFO, `$1${MASK}@`)
    .replace(SECRET_PARAMS, `$1${MASK}`)
    .replace(AUTH_HEADER, `$1${MASK}`)
    .replace(TOKEN_HEADER, `$1${MASK}`)
    .replace(BEARER, `$1${MASK}`)
    .replace(JSON_SECRET, `$1${MASK}`);
}
