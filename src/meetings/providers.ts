import { createGoogleProvider } from './google.provider.ts';
import { createJitsiProvider } from './jitsi.provider.ts';
import type { MeetingConfig } from './meetings.config.ts';
import { type MeetingProvider, MeetingProviderError } from './provider.ts';

export interface MeetingProviders {
  google: MeetingProvider;
  jitsi: ReturnType<typeof createJitsiProvider>;
  manual: MeetingProvider;
}

/** A pasted link is its own id: nothing to create, change or delete anywhere. */
const manualProvider: MeetingProvider = {
  name: 'manual',
  remote: false,
  create: async (url) => ({ url }),
  update: async () => {},
  cancel: async () => {},
  get: async (url) => ({ url }),
};

/** Sessions made while Google was configured may outlive the configuration; their jobs then fail with a reason. */
const googleMissing: MeetingProvider = {
  name: 'google',
  remote: true,
  create: () => Promise.reject(notConfigured()),
  update: () => Promise.reject(notConfigured()),
  cancel: () => Promise.reject(notConfigured()),
  get: () => Promise.reject(notConfigured()),
};

function notConfigured() {
  return new MeetingProviderError('Google Calendar is not configured on this server', false);
}

/** Every provider, whether or not the operator offers it for new sessions: existing sessions keep theirs. */
export function createMeetingProviders(config: MeetingConfig): MeetingProviders {
  return {
    google: config.google
      ? createGoogleProvider(config.google, { pendingPollMs: Math.min(1000, config.retry.baseMs), pendingPolls: 5 })
      : googleMissing,
    jitsi: createJitsiProvider(config.jitsi.baseUrl),
    manual: manualProvider,
  };
}
