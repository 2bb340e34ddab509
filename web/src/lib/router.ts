import { useEffect, useState } from 'react';

export type Route =
  | { page: 'home' }
  | { page: 'course'; courseId: string }
  | { page: 'courseReport'; courseId: string }
  | { page: 'session'; sessionId: string }
  | { page: 'report'; sessionId: string }
  /** The LMS's content picker (LTI Deep Linking): place classes of the course in the LMS. */
  | { page: 'deepLink'; deepLinkId: string };

/**
 * Hash routes (`#/courses/:id`, `#/courses/:id/report`, `#/sessions/:id`, `#/sessions/:id/report`): the server serves
 * one page for all.
 */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'courses' && parts[1] && parts[2] === 'report') return { page: 'courseReport', courseId: parts[1] };
  if (parts[0] === 'courses' && parts[1]) return { page: 'course', courseId: parts[1] };
  if (parts[0] === 'sessions' && parts[1] && parts[2] === 'report') return { page: 'report', sessionId: parts[1] };
  if (parts[0] === 'sessions' && parts[1]) return { page: 'session', sessionId: parts[1] };
  if (parts[0] === 'deep-links' && parts[1]) return { page: 'deepLink', deepLinkId: parts[1] };
  return { page: 'home' };
}

export const href = {
  home: () => '#/',
  course: (courseId: string) => `#/courses/${encodeURIComponent(courseId)}`,
  courseReport: (courseId: string) => `#/courses/${encodeURIComponent(courseId)}/report`,
  session: (sessionId: string) => `#/sessions/${encodeURIComponent(sessionId)}`,
  report: (sessionId: string) => `#/sessions/${encodeURIComponent(sessionId)}/report`,
  deepLink: (deepLinkId: string) => `#/deep-links/${encodeURIComponent(deepLinkId)}`,
};

/**
 * Whether the address names a page of its own (a shared link: a class, a course, a report, or a path the server serves
 * such as a presenter view), rather than the start page: signing in must then land there, not on a default.
 */
export function asksForPage(where: Pick<Location, 'pathname' | 'hash'> = location): boolean {
  if (where.pathname !== '/' && where.pathname !== '/index.html' && where.pathname !== '/launch') return true;
  return parseRoute(where.hash).page !== 'home';
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
