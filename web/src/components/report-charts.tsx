import { AxisBottom, AxisLeft } from '@visx/axis';
import { curveStepAfter } from '@visx/curve';
import { Group } from '@visx/group';
import { scaleBand, scaleLinear, scaleTime } from '@visx/scale';
import { AreaClosed, BarStack } from '@visx/shape';
import type { SessionReport } from '../lib/queries.ts';
import { formatTime, plural } from '../lib/report-format.ts';
import { ChartFrame, chartMargin } from './chart-frame.tsx';

type Point = SessionReport['timeline'][number];

const HEIGHT = 220;
const at = (p: Point) => new Date(p.minute);
/** Whole numbers only: half an attendee or half a message is not a tick anyone can read. */
const wholeTicks = (n: unknown) => (Number.isInteger(Number(n)) ? String(n) : '');

/** "per minute", or "per 3 minutes" for the wider points of a class left live for more than a day. */
const perStep = (stepMinutes: number) => (stepMinutes === 1 ? 'per minute' : `per ${stepMinutes} minutes`);

/** Roster students in the class, point by point, as a stepped area (each point holds its own count). */
export function AttendanceChart({
  timeline,
  stepMinutes,
  peak,
}: {
  timeline: Point[];
  /** Minutes per point (the report's timelineStepMinutes). */
  stepMinutes: number;
  peak: { count: number; at: string | null };
}) {
  const first = timeline[0];
  const last = timeline.at(-1);
  const summary =
    first && last
      ? `From ${formatTime(first.minute)} to ${formatTime(last.minute)}; at most ${plural(peak.count, 'student', 'students')}${peak.at ? ` at ${formatTime(peak.at)}` : ''}.`
      : 'No minutes to show yet: the class has not started.';
  // One extra point on the right, so the last step has its width.
  const end = last ? new Date(at(last).getTime() + stepMinutes * 60_000) : new Date();
  const stepped = last ? [...timeline, { ...last, minute: end.toISOString() }] : [];
  return (
    <ChartFrame
      title={`Students in class, ${perStep(stepMinutes)}`}
      summary={summary}
      height={HEIGHT}
      table={<TimelineTable timeline={timeline} stepMinutes={stepMinutes} />}
    >
      {(width) => {
        const innerWidth = width - chartMargin.left - chartMargin.right;
        const innerHeight = HEIGHT - chartMargin.top - chartMargin.bottom;
        const x = scaleTime({ domain: [first ? at(first) : end, end], range: [0, innerWidth] });
        const max = Math.max(1, ...timeline.map((p) => p.attendees));
        const y = scaleLinear({ domain: [0, max], range: [innerHeight, 0], nice: true });
        return (
          <Group left={chartMargin.left} top={chartMargin.top}>
            <AreaClosed<Point>
              data={stepped}
              x={(p) => x(at(p))}
              y={(p) => y(p.attendees)}
              yScale={y}
              curve={curveStepAfter}
              className="chart-area"
            />
            <AxisLeft scale={y} numTicks={Math.min(5, max)} tickFormat={wholeTicks} axisClassName="chart-axis" />
            <AxisBottom
              top={innerHeight}
              scale={x}
              tickValues={minuteTicks(stepped.map(at), innerWidth)}
              tickFormat={(d) => formatTime((d as Date).toISOString())}
              axisClassName="chart-axis"
            />
          </Group>
        );
      }}
    </ChartFrame>
  );
}

/** Ticks on whole minutes only (the data is per minute), thinned to about one per 90 px. */
function minuteTicks<T>(minutes: T[], innerWidth: number): T[] {
  const every = Math.max(1, Math.ceil(minutes.length / Math.max(2, Math.floor(innerWidth / 90))));
  return minutes.filter((_, i) => i % every === 0);
}

const KINDS = ['messages', 'questions', 'votes'] as const;
const KIND_TEXT = { messages: 'Chat messages', questions: 'Questions', votes: 'Poll votes' };
const KIND_COUNT = {
  messages: (n: number) => plural(n, 'chat message', 'chat messages'),
  questions: (n: number) => plural(n, 'question', 'questions'),
  votes: (n: number) => plural(n, 'poll vote', 'poll votes'),
};

