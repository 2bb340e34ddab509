import { useQuery } from '@tanstack/react-query';
import { type MyReport, myReportQuery } from '../lib/queries.ts';
import { describeChoice, formatMinutes, formatPercent, formatTime, plural, STATUS_TEXT } from '../lib/report-format.ts';
import { rulesSentence } from './course-rules-form.tsx';

type MyPoll = MyReport['polls'][number];

function PollLine({ poll }: { poll: MyPoll }) {
  const answer = poll.myAnswer;
  return (
    <li>
      <span className="class-text my-question">{poll.question}</span>
      {poll.anonymous ? (
        <span className="muted">Anonymous poll: answers are not linked to anyone.</span>
      ) : answer ? (
        <span>
          Your answer: <span className="class-text">{describeChoice(answer.choice, poll.options)}</span>
          {answer.correct !== null && (
            <strong className={answer.correct ? 'report-right' : 'report-wrong'}>{answer.correct ? ' (correct)' : ' (not correct)'}</strong>
          )}
        </span>
      ) : (
        <span className="muted">Not answered.</span>
      )}
    </li>
  );
}

/**
 * A student's own record of a class that has ended (GET …/report/me): their status under the course's rules, their
 * time, what they did, and their poll and quiz answers. Nobody else's row reaches them.
 */
export function MyAttendance({ sessionId }: { sessionId: string }) {
  const read = useQuery(myReportQuery(sessionId));
  if (read.isPending) return <p className="muted">Loading your attendance…</p>;
  if (read.error) {
    return (
      <p role="alert" className="error">
        {read.error.message}
      </p>
    );
  }
  const { row, polls, rules } = read.data;
  return (
    <section aria-labelledby="my-attendance-h" className="panel class-section my-attendance">
      <h2 id="my-attendance-h">My attendance</h2>
      <p className="my-status">
        <span className={`status status-${row.status}`}>{STATUS_TEXT[row.status]}</span> {formatMinutes(row.minutes)} in class (
        {formatPercent(row.percentOfClass)} of it)
        {row.meetingMinutes !== null && `, ${formatMinutes(row.meetingMinutes)} in the meeting`}
      </p>
      <ul className="my-facts">
        <li>
          {row.firstJoin ? (
            <>
              Joined at <time dateTime={row.firstJoin}>{formatTime(row.firstJoin)}</time>
              {row.lastLeave && (
                <>
                  , left at <time dateTime={row.lastLeave}>{formatTime(row.lastLeave)}</time>
                </>
              )}
            </>
          ) : (
            'You did not join the class page.'
          )}
        </li>
        <li>{row.joinedMeeting ? 'You opened the meeting.' : 'You did not open the meeting.'}</li>
        {/* One room per round, in round order: "then" says they followed one another (their time there is class time). */}
        {row.breakoutRooms.length > 0 && (
          <li>
            {row.breakoutRooms.length === 1 ? 'Breakout room: ' : 'Breakout rooms: '}
            {row.breakoutRooms.join(', then ')}
          </li>
        )}
        <li>
          {plural(row.messages, 'message', 'messages')}, {plural(row.questions, 'question', 'questions')} asked, {row.pollsAnswered} of{' '}
          {plural(row.pollsOffered, 'poll', 'polls')} answered
        </li>
        {row.quizAsked > 0 && (
          <li>
            {row.quizScore === null
              ? `Quiz: ${plural(row.quizAsked, 'question', 'questions')}, none answered`
              : `Quiz: ${row.quizCorrect} of ${row.quizAsked} correct (${formatPercent(row.quizScore)})`}
          </li>
        )}
      </ul>
      {polls.length > 0 && (
        <>
          <h3>Your answers</h3>
          <ul className="my-answers">
            {polls.map((p) => (
              <PollLine key={p.pollId} poll={p} />
            ))}
          </ul>
        </>
      )}
      <p className="muted">{rulesSentence(rules)}</p>
    </section>
  );
}
