import type { PollDto, PollResults } from '../../../src/polls/polls.schemas.ts';
import { type CloudWord, WordCloud } from './class-poll-wordcloud.tsx';

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
  if ('answers' in results) return <TextResults groups={results.groups} total={results.total} />;
  if ('words' in results) {
    return (
      <div className="class-results">
        <p className="muted">{results.total === 1 ? '1 person answered' : `${results.total} people answered`}</p>
        <WordCloud words={results.words} label="Word cloud of the answers" />
      </div>
    );
  }
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

/** Text answers grouped (case and spacing folded), most given first, as a list and as a cloud. */
function TextResults({ groups, total }: { groups: CloudWord[]; total: number }) {
  return (
    <div className="class-results">
      <p className="muted">{total === 1 ? '1 answer' : `${total} answers`}</p>
      {groups.length > 0 && (
        <>
          <ul className="class-answers">
            {groups.map((g) => (
              <li key={g.text}>
                <span className="class-text">{g.text}</span>
                {g.count > 1 && <span className="muted"> ×{g.count}</span>}
              </li>
            ))}
          </ul>
          <details className="class-cloud-toggle">
            <summary>Word cloud</summary>
            <WordCloud words={groups} label="Word cloud of the answers" />
          </details>
        </>
      )}
    </div>
  );
}
