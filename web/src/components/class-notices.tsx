import { useCallback, useEffect, useRef, useState } from 'react';
import { type ClassTab, type Notice, type NoticeTarget, noticesBetween, titleWithUnseen } from '../lib/awareness.ts';
import { type BreakoutRound, breakoutNoticesBetween, type Viewer } from '../lib/breakouts.ts';
import type { ClassState } from '../lib/class-state.ts';
import { deviceStorage } from '../lib/safe-storage.ts';
import { serverNow } from '../lib/server-clock.ts';

const SOUND_KEY = 'spl.sound';
const SHOWN_MS = 8000;

/** A short, quiet two-note chime made on the spot (no audio file, nothing to fetch under the CSP). */
function chime() {
  try {
    const audio = new AudioContext();
    const gain = audio.createGain();
    gain.gain.value = 0.06;
    gain.connect(audio.destination);
    [660, 880].forEach((hz, i) => {
      const tone = audio.createOscillator();
      tone.frequency.value = hz;
      tone.connect(gain);
      tone.start(audio.currentTime + i * 0.12);
      tone.stop(audio.currentTime + i * 0.12 + 0.1);
    });
    setTimeout(() => void audio.close(), 600);
  } catch {
    // No audio here (a locked-down browser): the visible notice is enough.
  }
}

/** The breakout round a page follows, for its notices: `ready` once joined (what the join found is not news). */
export interface BreakoutFeed {
  round: BreakoutRound | null;
  ready: boolean;
  /** The seq the round was last seen at (tells one move from the next). */
  seq: number;
  viewer: Viewer;
  /** A room page tells less: moves and the close take the viewer away, and the arrival says so. */
  where: 'class' | 'room';
}

/**
 * Notices from live changes (a poll that opened, an announcement, news about the viewer's own question from the Q&A
 * feature), the count of those not yet seen per tab (the phone's tab badges), the page title's count while the tab is
 * hidden, and an optional chime. Mentors, who open the polls, are not told of them (`polls: false`); `tab` is the
 * phone tab being looked at (null: every panel is on screen), which gets no badge. The class as first joined (its
 * replay) announces nothing: only what happens while the viewer is here, or what they missed during a reconnect.
 * `announcement` names a pinned announcement (a breakout room's is the mentors' message to every room).
 * `breakout` adds the round's news (rooms open, a move, the timer, the closing warning, the close, help requests).
 */
