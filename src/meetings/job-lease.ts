import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/kysely.ts';
import type { MeetingJobRow } from '../db/tables.ts';
import { renewLease } from './meetings.repo.ts';

/** The job was claimed by another worker after this one's lease ran out: this one must stop and record nothing. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(jobId: string) {
    super(`Meeting job ${jobId} was taken over by another worker after its lease ran out`);
  }
}

/**
 * Keeps a claimed job's lease alive while it runs (renewed every third of the lease), so a long sync is never taken
 * for abandoned. `signal` aborts once the claim turns out to be someone else's. A renewal that fails (the database is
 * away) is logged and tried again at the next beat; if the lease runs out meanwhile and nobody took the job, the next
 * renewal wins it back.
 */
export function keepLease(db: Db, job: MeetingJobRow, leaseMs: number, log: FastifyBaseLogger) {
  const lost = new AbortController();
  let renewing = false;
  const beat = setInterval(() => {
    if (renewing || lost.signal.aborted) return;
    renewing = true;
    renewLease(db, job, leaseMs)
      .then((held) => {
        if (!held && !lost.signal.aborted) lost.abort(new LeaseLostError(job.id));
      })
      .catch((err: unknown) => log.warn({ err, jobId: job.id }, 'could not renew a meeting job lease; trying again'))
      .finally(() => {
        renewing = false;
      });
  }, leaseMs / 3);
  beat.unref();
  return {
    signal: lost.signal,
    lost: () => lost.signal.aborted,
    stop: () => clearInterval(beat),
  };
}
