import { connectLive, registerMember, SocketClient, usePlatform } from '@nxg/testing';
import { describe, expect, it } from 'vitest';

const { platform, api } = usePlatform({ env: { gateway: { LIVE_SOCKETS_PER_MEMBER: '2' } } });

const ready = (socket: SocketClient) => socket.next((m) => m.type === 'ready');

describe('the live feed', () => {
  it('caps the live sockets one member holds; the next is closed with 4431 until one closes', async () => {
    const member = await registerMember(api);
    const first = connectLive(platform.gatewayUrl, member.accessToken);
    const second = connectLive(platform.gatewayUrl, member.accessToken);
    await Promise.all([ready(first), ready(second)]);
    const third = connectLive(platform.gatewayUrl, member.accessToken);
    const refused = await third.closed;
    expect(refused.code).toBe(4431);
    expect(refused.reason).toMatch(/at most 2 live sockets/);
    // Another member is not held back by this one.
    const other = await registerMember(api);
    const theirs = connectLive(platform.gatewayUrl, other.accessToken);
    await ready(theirs);
    // Closing one frees a place.
    first.close();
    await first.closed;
    // Closing one frees a place, once the gateway has seen it close.
    let again: SocketClient | undefined;
    await expect
      .poll(async () => {
        again?.close();
        again = connectLive(platform.gatewayUrl, member.accessToken);
        return Promise.race([ready(again).then(() => 'ready'), again.closed.then((c) => String(c.code))]);
      })
      .toBe('ready');
    for (const s of [second, theirs, again!]) s.close();
  });

  it('refuses a token in the query string (it would end up in proxy logs): only the subprotocol carries it', async () => {
    const member = await registerMember(api);
    const inQuery = new SocketClient(
      `${platform.gatewayUrl.replace(/^http/, 'ws')}/v1/live?access_token=${member.accessToken}`,
    );
    await expect(inQuery.opened).rejects.toThrow(/400/);
    const inProtocol = connectLive(platform.gatewayUrl, member.accessToken);
    expect((await ready(inProtocol)).data).toMatchObject({ userId: member.user.id });
    inProtocol.close();
  });
});
