import { afterAll, beforeAll } from 'vitest';
import { apiClient, type ApiClient } from './http-client.ts';
import { startPlatform, type PlatformOptions, type TestPlatform } from './platform.ts';

/** Forwards to the value once `beforeAll` has made it; a test touching it earlier is told why. */
function later<T extends object>(current: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      const value = current();
      if (!value) throw new Error(`${what} is made in beforeAll: use it inside a test or hook`);
      const found = Reflect.get(value, property, value) as unknown;
      return typeof found === 'function' ? found.bind(value) : found;
    },
  });
}

/**
 * A test file's platform: started before its tests, stopped after them, with a JSON client on its
 * (first) gateway. `when: false` starts nothing (for suites skipped without PostgreSQL).
 */
export function usePlatform(
  options: PlatformOptions = {},
  { when = true }: { when?: boolean } = {},
): { platform: TestPlatform; api: ApiClient } {
  let platform: TestPlatform | undefined;
  let api: ApiClient | undefined;
  beforeAll(async () => {
    if (!when) return;
    platform = await startPlatform(options);
    api = apiClient(platform.gatewayUrl);
  });
  afterAll(() => platform?.stop());
  return { platform: later(() => platform, 'the test platform'), api: later(() => api, 'the API client') };
}
