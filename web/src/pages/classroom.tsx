import { useEffect, useState } from 'react';
import { BreakoutBoard } from '../components/breakout-board.tsx';
import { BreakoutCard } from '../components/breakout-card.tsx';
import { BreakoutRoomBar, useRoomExit } from '../components/breakout-room-bar.tsx';
import { BreakoutSetup } from '../components/breakout-setup.tsx';
import { ClassNotices, SoundToggle, useNotices } from '../components/class-notices.tsx';
import { ClassTabs } from '../components/class-tabs.tsx';
import { PinnedPoll } from '../components/pinned-poll.tsx';
import { type NoticeTarget, takeCarriedNotice } from '../lib/awareness.ts';
import { isRunning } from '../lib/breakouts.ts';
import type { ClassTab } from '../lib/awareness.ts';
import { classOfRoom, rememberRoom } from '../lib/room-memory.ts';
import { useClassRound } from '../lib/use-class-round.ts';
import { useMedia } from '../lib/use-media.ts';
import { ClassAnnouncement } from '../components/class-announcement.tsx';
import { ClassAttendance } from '../components/class-attendance.tsx';
import { ClassBanner } from '../components/class-banner.tsx';
import { ClassChat } from '../components/class-chat.tsx';
import { ClassControls } from '../components/class-controls.tsx';
import { HandQueue, HandToggle } from '../components/class-hands.tsx';
import { ClassJoin } from '../components/class-join.tsx';
import { ClassMeeting } from '../components/class-meeting.tsx';
import { ClassPolls } from '../components/class-polls.tsx';
import { ClassQa } from '../components/class-qa.tsx';
import { ClassReactions } from '../components/class-reactions.tsx';
import { ClassSettings } from '../components/class-settings.tsx';
import { ClassTimer } from '../components/class-timer.tsx';
import { MyAttendance } from '../components/my-attendance.tsx';
import { me } from '../lib/auth.ts';
import type { ConnectionStatus } from '../lib/classroom.ts';
import { href } from '../lib/router.ts';
import { useClassroom } from '../lib/use-classroom.ts';
import '../classroom.css';
import '../breakouts.css';
import '../report.css';

/**
 * One live class. Students get the meeting link, chat, Q&A and polls; course managers (the server sends them the
 * presence list, and only them) get the same room as a console: start/end, moderation, poll builder, attendance and
 * settings. The server decides every permission; the split only chooses what to show.
 */
