// A bounded memo of cookies this instance has already decrypted and authenticated. Decryption is a pure
// function of (cookie name → key, cookie value), so a hit is exactly what decrypting again would return; only
// the claim times depend on the clock, and the caller re-checks those on every use. Only successfully
// decrypted cookies are remembered, so garbage and tampered values (any changed byte is a different key here)
// always take the full path and are rejected there.

/** Cookies longer than this are decrypted every time rather than kept (Auth.js cookies are ~0.5–1 KB). */
const MAX_REMEMBERED_COOKIE_LENGTH = 4_096;

export function decryptedCookieMemo<T extends object>(limit: number) {
  const entries = new Map<string, T>();
  // Length-prefixed, so no (name, value) pair can spell another pair's key.
  const keyOf = (name: string, value: string) => `${name.length}:${name}${value}`;
  return {
    get(name: string, value: string): T | undefined {
      const key = keyOf(name, value);
      const payload = entries.get(key);
      if (payload) {
        // Least recently used goes first: move a hit to the end.
        entries.delete(key);
        entries.set(key, payload);
      }
      return payload;
    },
    set(name: string, value: string, payload: T): void {
      if (value.length > MAX_REMEMBERED_COOKIE_LENGTH) return;
      entries.set(keyOf(name, value), Object.freeze(payload));
      if (entries.size > limit) entries.delete(entries.keys().next().value!);
    },
    get size() {
      return entries.size;
    },
  };
}
