// Where to go after signing in. Exactly the server's rules for `next` (src/accounts/next.rs,
// `SafeNext::parse`): both sides run the shared cases in openapi/next-cases.json
// (`cargo test` and `npm test`). No imports, so the node test can load this file alone.

/** Longest accepted `next`, in UTF-8 bytes. */
const MAX_BYTES = 2048

// Rust's `char::is_control` is the Cc category and `char::is_whitespace` the White_Space
// property. Lone surrogates (a JS string can hold them, a Rust string cannot) are refused too.
const CONTROL_OR_SPACE = /[\p{Cc}\p{White_Space}\p{Cs}]/u

/**
 * A path on this site, like `/books/12?tab=notes#top`. Refused: absolute URLs, `//host`, any
 * backslash (`/\host` is `//host` to a browser), any control or whitespace character
 * (`/\t/host` is `//host` once a browser strips the tab), `%2f`/`%5c` right after the first
 * slash, and anything over 2048 bytes.
 */
export function isSafeNext(next: unknown): next is string {
  if (typeof next !== 'string' || next === '') return false
  if (new TextEncoder().encode(next).length > MAX_BYTES) return false
  if (next[0] !== '/') return false
  if (next[1] === '/' || next[1] === '\\') return false
  if (next.includes('\\')) return false
  if (CONTROL_OR_SPACE.test(next)) return false
  const rest = next.slice(1).toLowerCase()
  return !rest.startsWith('%2f') && !rest.startsWith('%5c')
}

/** `next` when it is a safe same-site path, else `fallback`. */
export function safeNext(next: unknown, fallback = '/account'): string {
  return isSafeNext(next) ? next : fallback
}
