import { type AttendanceRules, attendanceRules } from './reports.schemas.ts';

/** The rules a course has before anyone saved settings. */
export const DEFAULT_RULES: AttendanceRules = attendanceRules.parse({});

const partialRules = attendanceRules.partial();

/**
 * Keeps the fields of a stored partial that are valid today. Stored JSON was validated when written, but a rule's
 * bounds may tighten later: a field that no longer fits falls back to the layer below instead of failing the report.
 */
function validFields(stored: Record<string, unknown> | null | undefined): Partial<AttendanceRules> {
  if (!stored) return {};
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) {
    const field = partialRules.shape[key as keyof AttendanceRules];
    if (field?.safeParse(value).success && value !== undefined) kept[key] = value;
  }
  return kept as Partial<AttendanceRules>;
}

/** The rules a class is measured by: the defaults, under the course's settings, under the class's overrides. */
export function effectiveRules(
  course: Record<string, unknown> | null | undefined,
  overrides: Record<string, unknown> | null | undefined,
): AttendanceRules {
  return { ...DEFAULT_RULES, ...validFields(course), ...validFields(overrides) };
}
