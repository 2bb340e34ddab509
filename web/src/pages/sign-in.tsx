import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../lib/api.ts';
import { rememberRequestedPage, setToken, takeRequestedPage } from '../lib/auth.ts';
import { keys } from '../lib/queries.ts';
import { asksForPage, href } from '../lib/router.ts';

interface DemoUsers {
  courseId: string;
  users: { id: string; name: string; role: string }[];
}

/** Demo mode: pick a demo user. Otherwise the LMS opens /launch#token=…; this page says so. */
export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  // Not in demo mode, the route is not there (404): nothing to pick, so no retry either.
  const demoUsers = useQuery({ queryKey: keys.demoUsers, queryFn: () => api<DemoUsers>('GET', '/api/demo/users'), retry: false });
  const demo: DemoUsers | null | 'none' = demoUsers.data ?? (demoUsers.isError ? 'none' : null);
  const [error, setError] = useState<string | null>(null);
  // A shared link opened while signed out: signing in lands on it, here or after a round trip through the LMS.
  const [requested] = useState(() => asksForPage());
  useEffect(() => {
    if (requested) rememberRequestedPage();
  }, [requested]);

  async function signIn(userId: string, courseId: string) {
    setError(null);
    try {
      const { token } = await api<{ token: string }>('POST', '/api/demo/sign-in', { userId });
      setToken(token);
      takeRequestedPage();
      // The page asked for is still in the address bar; without one, the demo course.
      if (!requested) location.hash = href.course(courseId);
      onSignedIn();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  }

  return (
    <main id="main" className="sign-in">
      <h1>Skill Probe Live</h1>
      {requested && <p>Sign in to open the page you were sent; you will land on it.</p>}
      {demo === null && <p>Loading…</p>}
      {demo === 'none' && (
        <p>
          Open your class from the Skill Probe LMS: it signs you in here. (This server is not in demo mode, so there is nothing to pick.)
        </p>
      )}
      {demo && demo !== 'none' && (
        <section aria-labelledby="demo-heading">
          <h2 id="demo-heading">Demo: sign in as</h2>
          <ul className="demo-users">
            {demo.users.map((u) => (
              <li key={u.id}>
                <button type="button" onClick={() => void signIn(u.id, demo.courseId)}>
                  {u.name} <span className="role">({u.role})</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </main>
  );
}
