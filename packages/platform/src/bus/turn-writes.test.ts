import { describe, expect, it } from 'vitest';
import { sendThisTurn } from './turn-writes.ts';

describe('sendThisTurn', () => {
  it('sends after the turn, all together, in the order they were queued', async () => {
    const sent: string[] = [];
    sendThisTurn(() => sent.push('first reply'));
    await Promise.resolve(); // a microtask later: still queued, so later sends can join it
    sendThisTurn(() => sent.push('second reply'));
    expect(sent).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual(['first reply', 'second reply']);
  });

  it('sends what is queued by a send in the next turn, not never', async () => {
    const sent: string[] = [];
    sendThisTurn(() => {
      sent.push('outer');
      sendThisTurn(() => sent.push('inner'));
    });
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual(['outer']);
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual(['outer', 'inner']);
  });
});
