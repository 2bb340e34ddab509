import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { deepLinkSchema } from '../../../src/lti/lti.schemas.ts';
import type { z } from 'zod';
import { ScheduleSessionForm } from '../components/schedule-session-form.tsx';
import { api } from '../lib/api.ts';
import { getToken } from '../lib/auth.ts';
import { sessionsQuery } from '../lib/queries.ts';

type DeepLink = z.infer<typeof deepLinkSchema>;

const deepLinkQuery = (id: string) =>
  queryOptions({ queryKey: ['lti-deep-link', id], queryFn: () => api<DeepLink>('GET', `/api/lti/deep-links/${encodeURIComponent(id)}`) });

/**
 * Posts the choice to the server in a same-origin form (the token in its body, never in a URL); the server answers
 * with a page that posts the signed Deep Linking response on to the LMS, which closes its picker.
 */
function placeInLms(deepLinkId: string, sessionIds: string[]) {
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = `/lti/deep-links/${encodeURIComponent(deepLinkId)}/return`;
  for (const [name, value] of [
    ['token', getToken() ?? ''],
    ['sessionIds', sessionIds.join(',')],
  ]) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name ?? '';
    input.value = value ?? '';
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}

/** The LMS's content picker: a mentor picks classes of the course (or schedules one) to place as links in the LMS. */
export function DeepLinkPage({ deepLinkId }: { deepLinkId: string }) {
  const request = useQuery(deepLinkQuery(deepLinkId));
  const courseId = request.data?.courseId ?? null;
  const classes = useQuery({ ...sessionsQuery(courseId), enabled: courseId !== null });
  const queryClient = useQueryClient();
  const [picked, setPicked] = useState<string[]>([]);
  const [sending, setSending] = useState(false);
  const headingId = useId();
  const formHeadingId = useId();

  if (request.error) {
    return (
      <div role="alert" className="error">
        <p>{request.error.message}</p>
      </div>
    );
  }
  if (!request.data || !courseId) return <p className="muted">Loading…</p>;
  const multiple = request.data.acceptMultiple;
  const open = (classes.data ?? []).filter((s) => s.status === 'scheduled' || s.status === 'live');
  const toggle = (id: string, on: boolean) =>
    setPicked((now) => (multiple ? (on ? [...now, id] : now.filter((x) => x !== id)) : on ? [id] : []));

  return (
    <div className="sched-page">
      <h1 id={headingId}>Add live classes to your course</h1>
      <p>Pick {multiple ? 'the classes' : 'the class'} to place in the LMS. Each becomes a link that opens that class here, signed in.</p>
      <fieldset className="panel" aria-labelledby={headingId}>
        <legend>Classes of {courseId}</legend>
        {classes.isLoading && <p className="muted">Loading classes…</p>}
        {classes.data && open.length === 0 && <p className="muted">No upcoming classes yet: schedule one below.</p>}
        {open.map((s) => (
          <div key={s.id}>
            <label className="inline">
              <input
                type={multiple ? 'checkbox' : 'radio'}
                name="class"
                checked={picked.includes(s.id)}
                onChange={(e) => toggle(s.id, e.target.checked)}
              />
              {s.title} <span className="muted">({new Date(s.scheduledStart).toLocaleString()})</span>
            </label>
          </div>
        ))}
      </fieldset>
      <p>
        <button
          type="button"
          disabled={picked.length === 0 || sending}
          onClick={() => {
            setSending(true);
            placeInLms(deepLinkId, picked);
          }}
        >
          {sending ? 'Placing…' : `Place ${picked.length || ''} in the LMS`}
        </button>
      </p>
      <section className="panel" aria-labelledby={formHeadingId}>
        <h2 id={formHeadingId}>Schedule a new class</h2>
        <ScheduleSessionForm
          mode={{ kind: 'create', courseId }}
          labelledBy={formHeadingId}
          onDone={(s) => {
            void queryClient.invalidateQueries({ queryKey: ['sessions'] });
            toggle(s.id, true);
          }}
        />
      </section>
    </div>
  );
}
