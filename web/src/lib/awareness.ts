import type { ClassState } from './class-state.ts';

/** Where a notice's subject lives: on phones, the classroom's tab that shows it. */
export type ClassTab = 'chat' | 'qa' | 'polls';

/**
 * What a notice's "Show" leads to: a class section (a phone tab), the breakout card, board or bar (no tab), or nothing
 * to show (news that is the page itself, such as being back from a breakout room).
 */
export type NoticeTarget = ClassTab | 'breakout' | null;

/** Something worth telling a person who may be looking at another part of the class, or at another tab. */
export interface Notice {
  /** Stable per subject and change, so one change announced twice (a replay overlapping) is shown once. */
  id: string;
  tab: NoticeTarget;
  text: string;
  /**
   * Whether the notice list reads it out. Announcements and the viewer's question news already have a live region
   * where they are shown (the pinned announcement, the Q&A panel's status line); reading them twice would be noise.
   */
  spoken: boolean;
}

const clip = (text: string, max = 80) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The notices one live change brings, from the class as it was and as it is now: a poll that opened, and a new
 * announcement. Pure, so the hook can run it on every live change (never on the replay at join, which would announce
 * the past). News about the viewer's own questions comes from the Q&A feature (useClassroom's qaNotice), which knows
 * which questions are theirs even when anonymous.
 */
export function noticesBetween(before: ClassState, after: ClassState, announcement = 'Announcement'): Notice[] {
  const notices: Notice[] = [];
  for (const poll of Object.values(after.polls)) {
    if (poll.status === 'open' && before.polls[poll.id]?.status !== 'open') {
      const what = poll.quiz ? 'quiz' : 'poll';
      notices.push({ id: `poll-open:${poll.id}`, tab: 'polls', text: `New ${what}: ${clip(poll.question)}`, spoken: true });
    }
  }
  const said = after.session?.announcement;
  if (said && said.setAt !== before.session?.announcement?.setAt) {
    notices.push({ id: `announcement:${said.setAt}`, tab: 'chat', text: `${announcement}: ${clip(said.text, 120)}`, spoken: false });
  }
  return notices;
}

/** The page title while the tab is hidden: the count of unseen notices first, so it shows in a crowded tab bar. */
export function titleWithUnseen(title: string, unseen: number): string {
  return unseen > 0 ? `(${unseen > 99 ? '99+' : unseen}) ${title}` : title;
}

/** News that a page leaving for another class page carries to it (a breakout room's close or a move), by session. */
const carried = new Map<string, string>();

/** Leaves `text` for the class page of `sessionId` to tell when it opens. */
export function carryNotice(sessionId: string, text: string): void {
  carried.set(sessionId, text);
}

/** The news left for this class page, once. */
export function takeCarriedNotice(sessionId: string): string | null {
  const text = carried.get(sessionId) ?? null;
  carried.delete(sessionId);
  return text;
}
