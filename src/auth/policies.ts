import type { RosterRole } from '../db/tables.ts';
import type { Actor } from './actor.ts';

/** The caller's role in one course's roster, or null when they are not on it. */
export type Membership = RosterRole | null;

export const isAdmin = (actor: Actor): boolean => actor.role === 'admin';

/** Course members see the course's sessions; admins see everything. */
export const canViewCourse = (actor: Actor, membership: Membership): boolean => isAdmin(actor) || membership !== null;

/**
 * Managing takes both a roster role of mentor and a token role of mentor (least privilege: a roster mentor whose
 * token says student does not manage), or an admin token.
 */
export const canManageCourse = (actor: Actor, membership: Membership): boolean =>
  isAdmin(actor) || (actor.role === 'mentor' && membership === 'mentor');

/** Rosters are written by the LMS's service token only. */
export const canWriteRoster = (actor: Actor): boolean => isAdmin(actor);
