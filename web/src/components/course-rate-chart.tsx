import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';
import type { CourseReport } from '../lib/queries.ts';
import { formatPercent } from '../lib/report-format.ts';
import { ChartFrame, chartMargin } from './chart-frame.tsx';
import { localDate } from './schedule-when.tsx';

type ClassRow = CourseReport['classes'][number];

const HEIGHT = 240;
const shortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
/** Below this a class's bar turns red: most of the roster missed it. */
const LOW_RATE = 50;

/** The attendance rate of each class in the range, oldest first, as bars on a 0–100 % scale. */
export function CourseRateChart({ classes }: { classes: ClassRow[] }) {
  const rated = classes.filter((c) => c.attendanceRate !== null);
  const mean = rated.length > 0 ? rated.reduce((s, c) => s + (c.attendanceRate ?? 0), 0) / rated.length : null;
  const lowest = rated.reduce<ClassRow | null>((low, c) => ((c.attendanceRate ?? 0) < (low?.attendanceRate ?? Infinity) ? c : low), null);
  const summary =
    classes.length === 0
      ? 'No completed classes in this range.'
      : `${classes.length} ${classes.length === 1 ? 'class' : 'classes'}; mean attendance ${formatPercent(mean === null ? null : Math.round(mean * 10) / 10)}${lowest ? `, lowest ${formatPercent(lowest.attendanceRate)} on ${shortDate.format(new Date(lowest.date))}` : ''}.`;
  return (
    <ChartFrame title="Attendance rate per class" summary={summary} height={HEIGHT} table={<ClassesRateTable classes={classes} />}>
      {(width) => {
        const innerWidth = width - chartMargin.left - chartMargin.right;
        const innerHeight = HEIGHT - chartMargin.top - chartMargin.bottom;
        const x = scaleBand({ domain: classes.map((c) => c.sessionId), range: [0, innerWidth], padding: 0.25 });
        const y = scaleLinear({ domain: [0, 100], range: [innerHeight, 0] });
        const byId = new Map(classes.map((c) => [c.sessionId, c]));
        const every = Math.max(1, Math.ceil(classes.length / Math.max(2, Math.floor(innerWidth / 70))));
        return (
          <Group left={chartMargin.left} top={chartMargin.top}>
            {classes.map((c) => {
              const rate = c.attendanceRate ?? 0;
              return (
                <Bar
                  key={c.sessionId}
                  x={x(c.sessionId) ?? 0}
                  y={y(rate)}
                  width={x.bandwidth()}
                  height={innerHeight - y(rate)}
                  className={rate < LOW_RATE ? 'chart-rate chart-rate-low' : 'chart-rate'}
                />
              );
            })}
            <AxisLeft scale={y} tickValues={[0, 25, 50, 75, 100]} tickFormat={(v) => `${v}%`} axisClassName="chart-axis" />
            <AxisBottom
              top={innerHeight}
              scale={x}
              tickValues={classes.filter((_, i) => i % every === 0).map((c) => c.sessionId)}
              tickFormat={(id) => {
                const c = byId.get(String(id));
                return c ? shortDate.format(new Date(c.date)) : '';
              }}
              axisClassName="chart-axis"
            />
          </Group>
        );
      }}
    </ChartFrame>
  );
}

function ClassesRateTable({ classes }: { classes: ClassRow[] }) {
  return (
    <div className="report-scroll">
      <table className="report-table report-compact">
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Class</th>
            <th scope="col" className="report-num">
              Attendance
            </th>
          </tr>
        </thead>
        <tbody>
          {classes.map((c) => (
            <tr key={c.sessionId}>
              <td>
                <time dateTime={c.date}>{localDate(new Date(c.date))}</time>
              </td>
              <th scope="row" className="class-text">
                {c.title}
              </th>
              <td className="report-num">{formatPercent(c.attendanceRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
