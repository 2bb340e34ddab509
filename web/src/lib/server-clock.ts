/**
 * The server's clock as far as the app can tell: every API reply's `Date` header (whole seconds) gives the offset of
 * this device's clock. A device a few minutes off would otherwise say "starts in 3 minutes" for a class already live.
 * Offsets under two seconds are ignored: the header's resolution is one second, so correcting them would only add
 * noise.
 */
let offsetMs = 0;

/** Notes a reply's Date header, read when the reply arrived. */
export function noteServerDate(header: string | null, receivedAt = Date.now()): void {
  const server = header ? Date.parse(header) : Number.NaN;
  if (Number.isNaN(server)) return;
  // The header is truncated to the second: its middle is the best guess.
  const offset = server + 500 - receivedAt;
  offsetMs = Math.abs(offset) < 2000 ? 0 : offset;
}

/** Now, by the server's clock (ms since the epoch). */
export function serverNow(): number {
  return Date.now() + offsetMs;
}
