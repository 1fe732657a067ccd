import { describe, expect, it } from 'vitest';
import type { Machine } from '../api/types.ts';
import { applyLive, boardFrom, countByStatus, type BoardMachine } from './board-state.ts';

const machine = (id: string, status: Machine['status']): Machine => ({
  id,
  branchId: 'b1',
  name: `Machine ${id}`,
  type: 'cardio',
  location: 'Floor 1',
  status,
  firmware: null,
  lastSeenAt: '2026-11-30T06:00:00.000Z',
  createdAt: '2026-11-01T00:00:00.000Z',
});
const live = (type: string, data: Record<string, unknown>) => ({
  type,
  at: '2026-11-30T06:00:05.000Z',
  data,
});
const apply = (board: Map<string, BoardMachine>, type: string, data: Record<string, unknown>) => {
  const next = applyLive(board, live(type, data));
  if (next === 'unknown') throw new Error('unexpected unknown machine');
  return next;
};

describe('the board kept current by the live feed', () => {
  it('shows who is on a machine and their figures while linked, and forgets both when the link ends', () => {
    let board = boardFrom([machine('m1', 'available')], []);
    board = apply(board, 'machine.linked', {
      machineId: 'm1',
      linkId: 'l1',
      userId: 'u1',
      displayName: 'Ada',
      since: 'x',
    });
    board = apply(board, 'machine.status', { machineId: 'm1', branchId: 'b1', status: 'occupied' });
    board = apply(board, 'machine.telemetry', {
      machineId: 'm1',
      linkId: 'l1',
      at: 't',
      metrics: { speedKph: 9 },
    });
    expect(board.get('m1')).toMatchObject({
      status: 'occupied',
      link: { linkId: 'l1', displayName: 'Ada' },
      figures: { speedKph: 9 },
      lastSeenAt: '2026-11-30T06:00:05.000Z',
    });
    // Figures of another link (a late frame of a link that ended) are not shown as this one's.
    expect(
      apply(board, 'machine.telemetry', {
        machineId: 'm1',
        linkId: 'old',
        at: 't',
        metrics: { speedKph: 1 },
      }),
    ).toBe(board);
    board = apply(board, 'machine.unlinked', { machineId: 'm1', linkId: 'l1', reason: 'maintenance' });
    board = apply(board, 'machine.status', { machineId: 'm1', branchId: 'b1', status: 'maintenance' });
    expect(board.get('m1')).toMatchObject({ status: 'maintenance', link: undefined, figures: undefined });
  });

  it('takes the active links of a fresh load, moves the last heartbeat, and counts by status', () => {
    let board = boardFrom(
      [machine('m1', 'occupied'), machine('m2', 'offline'), machine('m3', 'available')],
      [{ linkId: 'l1', machineId: 'm1', userId: 'u1', displayName: 'Grace', since: 's' }],
    );
    expect(board.get('m1')!.link).toEqual({ linkId: 'l1', displayName: 'Grace', since: 's' });
    board = apply(board, 'machine.heartbeat', { machineId: 'm3', at: '2026-11-30T06:01:00.000Z' });
    expect(board.get('m3')!.lastSeenAt).toBe('2026-11-30T06:01:00.000Z');
    expect(countByStatus(board.values())).toEqual({ available: 1, occupied: 1, offline: 1, maintenance: 0 });
  });

  it('asks for a reload when a machine it has not loaded speaks, and ignores what is not for the board', () => {
    const board = boardFrom([machine('m1', 'available')], []);
    expect(applyLive(board, live('machine.status', { machineId: 'new', status: 'available' }))).toBe(
      'unknown',
    );
    expect(applyLive(board, live('telemetry', { machineId: 'm1' }))).toBe(board);
  });
});
