import type { SessionReport } from '../lib/queries.ts';
import { describeChoice, formatPercent, formatTime, plural } from '../lib/report-format.ts';
import { ClassPollResults } from './class-poll-results.tsx';

type Poll = SessionReport['polls'][number];

const TYPE_TEXT: Record<Poll['type'], string> = {
  single: 'Single choice',
  multiple: 'Multiple choice',
  rating: 'Rating',
  text: 'Text answer',
  wordcloud: 'Word cloud',
};

function Answers({ poll }: { poll: Poll }) {
  if (!poll.answers) return <p className="muted">Anonymous poll: answers are not linked to students.</p>;
  if (poll.answers.length === 0) return <p className="muted">Nobody answered.</p>;
  return (
    <details className="report-answers">
      <summary>Answers by student ({poll.answers.length})</summary>
      <div className="report-scroll">
        <table className="report-table report-compact">
          <thead>
            <tr>
              <th scope="col">Student</th>
              <th scope="col">Answer</th>
              {poll.quiz && <th scope="col">Correct</th>}
              <th scope="col">At</th>
            </tr>
          </thead>
          <tbody>
            {poll.answers.map((a) => (
              <tr key={a.userId}>
                <th scope="row">{a.name}</th>
                <td className="class-text">{describeChoice(a.choice, poll.options)}</td>
                {poll.quiz && <td>{a.correct ? 'Yes' : 'No'}</td>}
                <td>
                  <time dateTime={a.answeredAt}>{formatTime(a.answeredAt)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** Each poll of the class: its tally, response rate, and (unless anonymous) who answered what. */
export function ReportPolls({ polls }: { polls: Poll[] }) {
  return (
    <section aria-labelledby="report-polls-h" className="report-section">
      <h2 id="report-polls-h">Polls</h2>
      {polls.length === 0 && <p className="muted">No polls were run in this class.</p>}
      <ol className="report-polls">
        {polls.map((p) => (
          <li key={p.pollId} className="panel report-poll">
            <h3 className="class-text">{p.question}</h3>
            <p className="muted">
              {[TYPE_TEXT[p.type], p.quiz && 'quiz', p.anonymous && 'anonymous', p.status === 'open' ? 'still open' : null]
                .filter(Boolean)
                .join(' · ')}
              {' · '}
              {plural(p.responses, 'response', 'responses')}, response rate {formatPercent(p.responseRate)}
            </p>
            <ClassPollResults poll={p} results={p.results} correctOption={p.correctOption ?? undefined} />
            <Answers poll={p} />
          </li>
        ))}
      </ol>
    </section>
  );
}
