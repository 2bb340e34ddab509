/**
 * `npm run google:auth [-- --code <code-or-redirected-url>]` obtains the GOOGLE_REFRESH_TOKEN that lets the service
 * create Google Meet links. Needs GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_REDIRECT_URI (GOOGLE_TOKEN_URL
 * optional); prints a consent URL, then reads the code from --code or stdin. Steps: docs/meetings.md.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { consentOptionsFromEnv, consentUrl, exchangeCode } from '../src/meetings/google-consent.ts';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** Rejects when stdin ends unanswered (a pipe or /dev/null), which would otherwise leave the question pending forever. */
async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const ended = new AbortController();
  rl.once('close', () => ended.abort());
  try {
    return await rl.question(question, { signal: ended.signal });
  } catch (err) {
    if (!ended.signal.aborted) throw err;
    process.stdout.write('\n'); // end the prompt line before the error
    throw new Error('No code given: paste it when asked, or pass --code <code-or-redirected-url>');
  } finally {
    rl.close();
  }
}

try {
  const { values } = parseArgs({ options: { code: { type: 'string' } } });
  const opts = consentOptionsFromEnv(process.env);
  console.log('1. Open this URL, signed in as the Google account whose calendar will own the class events:\n');
  console.log(`   ${consentUrl(opts)}\n`);
  console.log(`2. Allow access. The browser then goes to ${opts.redirectUri}; that page need not load.`);
  console.log('3. Copy the whole address from the address bar (or only its code parameter) and paste it here.\n');
  const input = values.code ?? (await ask('Redirected URL or code: '));
  const refreshToken = await exchangeCode(opts, input);
  console.log(`\nGOOGLE_REFRESH_TOKEN=${refreshToken}`);
  console.log('Put this line in the service environment (a secret store, never the repository) and restart the service.');
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
