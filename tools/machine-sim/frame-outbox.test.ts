import { describe, expect, it } from 'vitest';
import { FrameOutbox, HUB_REMEMBERED_FRAMES } from './frame-outbox.ts';

const frame = (n: number, type = 'telemetry') => ({ id: `frame-${n}`, type });

/** Takes everything the outbox lets go now. */
const drain = <F extends { id: string; type: string }>(outbox: FrameOutbox<F>) => {
  const sent: { id: string; replay: boolean }[] = [];
  for (let next = outbox.next(); next; next = outbox.next())
    sent.push({ id: next.frame.id, replay: next.replay });
  return sent;
};

describe('the frame outbox', () => {
  it('sends frames in the order they were made and forgets them once acknowledged', () => {
    const outbox = new FrameOutbox();
    for (let n = 1; n <= 3; n++) outbox.push(frame(n));
    expect(drain(outbox).map((s) => s.id)).toEqual(['frame-1', 'frame-2', 'frame-3']);
    expect(outbox.inFlight).toBe(3);

    expect(outbox.ack('frame-2')).toEqual(frame(2));
    expect(outbox.size).toBe(2);
    expect(outbox.inFlight).toBe(2);
    expect(outbox.ack('frame-2')).toBeUndefined(); // a second ack of the same frame is nothing
    expect(outbox.ack('a-heartbeat')).toBeUndefined(); // not an outbox frame
    expect(outbox.frames().map((f) => f.id)).toEqual(['frame-1', 'frame-3']);
  });

  it('replays every unacknowledged frame after a drop, in order, with the original ids, before new ones', () => {
    const outbox = new FrameOutbox();
    for (let n = 1; n <= 5; n++) outbox.push(frame(n));
    drain(outbox);
    outbox.ack('frame-1');
    outbox.ack('frame-4');
    outbox.push(frame(6)); // made while offline

    expect(outbox.requeueAll()).toBe(3);
    expect(outbox.inFlight).toBe(0);
    expect(drain(outbox)).toEqual([
      { id: 'frame-2', replay: true },
      { id: 'frame-3', replay: true },
      { id: 'frame-5', replay: true },
      { id: 'frame-6', replay: false },
    ]);
  });

  it('never lets more than 256 frames be unacknowledged on the wire', () => {
    expect(HUB_REMEMBERED_FRAMES).toBe(256);
    const outbox = new FrameOutbox();
    for (let n = 1; n <= 300; n++) outbox.push(frame(n));
    expect(drain(outbox)).toHaveLength(256);
    expect(outbox.inFlight).toBe(256);
    expect(outbox.unsent).toBe(44);
    expect(outbox.next()).toBeUndefined();

    // The oldest acknowledged: one more may go.
    outbox.ack('frame-1');
    expect(drain(outbox).map((s) => s.id)).toEqual(['frame-257']);
    expect(outbox.inFlight).toBe(256);
  });

  it('measures the window from the oldest unacknowledged frame, which the hub must still remember', () => {
    const outbox = new FrameOutbox({ window: 4 });
    for (let n = 1; n <= 8; n++) outbox.push(frame(n));
    expect(drain(outbox)).toHaveLength(4);
    // Later frames acknowledged, frame-1 not: the hub has handled 3 frames since frame-1 and
    // would forget it after 4, so nothing new goes out until frame-1 is settled.
    outbox.ack('frame-2');
    outbox.ack('frame-3');
    outbox.ack('frame-4');
    expect(outbox.inFlight).toBe(1);
    expect(outbox.next()).toBeUndefined();
    outbox.ack('frame-1');
    expect(drain(outbox).map((s) => s.id)).toEqual(['frame-5', 'frame-6', 'frame-7', 'frame-8']);
  });

  it('counts heartbeats and other frames the hub remembers in the window', () => {
    const outbox = new FrameOutbox({ window: 3 });
    for (let n = 1; n <= 3; n++) outbox.push(frame(n));
    expect(outbox.next()?.frame.id).toBe('frame-1');
    outbox.noteOtherSent(); // a heartbeat
    outbox.noteOtherSent(); // a qr.request
    expect(outbox.next()).toBeUndefined();
    outbox.ack('frame-1');
    expect(drain(outbox).map((s) => s.id)).toEqual(['frame-2', 'frame-3']);
  });

  it('always lets frames sent before go again, even with the window full', () => {
    const outbox = new FrameOutbox({ window: 2 });
    for (let n = 1; n <= 3; n++) outbox.push(frame(n));
    drain(outbox);
    outbox.requeueAll();
    expect(drain(outbox)).toEqual([
      { id: 'frame-1', replay: true },
      { id: 'frame-2', replay: true },
    ]);
  });

  it('sends again what stayed unacknowledged too long, and what the hub asked to be sent again', () => {
    const outbox = new FrameOutbox();
    outbox.push(frame(1));
    outbox.push(frame(2));
    outbox.next(1000);
    outbox.next(5000);
    expect(outbox.requeueStale(10_000, 12_000)).toBe(1);
    expect(outbox.next(12_000)).toEqual({ frame: frame(1), replay: true });
    expect(outbox.retry('frame-2')).toBe(true);
    expect(outbox.retry('unknown')).toBe(false);
    expect(outbox.next()).toEqual({ frame: frame(2), replay: true });
  });

  it('drops refused frames, and the frames of a link that ended', () => {
    const outbox = new FrameOutbox<{ id: string; type: string; linkId?: string }>();
    outbox.push({ ...frame(1), linkId: 'a' });
    outbox.push({ ...frame(2, 'status') });
    outbox.push({ ...frame(3), linkId: 'a' });
    drain(outbox);
    expect(outbox.reject('frame-1')?.id).toBe('frame-1');
    expect(outbox.discard((f) => f.linkId === 'a')).toBe(1);
    expect(outbox.frames().map((f) => f.id)).toEqual(['frame-2']);
    expect(outbox.inFlight).toBe(1);
  });

  it('when full, drops the oldest telemetry not yet sent, never a set or an unlink', () => {
    const outbox = new FrameOutbox({ capacity: 3 });
    outbox.push(frame(1, 'set.completed'));
    outbox.push(frame(2));
    outbox.push(frame(3));
    outbox.push(frame(4, 'unlink'));
    expect(outbox.evicted).toBe(1);
    expect(outbox.frames().map((f) => f.id)).toEqual(['frame-1', 'frame-3', 'frame-4']);
    expect(() => outbox.push(frame(3))).toThrow(/already/);
  });
});
