/**
 * What the NATS server's version costs the platform, said once where messaging is provisioned.
 *
 * A retention-limited stream evicts one message for every one stored once it is full (TELEMETRY:
 * a day or 10 GiB, about 1.4 h of 2,000 frames a second). nats-server before 2.10 recomputes, for
 * each eviction, the first sequence of the evicted message's subject by reading forward message by
 * message until the next one of that subject — past one frame of every other machine streaming,
 * since each machine's telemetry has a subject of its own. Measured on 2.9.10 with 2,000 subjects:
 * 15 µs a message stored while the stream has room, 220 µs once it is full (docs/benchmarks-hub.md).
 * From 2.10 the first sequence is recomputed only when asked for.
 */
export function retentionCaveat(serverVersion: string | undefined): string | undefined {
  const match = /^v?(\d+)\.(\d+)\./.exec(serverVersion ?? '');
  if (!match) return undefined;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major > 2 || (major === 2 && minor >= 10)) return undefined;
  return (
    `nats-server ${serverVersion}: once TELEMETRY is full, every frame stored costs the server a scan ` +
    'over one frame of each machine streaming (fixed in nats-server 2.10); use 2.10 or later'
  );
}
