/**
 * localStorage and cookies that never throw: storage can be blocked (Safari private mode,
 * sandboxed iframes, a full quota), and the SDK must then keep working from memory.
 */
export function load<T>(key: string): T | undefined {
  try {
    // A missing key reads as undefined, which JSON.parse refuses: undefined either way.
    return JSON.parse(localStorage[key]);
  } catch {}
}

export function save(key: string, value: unknown): void {
  try {
    if (value === undefined) localStorage.removeItem(key);
    else localStorage[key] = JSON.stringify(value);
  } catch {
    // blocked or full: the value lives in memory for this page only
  }
}

/** The localStorage keys that start with `prefix` (none where it is blocked). */
export function savedKeys(prefix: string): string[] {
  try {
    return Object.keys(localStorage).filter((key) => key.startsWith(prefix));
  } catch {
    return [];
  }
}

export const readCookie = (name: string): string | undefined => document.cookie.match(`(^|; )${name}=([^;]*)`)?.[2];

/**
 * Sets a first-party cookie on the registrable domain, so every subdomain shares it. Without a
 * public-suffix list, the broadest domain the browser accepts is found by trying from the top:
 * browsers refuse cookies on public suffixes such as `com` or `co.uk`.
 */
export function writeCookie(name: string, value: string): void {
  const labels = location.hostname.split('.');
  // 400 days: the longest browsers allow.
  const cookie = `${name}=${value};path=/;max-age=34560000;samesite=lax${location.protocol == 'https:' ? ';secure' : ''}`;
  for (let i = labels.length - 2; i >= 0; i--) {
    document.cookie = `${cookie};domain=${labels.slice(i).join('.')}`;
    if (readCookie(name) == value) return;
  }
  document.cookie = cookie; // localhost, IP addresses
}
