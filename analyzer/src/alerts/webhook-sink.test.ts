import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signature, webhookBody } from './webhook-sink.ts';

describe('webhook signature', () => {
  it('is an HMAC-SHA256 over the timestamp and the exact body, which any change breaks', () => {
    const body = webhookBody([], 0);
    const sig = signature('s3cret', body, 1_700_000_000);
    const want = createHmac('sha256', 's3cret').update(`1700000000.${body}`).digest('hex');
    expect(sig).toBe(`t=1700000000,v1=${want}`);
    expect(signature('s3cret', `${body} `, 1_700_000_000)).not.toBe(sig);
    expect(signature('other', body, 1_700_000_000)).not.toBe(sig);
    expect(signature('s3cret', body, 1_700_000_001)).not.toBe(sig);
  });
});