export function useNotices(
  state: ClassState,
  qaNotice: { id: number; text: string } | null,
  {
    polls = true,
    tab = null,
    breakout,
    announcement,
  }: { polls?: boolean; tab?: ClassTab | null; breakout?: BreakoutFeed; announcement?: string } = {},
) {
  const viewing = useRef(tab);
  viewing.current = tab;
  const before = useRef<ClassState | null>(null);
  const [notices, setNotices] = useState<Notice[]>([]);
  const [unseen, setUnseen] = useState<Record<ClassTab, number>>({ chat: 0, qa: 0, polls: 0 });
  const [hiddenCount, setHiddenCount] = useState(0);
  const [sound, setSound] = useState(() => deviceStorage.getItem(SOUND_KEY) === 'on');
  const soundOn = useRef(sound);
  soundOn.current = sound;

  // Each change is told once: a poll opens once, however often the class state is rebuilt (a rejoin, a reread).
  const told = useRef(new Set<string>());
  const add = useCallback((all: Notice[]) => {
    const fresh = all.filter((n) => !told.current.has(n.id));
    if (fresh.length === 0) return;
    for (const n of fresh) told.current.add(n.id);
    // A notice whose own live region is in a phone tab not shown would be heard by nobody: this list reads it then.
    for (const n of fresh) if (viewing.current !== null && viewing.current !== n.tab && n.tab !== 'chat') n.spoken = true;
    const tabbed = (n: Notice): n is Notice & { tab: ClassTab } => n.tab !== 'breakout' && n.tab !== null;
    setNotices((shown) => [...shown.filter((n) => !fresh.some((f) => f.id === n.id)), ...fresh].slice(-3));
    // The tab being looked at gets no badge: its news is in front of the viewer.
    setUnseen((u) => {
      const next = { ...u };
      for (const n of fresh) if (tabbed(n) && n.tab !== viewing.current) next[n.tab] += 1;
      return next;
    });
    if (document.hidden) setHiddenCount((n) => n + fresh.length);
    if (soundOn.current) chime();
    const ids = new Set(fresh.map((n) => n.id));
    setTimeout(() => setNotices((shown) => shown.filter((n) => !ids.has(n.id))), SHOWN_MS);
  }, []);

  useEffect(() => {
    const prev = before.current;
    before.current = state;
    if (prev?.session && prev !== state) add(noticesBetween(prev, state, announcement).filter((n) => polls || n.tab !== 'polls'));
  }, [state, add, polls, announcement]);

  // undefined until the page has joined: the round found then is the baseline, not news.
  const roundBefore = useRef<BreakoutRound | null | undefined>(undefined);
  const { round, ready = false, seq = 0, viewer, where = 'class' } = breakout ?? {};
  const { id: viewerId, manages = false } = viewer ?? {};
  useEffect(() => {
    if (!ready || round === undefined) return;
    const prev = roundBefore.current;
    roundBefore.current = round;
    if (prev === undefined || prev === round) return;
    add(breakoutNoticesBetween(prev, round, { id: viewerId, manages }, { now: serverNow(), where, seq }));
  }, [round, ready, seq, viewerId, manages, where, add]);

  useEffect(() => {
    if (qaNotice) add([{ id: `qa:${qaNotice.id}`, tab: 'qa', text: qaNotice.text, spoken: false }]);
  }, [qaNotice, add]);

  // The title carries the count only while the tab is hidden; coming back clears it.
  const baseTitle = useRef(document.title);
  useEffect(() => {
    document.title = titleWithUnseen(baseTitle.current, hiddenCount);
  }, [hiddenCount]);
  useEffect(() => {
    const onVisible = () => {
      if (!document.hidden) setHiddenCount(0);
    };
    document.addEventListener('visibilitychange', onVisible);
    const title = baseTitle.current;
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      document.title = title;
    };
  }, []);

  return {
    notices,
    unseen,
    /** The viewer looked at a tab: its badge goes. */
    seen: useCallback((tab: ClassTab) => setUnseen((u) => (u[tab] === 0 ? u : { ...u, [tab]: 0 })), []),
    /** Tells something from outside the class state (the news carried over from a breakout room). */
    tell: add,
    dismiss: (id: string) => setNotices((shown) => shown.filter((n) => n.id !== id)),
    sound,
    setSound: (on: boolean) => {
      deviceStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
      setSound(on);
    },
  };
}

/**
 * The notices as small cards at the bottom of the screen, each with a way to go to what it is about and to dismiss it.
 * Non-blocking: they never take the focus. Spoken ones are in a polite live region (read out without interrupting);
 * the others are read out by their own region where they are shown.
 */
export function ClassNotices({
  notices,
  onShow,
  onDismiss,
}: {
  notices: Notice[];
  onShow: (target: NoticeTarget) => void;
  onDismiss: (id: string) => void;
}) {
  const card = (n: Notice) => (
    <p key={n.id} className="class-notice-toast">
      <span>{n.text}</span>
      {n.tab !== null && (
        <button type="button" className="link" onClick={() => onShow(n.tab)}>
          Show
        </button>
      )}
      <button type="button" className="link" aria-label={`Dismiss: ${n.text}`} onClick={() => onDismiss(n.id)}>
        ✕
      </button>
    </p>
  );
  return (
    <section className="class-notices" aria-label="Notices">
      <div aria-live="polite">{notices.filter((n) => n.spoken).map(card)}</div>
      <div>{notices.filter((n) => !n.spoken).map(card)}</div>
    </section>
  );
}

/** The viewer's choice of a chime with each notice (off by default; kept in this browser). */
export function SoundToggle({ on, onChange }: { on: boolean; onChange: (on: boolean) => void }) {
  return (
    <label className="inline class-sound">
      <input type="checkbox" checked={on} onChange={(e) => onChange(e.target.checked)} /> Sound for notices
    </label>
  );
}
