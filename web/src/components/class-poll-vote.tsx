import { type FormEvent, useId, useState } from 'react';
import type { Choice, PollDto } from '../../../src/polls/polls.schemas.ts';
import { RATING_MAX, TEXT_ANSWER_MAX, WORD_MAX_LENGTH, WORDS_MAX } from '../../../src/polls/polls.schemas.ts';
import type { Classroom } from '../lib/classroom.ts';
import { ActionError, connected, useAction } from './class-action.tsx';

interface VoteProps {
  poll: PollDto;
  /** The id of the poll's question heading, which names the answer group. */
  labelledBy: string;
  room: Classroom | null;
  mine: Choice | undefined;
  onVoted: (choice: Choice) => void;
  /** The timer ran out: answers are locked (the server refuses them too). */
  locked?: boolean;
}

/** How the viewer's stored answer reads back to them. */
export function describeChoice(poll: PollDto, choice: Choice): string {
  if (typeof choice === 'string') return choice;
  if (typeof choice === 'number' && poll.type === 'rating') return `${choice} out of ${RATING_MAX}`;
  const picked: (number | string)[] = Array.isArray(choice) ? choice : [choice];
  return picked.map((i) => (typeof i === 'string' ? i : (poll.options[i] ?? `#${i + 1}`))).join(', ');
}

/** Why a draft cannot be sent yet, checked before the round trip; the server holds the same rules. */
function problem(poll: PollDto, draft: Choice | undefined): string | null {
  if (poll.type === 'wordcloud') {
    const words = Array.isArray(draft) ? draft.filter((w) => typeof w === 'string' && w.trim()) : [];
    return words.length === 0 ? 'Write at least one word.' : null;
  }
  if (draft === undefined) return poll.type === 'text' ? 'Write your answer first.' : 'Choose an answer first.';
  if (Array.isArray(draft) && draft.length === 0) return 'Choose at least one option.';
  if (typeof draft === 'string' && !draft.trim()) return 'Write your answer first.';
  return null;
}

/** The answer form for every poll type; voting again while the poll is open replaces the earlier answer. */
export function ClassPollVote({ poll, labelledBy, room, mine, onVoted, locked = false }: VoteProps) {
  const [draft, setDraft] = useState<Choice | undefined>(undefined);
  const vote = useAction();
  const id = useId();
  const value = draft ?? mine;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const why = problem(poll, value);
    if (why || value === undefined) return vote.fail(why ?? 'Choose an answer first.');
    // Empty word boxes are not words: only the filled ones are sent.
    const choice = poll.type === 'wordcloud' && Array.isArray(value) ? (value as string[]).filter((w) => w.trim()) : value;
    const stored = await vote.run(() => connected(room).request('poll:vote', { pollId: poll.id, choice }));
    if (!stored) return;
    setDraft(undefined);
    onVoted(stored.choice as Choice);
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="class-form">
      {poll.type === 'wordcloud' ? (
        <fieldset aria-labelledby={labelledBy} className="class-choices" disabled={locked}>
          <p className="muted">
            Up to {WORDS_MAX} words, {WORD_MAX_LENGTH} characters each.
          </p>
          {Array.from({ length: WORDS_MAX }, (_, i) => {
            const words = Array.isArray(value) ? (value as string[]) : [];
            return (
              <div key={i} className="class-word">
                <label htmlFor={`${id}-word-${i}`}>Word {i + 1}</label>
                <input
                  id={`${id}-word-${i}`}
                  maxLength={WORD_MAX_LENGTH}
                  value={words[i] ?? ''}
                  onChange={(e) => setDraft(Array.from({ length: WORDS_MAX }, (_, j) => (j === i ? e.target.value : (words[j] ?? ''))))}
                />
              </div>
            );
          })}
        </fieldset>
      ) : poll.type === 'text' ? (
        <>
          <label htmlFor={`${id}-text`}>Your answer</label>
          <input
            id={`${id}-text`}
            maxLength={TEXT_ANSWER_MAX}
            disabled={locked}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => setDraft(e.target.value)}
          />
        </>
      ) : (
        <fieldset aria-labelledby={labelledBy} className="class-choices" disabled={locked}>
          {poll.type === 'rating' && <p className="muted">1 is the lowest, {RATING_MAX} the highest.</p>}
          <Choices poll={poll} name={id} value={value} onChange={setDraft} />
        </fieldset>
      )}
      {mine !== undefined && (
        <p className="muted">
          Your answer: <span className="class-text">{describeChoice(poll, mine)}</span>
        </p>
      )}
      <button type="submit" disabled={vote.pending || locked}>
        Vote
      </button>
      <ActionError error={vote.error} />
    </form>
  );
}

function Choices({
  poll,
  name,
  value,
  onChange,
}: {
  poll: PollDto;
  name: string;
  value: Choice | undefined;
  onChange: (c: Choice) => void;
}) {
  if (poll.type === 'rating') {
    return (
      <div className="class-rating">
        {Array.from({ length: RATING_MAX }, (_, i) => i + 1).map((n) => (
          <label key={n} className="inline">
            <input type="radio" name={name} checked={value === n} onChange={() => onChange(n)} />
            {n}
          </label>
        ))}
      </div>
    );
  }
  if (poll.type === 'multiple') {
    const picked = Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : [];
    const toggle = (i: number, on: boolean) => onChange(on ? [...picked, i].sort((a, b) => a - b) : picked.filter((p) => p !== i));
    return poll.options.map((option, i) => (
      <label key={i} className="inline class-choice">
        <input type="checkbox" checked={picked.includes(i)} onChange={(e) => toggle(i, e.target.checked)} />
        <span className="class-text">{option}</span>
      </label>
    ));
  }
  return poll.options.map((option, i) => (
    <label key={i} className="inline class-choice">
      <input type="radio" name={name} checked={value === i} onChange={() => onChange(i)} />
      <span className="class-text">{option}</span>
    </label>
  ));
}
