import { tabStorage } from './safe-storage.ts';

/**
 * The caller's token. It lives in sessionStorage (this tab only, gone when the tab closes; in memory where an LMS
 * iframe is refused storage), never in a URL the server sees: the LMS puts it in the fragment of /launch#token=…,
 * which browsers do not send, and the app removes it from the address bar at once.
 */
const KEY = 'spl.token';

export interface Me {
  id: string;
  name: string;
  role: 'student' | 'mentor' | 'admin';
  exp: number;
}

export function getToken(): string | null {
  return tabStorage.getItem(KEY);
}

export function setToken(token: string): void {
  tabStorage.setItem(KEY, token);
}

export function signOut(): void {
  tabStorage.removeItem(KEY);
}

/** The token's claims, for display and routing only; the server verifies the token on every call. */
export function me(): Me | null {
  const token = getToken();
  const part = token?.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(decodeURIComponent(escape(json))) as { sub: string; name: string; role: Me['role']; exp: number };
    if (claims.exp * 1000 < Date.now()) return null;
    return { id: claims.sub, name: claims.name, role: claims.role, exp: claims.exp };
  } catch {
    return null;
  }
}

const REQUESTED = 'spl.requested';
/** How long a page asked for while signed out is still where signing in lands. */
const REQUESTED_FOR_MS = 15 * 60_000;

/**
 * A page opened while signed out (a shared link): kept for this tab, so that signing in through the LMS, which
 * comes back to /launch, still lands on it.
 */
export function rememberRequestedPage(): void {
  tabStorage.setItem(REQUESTED, JSON.stringify({ at: Date.now(), url: location.pathname + location.hash }));
}

/** The page asked for before signing in, once, if it is recent and a path of this site (never another origin). */
export function takeRequestedPage(): string | null {
  const raw = tabStorage.getItem(REQUESTED);
  tabStorage.removeItem(REQUESTED);
  try {
    const { at, url } = JSON.parse(raw ?? 'null') as { at: number; url: string };
    const local = typeof url === 'string' && url.startsWith('/') && !url.startsWith('//');
    return local && Date.now() - at < REQUESTED_FOR_MS ? url : null;
  } catch {
    return null;
  }
}

/**
 * Reads `#token=…&course=…` (or `&session=…`) from a launch URL, stores the token and scrubs it from the address bar
 * and history. The page asked for before signing in (this tab, lately), if any, is where it lands.
 */
export function takeLaunchToken(): { course: string | null } | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (!token) return null;
  setToken(token);
  const course = params.get('course');
  const session = params.get('session');
  // An LTI Deep Linking launch opens the content picker (`&deepLink=<id>`).
  const deepLink = params.get('deepLink');
  const route = deepLink
    ? `/deep-links/${encodeURIComponent(deepLink)}`
    : session
      ? `/sessions/${encodeURIComponent(session)}`
      : course
        ? `/courses/${encodeURIComponent(course)}`
        : null;
  // A shared link opened in this tab just before wins over the launch's own target: it is what the user asked for.
  const requested = takeRequestedPage();
  // The content picker is what the LMS opened this frame for: it wins over an older request.
  history.replaceState(null, '', (deepLink ? null : requested) ?? `/#${route ?? '/'}`);
  return { course };
}
