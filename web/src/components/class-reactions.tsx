import { useEffect, useRef, useState } from 'react';
import type { Reaction, ReactionBurst } from '../../../src/reactions/reactions.schemas.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import type { Classroom } from '../lib/classroom.ts';
import { ActionError, connected, useAction } from './class-action.tsx';

/** The fixed set, in the order of the buttons, with what each looks like and is called. */
export const REACTION_FACES: { reaction: Reaction; emoji: string; label: string }[] = [
  { reaction: 'thumbsup', emoji: '👍', label: 'Thumbs up' },
  { reaction: 'clap', emoji: '👏', label: 'Applause' },
  { reaction: 'heart', emoji: '❤️', label: 'Love it' },
  { reaction: 'laugh', emoji: '😂', label: 'Funny' },
  { reaction: 'wow', emoji: '😮', label: 'Wow' },
  { reaction: 'party', emoji: '🎉', label: 'Celebrate' },
];
const EMOJI = Object.fromEntries(REACTION_FACES.map((f) => [f.reaction, f.emoji])) as Record<Reaction, string>;

/** Floating faces per burst at most: a hundred hearts should look lively, not flood the screen. */
const MAX_FLOATERS = 16;
/** How long a face floats (matches the CSS animation). */
const FLOAT_MS = 2200;

interface Floater {
  id: number;
  emoji: string;
  left: number;
  delay: number;
}

/** Spreads a burst over at most MAX_FLOATERS faces, each kind in proportion to its count (at least one each). */
export function floatersFor(counts: ReactionBurst['counts'], firstId: number): Floater[] {
  const entries = Object.entries(counts) as [Reaction, number][];
  const total = entries.reduce((n, [, c]) => n + c, 0);
  const out: Floater[] = [];
  for (const [reaction, count] of entries) {
    const n = Math.max(1, Math.round((count / total) * Math.min(total, MAX_FLOATERS)));
    for (let i = 0; i < n; i++) {
      out.push({ id: firstId + out.length, emoji: EMOJI[reaction], left: 5 + Math.random() * 90, delay: Math.random() * 600 });
    }
  }
  return out.slice(0, MAX_FLOATERS);
}

/**
 * Reaction buttons (while the class is live) and the room's bursts: faces that float up for two seconds, or, for
 * anyone who asked the system for reduced motion, the burst's counts shown still. The bursts are decoration for
 * sighted users (aria-hidden): read out once a second they would drown the class.
 */
export function ClassReactions({ session, room }: { session: SessionDto; room: Classroom | null }) {
  const action = useAction();
  const [floaters, setFloaters] = useState<Floater[]>([]);
  const [last, setLast] = useState<ReactionBurst['counts'] | null>(null);
  const nextId = useRef(0);

  useEffect(() => {
    if (!room) return;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const onBurst = (burst: ReactionBurst) => {
      if (burst.sessionId !== session.id) return;
      const added = floatersFor(burst.counts, nextId.current);
      nextId.current += added.length;
      setFloaters((f) => [...f, ...added]);
      setLast(burst.counts);
      const timer = setTimeout(() => {
        timers.delete(timer);
        const gone = new Set(added.map((a) => a.id));
        setFloaters((f) => f.filter((x) => !gone.has(x.id)));
        setLast((l) => (l === burst.counts ? null : l));
      }, FLOAT_MS + 700);
      timers.add(timer);
    };
    room.socket.on('reaction:burst', onBurst);
    return () => {
      room.socket.off('reaction:burst', onBurst);
      for (const t of timers) clearTimeout(t);
    };
  }, [room, session.id]);

  const live = session.status === 'live';
  const send = (reaction: Reaction) => void action.run(() => connected(room).request('reaction:send', { sessionId: session.id, reaction }));

  return (
    <div className="class-reactions">
      {live && (
        // biome-ignore lint/a11y/useSemanticElements: a toolbar of buttons, not a form's fieldset.
        <div role="group" aria-label="React" className="class-reaction-buttons">
          {REACTION_FACES.map((f) => (
            <button key={f.reaction} type="button" className="secondary class-reaction" title={f.label} onClick={() => send(f.reaction)}>
              <span aria-hidden="true">{f.emoji}</span>
              <span className="visually-hidden">{f.label}</span>
            </button>
          ))}
        </div>
      )}
      <div className="class-burst" aria-hidden="true">
        {floaters.map((f) => (
          <span key={f.id} className="class-floater" style={{ left: `${f.left}%`, animationDelay: `${f.delay}ms` }}>
            {f.emoji}
          </span>
        ))}
        {last && (
          <span className="class-burst-still">
            {Object.entries(last)
              .map(([r, n]) => `${EMOJI[r as Reaction]} ${n}`)
              .join('  ')}
          </span>
        )}
      </div>
      <ActionError error={action.error} />
    </div>
  );
}
