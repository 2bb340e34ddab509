import { ParentSize } from '@visx/responsive';
import { type ReactNode, useId, useRef } from 'react';

/**
 * Every chart's frame: a figure with a caption, the SVG as one image named by a sentence that states what it shows
 * (its `summary`), and the numbers behind it as a table under a disclosure, so no reader depends on the picture.
 * The SVG is drawn at the measured width and scales with its viewBox, so it also fits a printed page.
 */
export function ChartFrame({
  title,
  summary,
  height,
  table,
  children,
}: {
  title: string;
  summary: string;
  height: number;
  table: ReactNode;
  children: (width: number) => ReactNode;
}) {
  const titleId = useId();
  const descId = useId();
  const lastWidth = useRef(640);
  return (
    <figure className="chart">
      <figcaption id={titleId}>{title}</figcaption>
      <p id={descId} className="chart-summary">
        {summary}
      </p>
      <div className="chart-canvas" style={{ height }}>
        <ParentSize debounceTime={50}>
          {({ width: measured }) => {
            // Never blank: before the first measurement, or if a relayout (a print, a full-page capture) reports 0,
            // draw at the last width seen (or a default); the viewBox scales it to the box either way.
            if (measured > 0) lastWidth.current = measured;
            const width = lastWidth.current;
            return (
              <svg
                role="img"
                aria-labelledby={titleId}
                aria-describedby={descId}
                width="100%"
                height={height}
                viewBox={`0 0 ${width} ${height}`}
                preserveAspectRatio="xMinYMin meet"
              >
                <title>{title}</title>
                {children(width)}
              </svg>
            );
          }}
        </ParentSize>
      </div>
      <details className="chart-data">
        <summary>Show the data as a table</summary>
        {table}
      </details>
    </figure>
  );
}

/** The margins inside a chart, leaving room for the axes' labels. */
export const chartMargin = { top: 12, right: 32, bottom: 36, left: 44 };
