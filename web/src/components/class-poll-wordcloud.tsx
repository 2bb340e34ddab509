/** One word (or grouped answer) and how many gave it. */
export interface CloudWord {
  text: string;
  count: number;
}

const SIZES = 5;

/**
 * A word cloud in plain HTML and CSS (no library): words sized in five steps by how often they were given, the most
 * given first. It is a list, so a screen reader reads each word with its count; the size is only for the eye.
 */
export function WordCloud({ words, label }: { words: CloudWord[]; label: string }) {
  if (words.length === 0) return <p className="muted">No words yet.</p>;
  const most = Math.max(...words.map((w) => w.count));
  return (
    <ul className="class-cloud" aria-label={label}>
      {words.map((w) => {
        const step = most <= 1 ? 1 : 1 + Math.round(((w.count - 1) / (most - 1)) * (SIZES - 1));
        return (
          <li key={w.text} className={`class-cloud-word class-cloud-${step}`}>
            <span className="class-text">{w.text}</span>
            <span className="visually-hidden">: {w.count === 1 ? '1 person' : `${w.count} people`}</span>
          </li>
        );
      })}
    </ul>
  );
}
