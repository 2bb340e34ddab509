import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publicOrigin } from './public-url.ts';

test('the public origin is PUBLIC_URL when set, else the request’s own scheme and host', () => {
  const request = { protocol: 'http' as const, host: '127.0.0.1:3000' };
  assert.equal(publicOrigin({ publicUrl: 'https://live.example.edu' }, request), 'https://live.example.edu');
  assert.equal(publicOrigin({}, request), 'http://127.0.0.1:3000');
});
