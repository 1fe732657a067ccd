import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Parser } from '@asyncapi/parser';
import { consumers, streams } from '@nxg/contracts';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addressOf, channelIdOf, messageIdOf, renderAsyncApi } from './asyncapi.ts';
import { events } from './event-catalog.ts';

interface Doc {
  asyncapi: string;
  info: { description: string };
  channels: Record<
    string,
    {
      address: string;
      parameters?: Record<string, unknown>;
      messages: Record<string, { $ref: string }>;
      'x-nxg-stream': string;
      'x-nxg-consumers': string[];
    }
  >;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[] }>;
  components: { messages: Record<string, { payload: { properties: Record<string, { const?: unknown }> } }> };
}

/** Follows a local `#/a/b` reference, and the references it leads to. */
const resolve = (doc: object, ref: string): unknown => {
  const found = ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
  const next = (found as { $ref?: string } | undefined)?.$ref;
  return next ? resolve(doc, next) : found;
};

describe('the AsyncAPI event catalog', () => {
  it('is up to date with contracts (run `pnpm catalog` after changing an event)', () => {
    const committed = readFileSync(
      fileURLToPath(new URL('../../docs/asyncapi.yaml', import.meta.url)),
      'utf8',
    );
    expect(committed).toBe(renderAsyncApi());
  });

  it('is a valid AsyncAPI document by the official parser: no error, warning or hint', async () => {
    const { document, diagnostics } = await new Parser().parse(renderAsyncApi());
    expect(document).toBeDefined();
    expect(diagnostics.map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
  });

  it('has a channel, a receive operation and a versioned message for every event, with references that resolve', () => {
    const doc = parse(renderAsyncApi()) as Doc;
    expect(doc.asyncapi).toBe('3.1.0');
    for (const event of events) {
      const channel = doc.channels[channelIdOf(event)]!;
      expect(channel.address).toBe(addressOf(event));
      expect(streams.map((s) => s.name)).toContain(channel['x-nxg-stream']);
      // Every {parameter} of the address is declared.
      for (const [, name] of channel.address.matchAll(/\{([^}]+)\}/g))
        expect(channel.parameters).toHaveProperty(name!);
      const message = resolve(
        doc,
        channel.messages[messageIdOf(event)]!.$ref,
      ) as Doc['components']['messages'][string];
      expect(message.payload.properties.type!.const).toBe(event.type);
      expect(message.payload.properties.dataVersion!.const).toBe(event.dataVersion);
      const operation = doc.operations[`receive_${channelIdOf(event)}`]!;
      expect(operation.action).toBe('receive');
      expect(resolve(doc, operation.channel.$ref)).toEqual(channel);
      for (const ref of operation.messages) expect(resolve(doc, ref.$ref)).toEqual(message);
    }
  });

  it('names the platform’s own durable consumers of each channel, and tells analysts how to attach theirs', () => {
    const doc = parse(renderAsyncApi()) as Doc;
    const listed = Object.values(doc.channels).flatMap((c) => c['x-nxg-consumers']);
    // Every declared consumer reads a channel of the catalog.
    expect([...listed].sort()).toEqual(consumers.map((c) => c.durable).sort());
    expect(doc.info.description).toContain('## Attaching a durable consumer');
    expect(doc.channels.machines_unlinked!['x-nxg-consumers']).toContain('analytics_machine_unlinked');
  });
});
