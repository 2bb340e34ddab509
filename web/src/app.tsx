import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { me, signOut } from './lib/auth.ts';
import { href, useRoute } from './lib/router.ts';
import { ClassroomPage } from './pages/classroom.tsx';
import { DeepLinkPage } from './pages/deep-link.tsx';
import { SchedulePage } from './pages/schedule.tsx';
import { SignInPage } from './pages/sign-in.tsx';

// The report pages carry the chart library; loaded on first visit, so a student's classroom never downloads it.
const ReportPage = lazy(async () => ({ default: (await import('./pages/report.tsx')).ReportPage }));
const CourseReportPage = lazy(async () => ({ default: (await import('./pages/course-report.tsx')).CourseReportPage }));
// The presenter view carries the QR encoder; it is a path of its own (`/sessions/:id/present`), full screen, no shell.
const PresenterPage = lazy(async () => ({ default: (await import('./pages/presenter.tsx')).PresenterPage }));
const presenting = /^\/sessions\/([^/]+)\/present\/?$/.exec(location.pathname)?.[1];

/** The shell: who is signed in, and the page for the route. */
export function App() {
  const route = useRoute();
  const [, setSignedIn] = useState(0);
  const queryClient = useQueryClient();
  const user = me();
  if (!user) return <SignInPage onSignedIn={() => setSignedIn((n) => n + 1)} />;
  if (presenting) {
    return (
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <PresenterPage sessionId={decodeURIComponent(presenting)} />
      </Suspense>
    );
  }
  return (
    <>
      <header className="topbar">
        <a className="brand" href={href.home()}>
          Skill Probe Live
        </a>
        <span className="who">
          {user.name} <span className="role">({user.role})</span>
        </span>
        <button
          type="button"
          className="link"
          onClick={() => {
            signOut();
            // The next user must not see this one's cached reads.
            queryClient.clear();
            location.hash = '#/';
            setSignedIn((n) => n + 1);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main">
        {route.page === 'home' && <SchedulePage courseId={null} />}
        {route.page === 'course' && <SchedulePage courseId={route.courseId} />}
        {route.page === 'session' && <ClassroomPage key={route.sessionId} sessionId={route.sessionId} />}
        {route.page === 'deepLink' && <DeepLinkPage key={route.deepLinkId} deepLinkId={route.deepLinkId} />}
        <Suspense fallback={<p className="muted">Loading…</p>}>
          {route.page === 'courseReport' && <CourseReportPage courseId={route.courseId} />}
          {route.page === 'report' && <ReportPage sessionId={route.sessionId} />}
        </Suspense>
      </main>
    </>
  );
}