export function ClassroomPage({ sessionId }: { sessionId: string }) {
  const live = useClassroom(sessionId);
  const { session, presence, messages, questions, polls, hands, leaderboard, counts, status, mine, setMine, room, qaLive, qaNotice } = live;
  const manages = presence.users !== null;
  // Phones get the classroom as tabs; wider screens show every panel side by side.
  const phone = useMedia('(max-width: 699px)');
  const [tab, setTab] = useState<ClassTab>('chat');
  // A breakout room is a class page of its own whose round lives in its class's log, followed beside it.
  const classId = session?.parentSessionId ?? null;
  const classRound = useClassRound(classId);
  const round = classId ? classRound.round : live.breakout;
  const viewer = { id: me()?.id, manages };
  // In a room, what is pinned is the mentors' message to every room (or one of theirs for this room alone): said so.
  // Not told apart by the round's broadcast, which comes over the class's connection and may arrive after the room's.
  const announcement = classId ? 'Message from the mentors' : undefined;
  const notices = useNotices(live, qaNotice, {
    polls: !manages,
    tab: phone ? tab : null,
    announcement,
    breakout: {
      round,
      ready: classId ? classRound.known : session !== null,
      seq: classId ? classRound.seq : live.lastSeq,
      viewer,
      where: classId ? 'room' : 'class',
    },
  });
  useRoomExit(session, classId, classRound, manages);
  useEffect(() => {
    if (session && classId) rememberRoom(session.id, classId);
  }, [session, classId]);
  const { seen, tell } = notices;
  useEffect(() => seen(tab), [tab, seen]);
  // News from the breakout room this viewer just left (the close, a move), told once the page can say it.
  const opened = session !== null;
  useEffect(() => {
    const text = opened ? takeCarriedNotice(sessionId) : null;
    if (text) tell([{ id: `carried:${sessionId}:${Date.now()}`, tab: null, text, spoken: true }]);
  }, [opened, sessionId, tell]);
  const show = (to: NoticeTarget) => {
    if (to === null) return;
    if (to !== 'breakout') setTab(to);
    // After the tab switch has rendered: the section's heading takes the focus, so keyboard and screen reader users
    // are where the notice pointed, not left behind at the button they pressed.
    requestAnimationFrame(() => {
      // The breakout card or board has a heading; a room's bar is the thing itself.
      const heading = document.querySelector<HTMLElement>(
        to === 'breakout' ? '#class-breakout h2, #class-breakout' : `#class-panel-${to} h2`,
      );
      if (!heading) return;
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
      heading.scrollIntoView({ block: 'start' });
    });
  };
  const panel = (id: ClassTab) =>
    phone
      ? { id: `class-panel-${id}`, role: 'tabpanel', 'aria-labelledby': `class-tab-${id}`, hidden: tab !== id }
      : { id: `class-panel-${id}` };

  if (!session) {
    return status.status === 'closed' ? (
      <Unavailable sessionId={sessionId} reason={status.reason} />
    ) : (
      <p role="status" className="class-page muted">
        {status.status === 'reconnecting' ? `Reconnecting… ${status.reason ?? ''}` : 'Opening the class…'}
      </p>
    );
  }

  return (
    <div className={`class-page${manages ? ' class-console' : ''}`}>
      {classId ? (
        <BreakoutRoomBar session={session} classId={classId} round={round} manages={manages} />
      ) : (
        <p className="class-back">
          <a href={href.course(session.courseId)}>Back to the course</a>
        </p>
      )}
      <header className="class-header">
        <ClassBanner session={session} connection={classId ? roomConnection(status) : status} />
        <div className="class-actions">
          {/* In a room the bar above counts down to the close; the room's own elapsed time says little. */}
          {!classId && <ClassTimer session={session} />}
          <ClassJoin session={session} manages={manages} label={classId ? 'Join room meeting' : undefined} />
          {!manages && <HandToggle session={session} hands={hands} room={room} />}
          {/* A room starts and ends with its round, never on its own. */}
          {manages && !classId && <ClassControls session={session} room={room} />}
          {manages && !classId && (
            // biome-ignore lint/security/noBlankTarget: our own page; with an opener the new tab starts with a copy of this tab's sign-in (sessionStorage), which noopener would drop.
            <a className="button secondary" href={`/sessions/${encodeURIComponent(session.id)}/present`} target="_blank" rel="opener">
              Presenter view
            </a>
          )}
        </div>
      </header>
      {/* A student's own record once the class is over: the first thing they came back for. */}
      {/* The token's role too: a mentor's presence list may not have arrived yet, and they have no row to read. */}
      {!manages && me()?.role === 'student' && session.status === 'completed' && <MyAttendance sessionId={sessionId} />}
      {!manages && <PinnedPoll polls={Object.values(polls)} answered={(id) => mine.choices[id] !== undefined} onGo={() => show('polls')} />}
      {!classId &&
        isRunning(round) &&
        (manages ? (
          <BreakoutBoard session={session} round={round} people={presence.users} />
        ) : (
          <BreakoutCard round={round} seq={live.breakoutSeq} />
        ))}
      <ClassAnnouncement session={session} room={room} manages={manages} label={announcement} />
      <ClassReactions session={session} room={room} />
      {phone && <ClassTabs tab={tab} onTab={setTab} unseen={notices.unseen} />}
      <div className="class-grid">
        <div {...panel('chat')}>
          <ClassChat session={session} messages={messages} room={room} manages={manages} visible={!phone || tab === 'chat'} />
        </div>
        <div {...panel('qa')}>
          <ClassQa
            session={session}
            questions={questions}
            qaLive={qaLive}
            qaNotice={qaNotice}
            room={room}
            manages={manages}
            mine={mine}
            setMine={setMine}
          />
        </div>
        <div {...panel('polls')}>
          <ClassPolls
            session={session}
            polls={polls}
            room={room}
            manages={manages}
            mine={mine}
            setMine={setMine}
            counts={counts}
            leaderboard={leaderboard}
          />
        </div>
        <div className="class-side">
          {manages && <HandQueue session={session} hands={hands} room={room} />}
          {manages && !classId && session.status === 'live' && !isRunning(round) && <BreakoutSetup session={session} />}
          <ClassAttendance
            sessionId={sessionId}
            here={classId ? 'In this room now' : undefined}
            presence={presence}
            ended={session.status === 'completed' || session.status === 'cancelled'}
          />
          {manages && <ClassMeeting session={session} />}
          {manages && !classId && <ClassSettings session={session} />}
          <SoundToggle on={notices.sound} onChange={notices.setSound} />
        </div>
      </div>
      <ClassNotices notices={notices.notices} onShow={show} onDismiss={notices.dismiss} />
    </div>
  );
}

/**
 * The page could not be opened. A breakout room this tab had open refuses a student moved out of it (or a round's
 * later change left them elsewhere): the way back to its class, where their current room is shown, comes first.
 */
function Unavailable({ sessionId, reason }: { sessionId: string; reason: string | undefined }) {
  const classId = classOfRoom(sessionId);
  return (
    <div className="class-page">
      <h1>{classId ? 'Breakout room unavailable' : 'Class unavailable'}</h1>
      {/* The server's "not found" says little about a room: what it most likely means is said instead. */}
      <p role="alert" className="error">
        {classId
          ? 'You are no longer in this breakout room: a mentor may have moved you. The main class shows where you are now.'
          : (reason ?? 'This class could not be opened.')}
      </p>
      <p className="class-unavailable-links">
        {classId && (
          <a className="button" href={href.session(classId)}>
            Back to the main class
          </a>
        )}
        <a href={href.home()}>Back to your classes</a>
      </p>
    </div>
  );
}

/** A student moved out of a room hears session:removed ("moved") just before the way to their new room opens. */
function roomConnection(connection: { status: ConnectionStatus; reason?: string }) {
  return connection.status === 'closed' && connection.reason === 'moved'
    ? { status: connection.status, reason: 'You were moved to another room: taking you there…' }
    : connection;
}
