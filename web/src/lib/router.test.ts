import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asksForPage } from './router.ts';

// Signing in lands on a shared link rather than on the default course page.
describe('asksForPage', () => {
  it('is true for a shared class, course or report link, and for a page path the server serves', () => {
    for (const hash of ['#/sessions/abc', '#/courses/algo', '#/sessions/abc/report', '#/courses/algo/report']) {
      assert.equal(asksForPage({ pathname: '/', hash }), true, hash);
    }
    assert.equal(asksForPage({ pathname: '/sessions/abc/present', hash: '' }), true);
  });

  it('is false for the start page and for the LMS launch', () => {
    for (const where of [
      { pathname: '/', hash: '' },
      { pathname: '/', hash: '#/' },
      { pathname: '/launch', hash: '#token=x' },
    ]) {
      assert.equal(asksForPage(where), false, JSON.stringify(where));
    }
  });
});