/** Chat messages, questions and poll votes per point (minute, or wider for a very long class), stacked. */
export function EngagementChart({ timeline, stepMinutes }: { timeline: Point[]; stepMinutes: number }) {
  const totals = KINDS.map((k) => timeline.reduce((sum, p) => sum + p[k], 0));
  const busiest = timeline.reduce<Point | null>(
    (best, p) => (p.messages + p.questions + p.votes > (best ? best.messages + best.questions + best.votes : 0) ? p : best),
    null,
  );
  const summary = totals.every((t) => t === 0)
    ? 'No chat messages, questions or poll votes in this class.'
    : `${KINDS.map((k, i) => KIND_COUNT[k](totals[i] ?? 0)).join(', ')}${busiest ? `; busiest ${stepMinutes === 1 ? 'minute' : 'stretch'} ${formatTime(busiest.minute)}` : ''}.`;
  return (
    <ChartFrame
      title={`Engagement, ${perStep(stepMinutes)}`}
      summary={summary}
      height={HEIGHT}
      table={<TimelineTable timeline={timeline} stepMinutes={stepMinutes} />}
    >
      {(width) => {
        const innerWidth = width - chartMargin.left - chartMargin.right;
        const innerHeight = HEIGHT - chartMargin.top - chartMargin.bottom;
        const x = scaleBand({ domain: timeline.map((p) => p.minute), range: [0, innerWidth], padding: 0.2 });
        const max = Math.max(1, ...timeline.map((p) => p.messages + p.questions + p.votes));
        const y = scaleLinear({ domain: [0, max], range: [innerHeight, 0], nice: true });
        return (
          <Group left={chartMargin.left} top={chartMargin.top}>
            <BarStack<Point, (typeof KINDS)[number]>
              data={timeline}
              keys={[...KINDS]}
              x={(p) => p.minute}
              xScale={x}
              yScale={y}
              color={() => ''}
            >
              {(stacks) =>
                stacks.map((stack) =>
                  stack.bars.map((bar) => (
                    <rect
                      key={`${stack.key}-${bar.index}`}
                      x={bar.x}
                      y={bar.y}
                      width={bar.width}
                      height={Math.max(0, bar.height)}
                      className={`chart-bar chart-${stack.key}`}
                    />
                  )),
                )
              }
            </BarStack>
            <AxisLeft scale={y} numTicks={Math.min(5, max)} tickFormat={wholeTicks} axisClassName="chart-axis" />
            <AxisBottom
              top={innerHeight}
              scale={x}
              tickValues={minuteTicks(
                timeline.map((p) => p.minute),
                innerWidth,
              )}
              tickFormat={(m) => formatTime(String(m))}
              axisClassName="chart-axis"
            />
          </Group>
        );
      }}
    </ChartFrame>
  );
}

/** The legend the engagement chart's colours refer to, in words. */
export function EngagementLegend() {
  return (
    <ul className="chart-legend" aria-label="Legend">
      {KINDS.map((k) => (
        <li key={k}>
          <span aria-hidden="true" className={`chart-swatch chart-${k}`} />
          {KIND_TEXT[k]}
        </li>
      ))}
    </ul>
  );
}

function TimelineTable({ timeline, stepMinutes }: { timeline: Point[]; stepMinutes: number }) {
  return (
    <div className="report-scroll">
      <table className="report-table report-compact">
        <thead>
          <tr>
            <th scope="col">{stepMinutes === 1 ? 'Minute' : `${stepMinutes} minutes from`}</th>
            <th scope="col" className="report-num">
              Students
            </th>
            {KINDS.map((k) => (
              <th key={k} scope="col" className="report-num">
                {KIND_TEXT[k]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {timeline.map((p) => (
            <tr key={p.minute}>
              <th scope="row">
                <time dateTime={p.minute}>{formatTime(p.minute)}</time>
              </th>
              <td className="report-num">{p.attendees}</td>
              {KINDS.map((k) => (
                <td key={k} className="report-num">
                  {p[k]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
