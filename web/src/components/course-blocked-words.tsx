import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { z } from 'zod';
import type { courseModeration } from '../../../src/courses/moderation.schemas.ts';
import { api, ApiError } from '../lib/api.ts';
import { keys } from '../lib/queries.ts';
import { formatDateTime } from './schedule-when.tsx';
import { FormError } from './form-error.tsx';

type CourseModeration = z.infer<typeof courseModeration>;

const path = (courseId: string) => `/api/courses/${encodeURIComponent(courseId)}/moderation`;

/** One word or phrase per line; blank lines are dropped (the server normalizes and deduplicates the rest). */
const parseWords = (text: string) =>
  text
    .split('\n')
    .map((w) => w.trim())
    .filter(Boolean);

function BlockedWordsForm({ courseId, saved }: { courseId: string; saved: CourseModeration }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState(saved.blockedWords.join('\n'));
  const id = useId();
  const save = useMutation({
    mutationFn: (blockedWords: string[]) => api<CourseModeration>('PUT', path(courseId), { blockedWords }),
    onSuccess: (next) => {
      queryClient.setQueryData(keys.courseModeration(courseId), next);
      setText(next.blockedWords.join('\n'));
    },
  });
  const error = save.error instanceof ApiError ? save.error : null;
  const count = parseWords(text).length;
  return (
    <form
      className="sched-form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(parseWords(text));
      }}
    >
      <div className="sched-field sched-wide">
        <label htmlFor={id}>Blocked words</label>
        <p id={`${id}-hint`} className="sched-hint muted">
          One word or short phrase per line (at most 500, 60 characters each). Chat messages and questions that contain one as a whole word,
          in any case, are not sent, and the writer is told which word to change.
        </p>
        <textarea
          id={id}
          rows={6}
          value={text}
          aria-describedby={`${id}-hint`}
          aria-invalid={error ? true : undefined}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <div className="sched-actions sched-wide">
        <button type="submit" disabled={save.isPending || count > 500}>
          Save blocked words
        </button>
        <p role="status" className="muted">
          {count > 500
            ? `${count} entries: remove ${count - 500} to save.`
            : save.isSuccess
              ? 'Saved. It applies to the next message in every class of the course.'
              : saved.updatedAt
                ? `Last saved ${formatDateTime(saved.updatedAt)}.`
                : 'No words are blocked.'}
        </p>
      </div>
      <FormError error={error} />
    </form>
  );
}

/** The course's blocked words (GET/PUT …/moderation), editable by its mentors. */
export function CourseBlockedWords({ courseId }: { courseId: string }) {
  const read = useQuery({ queryKey: keys.courseModeration(courseId), queryFn: () => api<CourseModeration>('GET', path(courseId)) });
  return (
    <section aria-labelledby="blocked-words-h" className="panel report-section report-rules">
      <h2 id="blocked-words-h">Chat and Q&amp;A moderation</h2>
      {read.isPending && <p className="muted">Loading the blocked words…</p>}
      {read.error && (
        <p role="alert" className="error">
          {read.error.message}
        </p>
      )}
      {read.data && <BlockedWordsForm key={courseId} courseId={courseId} saved={read.data} />}
    </section>
  );
}
