import type { PollDto, PollResults } from '../../../src/polls/polls.schemas.ts';

const votes = (n: number) => `${n} ${n === 1 ? 'vote' : 'votes'}`;
const percent = (n: number, total: number) => (total === 0 ? 0 : Math.round((n / total) * 100));

/**
 * A poll's tally as labelled bars. Each bar is an image whose name is the same sentence sighted users read, so a
 * screen reader hears "Paris: 2 votes (67%)" once rather than a text and a bare number.
 */
export function ClassPollResults({
  poll,
  results,
  correctOption,
}: {
  poll: Pick<PollDto, 'options'>;
  results: PollResults;
  correctOption?: number;
}) {
  if ('answers' in results) return <TextResults answers={results.answers} total={results.total} />;
  if ('average' in results) {
    const labels = ['1', '2', '3', '4', '5'].map((n) => `Rating ${n}`);
    return (
      <div className="class-results">
        <p>{results.average === null ? 'No ratings yet.' : `Average ${results.average} out of 5 (${votes(results.total)})`}</p>
        <Bars labels={labels} counts={results.counts} total={results.total} />
      </div>
    );
  }
  return (
    <div className="class-results">
      <p className="muted">{results.total === 1 ? '1 person voted' : `${results.total} people voted`}</p>
      <Bars labels={poll.options} counts={results.counts} total={results.total} correct={correctOption} />
    </div>
  );
}

function Bars({ labels, counts, total, correct }: { labels: string[]; counts: number[]; total: number; correct?: number }) {
  return (
    <ul className="class-bars">
      {labels.map((label, i) => {
        const n = counts[i] ?? 0;
        const pct = percent(n, total);
        const sentence = `${label}: ${votes(n)} (${pct}%)${i === correct ? ', the correct answer' : ''}`;
        return (
          <li key={i} className={i === correct ? 'class-bar-correct' : undefined}>
            <span aria-hidden="true" className="class-bar-label">
              {label}: {votes(n)} ({pct}%){i === correct && <strong> ✓ Correct answer</strong>}
            </span>
            <div role="img" aria-label={sentence} className="class-bar">
              <span style={{ width: `${pct}%` }} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}

function TextResults({ answers, total }: { answers: string[]; total: number }) {
  return (
    <div className="class-results">
      <p className="muted">{total === 1 ? '1 answer' : `${total} answers`}</p>
      {answers.length > 0 && (
        <ul className="class-answers">
          {answers.map((a, i) => (
            <li key={i} className="class-text">
              {a}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
