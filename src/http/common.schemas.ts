import { z } from 'zod';
import { ERRORS, type ErrorCode } from '../errors.ts';

/**
 * User-written text: trimmed, bounded, and free of NUL characters (PostgreSQL cannot store them) and of lone
 * surrogates (which would be stored as U+FFFD, silently changing what was sent).
 * It is stored as sent and never interpreted as HTML.
 */
export const text = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters')
    .refine((s) => s.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)');

/**
 * An ISO 8601 date-time with an explicit offset that names a real calendar instant (no 30 February) in the years
 * 1000–9999, which both databases store and every client can print.
 */
export const isoDateTime = z.iso
  .datetime({ offset: true })
  .refine(isRealCalendarDate, 'must be a real date and time')
  .refine((s) => {
    const year = new Date(s).getUTCFullYear();
    return year >= 1000 && year <= 9999;
  }, 'must fall in the years 1000–9999')
  .meta({ description: 'ISO 8601 date-time with offset, e.g. 2026-12-01T15:00:00+01:00', example: '2026-12-01T15:00:00Z' });

function isRealCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!match || Number.isNaN(Date.parse(value))) return false;
  const [, y, m, d, hh, mm] = match.map(Number) as [number, number, number, number, number, number];
  const probe = new Date(Date.UTC(y, m - 1, d));
  return probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d && hh < 24 && mm < 60;
}

export const uuid = z.uuid({ message: 'must be a UUID' });

/** Routes that take no query string still refuse unknown parameters, as bodies refuse unknown fields. */
export const noQuery = z.strictObject({});

export const pageQuery = {
  cursor: z.string().max(500).optional().meta({ description: "Opaque cursor from the previous page's `nextCursor`." }),
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: 'Page size, 1–100 (default 20).' }),
};

export const errorResponse = z
  .object({
    error: z.object({
      code: z
        .enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]])
        .meta({ description: 'A stable code from docs/api.md; clients branch on it, never on the message.' }),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

/** The error replies every /api route may give; routes add their own 404/409. */
export const commonErrors = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  413: errorResponse,
  429: errorResponse,
  500: errorResponse,
  503: errorResponse,
};
