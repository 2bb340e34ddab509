import { z } from 'zod';
import { text } from '../http/common.schemas.ts';

/** User ids and course ids come from the LMS: opaque, printable, bounded. */
export const externalId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:@|-]+$/, 'may contain only letters, digits and . _ : @ | -');

export const tokenRole = z.enum(['student', 'mentor', 'admin']);

/** The claims every token must carry (besides `exp`). */
export const claimsSchema = z.object({
  /** The LMS user id. */
  sub: externalId,
  /** Display name shown to other participants. */
  name: text(1, 200),
  /** `student`, `mentor` or `admin` (the LMS's service token). */
  role: tokenRole,
  /** Optional; used for meeting invitations. */
  email: z.email().max(320).optional(),
});

export type Claims = z.infer<typeof claimsSchema>;

/** The authenticated caller, as every service method receives it. */
export interface Actor {
  id: string;
  name: string;
  role: Claims['role'];
  email: string | null;
  /** Client address, for the audit log. */
  ip: string | null;
}
