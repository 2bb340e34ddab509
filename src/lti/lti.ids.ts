import { createHash } from 'node:crypto';

/**
 * Course and user ids for LTI people and contexts, namespaced by platform so two LMSs never collide:
 * `lti:<slug>:<their id>` when their id is a valid id here and fits, else `lti:<slug>:h.<hash of their id>`.
 * Stored once in lti_contexts / lti_users, so a later change of this rule never moves anyone.
 */

const VALID_ID = /^[A-Za-z0-9._:@|-]+$/;
const MAX_ID = 100;

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The platform's namespace: eight [a-z0-9] characters from (issuer, client_id), the same each time it registers. */
export function platformSlug(issuer: string, clientId: string): string {
  const bytes = digest(`${issuer}\n${clientId}`);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(bytes.subarray(0, 8), (b) => alphabet[b % alphabet.length]).join('');
}

/** The id here for a platform's own id (a context id, a user's `sub`). */
export function namespacedId(slug: string, theirs: string): string {
  const prefix = `lti:${slug}:`;
  if (VALID_ID.test(theirs) && prefix.length + theirs.length <= MAX_ID) return prefix + theirs;
  return `${prefix}h.${digest(theirs).toString('base64url').slice(0, 43)}`;
}
