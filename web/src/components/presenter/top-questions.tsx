import type { Question } from '../../../../src/qa/qa.schemas.ts';

/** The most upvoted open questions, for the mentor to take next; answered and dismissed ones have left the list. */
export function TopQuestions({ questions, limit = 5 }: { questions: Record<string, Question>; limit?: number }) {
  const open = Object.values(questions)
    .filter((q) => q.status === 'open')
    .sort((a, b) => b.upvotes - a.upvotes || a.createdAt.localeCompare(b.createdAt))
    .slice(0, limit);
  return (
    <section className="present-questions" aria-labelledby="present-questions-title">
      <h2 id="present-questions-title">Top questions</h2>
      {open.length === 0 ? (
        <p className="present-empty">No open questions. Students can ask in the class page's Q&amp;A.</p>
      ) : (
        <ol>
          {open.map((q) => (
            <li key={q.id}>
              <span className="present-votes" role="img" aria-label={`${q.upvotes} ${q.upvotes === 1 ? 'upvote' : 'upvotes'}`}>
                ▲ {q.upvotes}
              </span>
              <span className="present-question">{q.question}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
