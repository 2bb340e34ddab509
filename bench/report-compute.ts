/**
 * A sanity check of the pure report functions' cost, without a database: a 5,000-student class with 3 room stays
 * each (one pair overlapping, as two tabs do), meeting stays for half of them, 2,000 messages and 20 polls, then the
 * course report over 30 such classes of 300 students. Prints medians; not a test, nothing is asserted.
 *
 *   node bench/report-compute.ts [--students 5000] [--runs 15]
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { computeCourseReport } from '../src/reports/compute/course-report.ts';
import { computeSessionReport } from '../src/reports/compute/session-report.ts';
import type { ReportPollInput, SessionReportInput, Span } from '../src/reports/report-input.ts';
import { at, makePoll, makeReportInput, span, student } from '../src/test/make-report-input.ts';

const { values } = parseArgs({ options: { students: { type: 'string', default: '5000' }, runs: { type: 'string', default: '15' } } });
const STUDENTS = Number(values.students);
const RUNS = Number(values.runs);

function classInput(students: number, dayOffsetMinutes = 0): SessionReportInput {
  const d = dayOffsetMinutes;
  const roster = Array.from({ length: students }, (_, i) => student(`u${String(i).padStart(5, '0')}`, `Student ${(i * 7919) % students}`));
  const room = new Map<string, Span[]>();
  const meeting = new Map<string, Span[]>();
  roster.forEach((s, i) => {
    const j = i % 20; // spread joins over the first 20 minutes
    room.set(s.userId, [span(d + j, d + j + 25), span(d + j + 20, d + 50), span(d + 52, i % 3 === 0 ? null : d + 60)]);
    if (i % 2 === 0) meeting.set(s.userId, [span(d + j + 1, d + 58)]);
  });
  const polls: ReportPollInput[] = Array.from({ length: 20 }, (_, p) =>
    makePoll(`p${p}`, {
      anonymous: p % 10 === 9,
      correctOption: p % 5 === 0 ? 1 : null,
      createdAt: at(d + p * 2),
      responses: roster
        .filter((_, i) => (i + p) % 5 !== 0)
        .map((s, i) => ({ userId: s.userId, choice: i % 3, atMs: at(d + p * 2 + 1).getTime() })),
    }),
  );
  const messages = new Map<number, number>();
  for (let m = 0; m < 2000; m++) {
    const minute = at(d + (m % 60)).getTime();
    messages.set(minute, (messages.get(minute) ?? 0) + 1);
  }
  const base = makeReportInput().session;
  return makeReportInput({
    session: { ...base, scheduledStart: at(d), actualStart: at(d), actualEnd: at(d + 60) },
    roster,
    roomSegments: room,
    meetingSegments: meeting,
    hasMeetingData: true,
    messages: 2000,
    messagesBy: new Map(roster.slice(0, 2000).map((s) => [s.userId, 1])),
    activity: { messages, questions: new Map(), votes: new Map() },
    polls,
    now: at(d + 90),
  });
}

/**
 * Wall time and CPU time (this process, all threads, so the garbage collector's helpers too) per run, medians. On a
 * shared machine the wall time includes waiting for a core; the CPU time is what the work itself costs.
 */
function measure(run: () => unknown): string {
  for (let i = 0; i < 3; i++) run(); // warm-up: let V8 optimise before measuring
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
  return `wall median ${median(wall).toFixed(1)} ms (min ${Math.min(...wall).toFixed(1)}), CPU median ${median(cpu).toFixed(1)} ms`;
}

const session = classInput(STUDENTS);
console.log(`session report, ${STUDENTS} students × 3 stays, 2,000 messages, 20 polls: ${measure(() => computeSessionReport(session))}`);

const reports = Array.from({ length: 30 }, (_, k) => computeSessionReport(classInput(300, k * 24 * 60)));
const roster = classInput(300).roster;
const course = () => computeCourseReport({ courseId: 'course-1', from: null, to: null, now: at(40 * 24 * 60), roster, classes: reports });
console.log(`course report over 30 classes of 300 students (from their session reports): ${measure(course)}`);
// A yardstick for the machine's state: the report is allocation-bound, so time a million small objects the same way.
const yardstick = () => Array.from({ length: 1_000_000 }, (_, i) => ({ i, s: `x${i}` }));
console.log(`yardstick, 1,000,000 small objects with strings: ${measure(yardstick)}`);
const load = loadavg().map((l) => l.toFixed(1));
console.log(`load average ${load.join(' ')} on ${availableParallelism()} cores`);
