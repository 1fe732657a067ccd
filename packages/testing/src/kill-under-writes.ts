import { readEvents } from './events.ts';
import { registerMember, type ApiClient, type ApiResponse } from './http-client.ts';
import type { TestPlatform } from './platform.ts';
import { waitFor } from './wait-for.ts';

export interface KillUnderWrites {
  platform: TestPlatform;
  api: ApiClient;
  /** The service killed with -9 (its first replica) and restarted. */
  service: string;
  /** One member's write, e.g. a logged set; 201 and a body with the new resource's `id` when acknowledged. */
  write: (accessToken: string) => Promise<ApiResponse>;
  /** The member's list route of what was written (cursor paginated, `limit` 100). */
  listPath: string;
  /** Where each written resource is announced, and its id in the event's data. */
  events: { stream: string; subject: string; idOf: (data: unknown) => string };
  /** How long the restarted service may take to acknowledge 100 more writes. */
  recoverWithinMs?: number;
}

export interface KillUnderWritesResult {
  /** Ids of the writes the member was answered 201 for. */
  acknowledged: string[];
  /** What the service lists for the member afterwards. */
  listed: string[];
  /** Ids named by the events announced for the member, as many as the stream holds. */
  announced: string[];
}

/**
 * A member writes ten requests at a time, back to back (concurrent writes share transactions),
 * while the service is killed with -9 after 100 acknowledged writes and restarted; once 100 more
 * are acknowledged it stops and reads what was stored and what was announced. The caller asserts.
 */
export async function killUnderWrites(options: KillUnderWrites): Promise<KillUnderWritesResult> {
  const { platform, api } = options;
  const since = new Date();
  const member = await registerMember(api);
  const replica = platform.services[options.service]![0]!;
  const acknowledged: string[] = [];
  let stop = false;
  const phones = Array.from({ length: 10 }, async () => {
    while (!stop) {
      const response = await options.write(member.accessToken);
      if (response.status === 201) acknowledged.push(response.body.id as string);
      else await new Promise((r) => setTimeout(r, 50)); // 503/504 while the service is down
    }
  });
  try {
    await waitFor(async () => acknowledged.length >= 100, 30_000);
    await replica.kill();
    const beforeRestart = acknowledged.length;
    await replica.restart();
    await waitFor(async () => acknowledged.length >= beforeRestart + 100, options.recoverWithinMs ?? 30_000);
  } finally {
    stop = true;
    await Promise.all(phones);
  }

  const listed: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get(
      `${options.listPath}?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      member.accessToken,
    );
    if (page.status !== 200) throw new Error(`${options.listPath} answered ${page.status}`);
    listed.push(...(page.body.items as Array<{ id: string }>).map((item) => item.id));
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor);

  const events = await readEvents(platform.nc, {
    stream: options.events.stream,
    subject: options.events.subject,
    since,
    where: (event) => event.subject === member.user.id,
    expect: listed.length,
    quietMs: 5000,
  });
  return { acknowledged, listed, announced: events.map((event) => options.events.idOf(event.data)) };
}
