import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  apiClient,
  phoneJpeg,
  plainPng,
  pngBomb,
  postForm,
  registerMember,
  startMealDetectionStandIn,
  startPlatform,
  streamHugeUpload,
  truncatedJpeg,
  uploadPhoto,
  waitFor,
  type ApiClient,
  type MealDetectionStandIn,
  type TestPlatform,
} from '@nxg/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Uploads against the local object store (a directory under DATA_DIR, read back through the
// gateway's signed URLs): what is refused leaves nothing in the store or the database.

let detection: MealDetectionStandIn;
let platform: TestPlatform;
let api: ApiClient;
let photoUrl: string;
let member: { accessToken: string; user: { id: string } };
const dataDir = mkdtempSync(join(tmpdir(), 'nxg-photos-'));

/** Every file under the store's data directory (objects being written sit in its tmp/). */
function storedFiles(dir = join(dataDir, 'objects')): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (name === 'url-secret') return [];
    return statSync(path).isDirectory() ? storedFiles(path) : [path];
  });
}

beforeAll(async () => {
  detection = await startMealDetectionStandIn();
  platform = await startPlatform({
    replicas: { nutrition: 1 },
    env: {
      all: { DATA_DIR: dataDir },
      nutrition: { MEAL_AI_URL: detection.baseUrl, MEAL_AI_TOKEN: detection.token },
    },
  });
  api = apiClient(platform.gatewayUrl);
  photoUrl = `${platform.gatewayUrl}/v1/nutrition/meals/photo`;
  member = await registerMember(api);
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  await detection?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const MiB = 1024 * 1024;

/** A refusal: its status and stable code, problem+json, and nothing stored or logged. */
async function expectRefused(
  response: { status: number; headers?: Headers; body: { code?: string } },
  status: number,
  code: string,
) {
  expect(response.body.code, JSON.stringify(response.body)).toBe(code);
  expect(response.status).toBe(status);
  if (response.headers) expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(storedFiles()).toEqual([]);
  const meals = await api.get('/v1/nutrition/meals', member.accessToken);
  expect(meals.body.items).toEqual([]);
}

describe('bad photo uploads, each a 4xx problem with nothing left behind', () => {
  it('refuses a file that is not an image', async () => {
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n'.repeat(10));
    await expectRefused(
      await uploadPhoto(photoUrl, member.accessToken, pdf, { type: 'application/pdf', filename: 'menu.pdf' }),
      415,
      'IMAGE_UNSUPPORTED',
    );
  });

  it('refuses a text file renamed .jpg and declared image/jpeg', async () => {
    const text = Buffer.from('grilled chicken, rice, broccoli\n'.repeat(20));
    await expectRefused(
      await uploadPhoto(photoUrl, member.accessToken, text, { type: 'image/jpeg', filename: 'lunch.jpg' }),
      415,
      'IMAGE_UNSUPPORTED',
    );
  });

  it('refuses a 30 MB file while it streams, long before it is all sent', async () => {
    const answer = await streamHugeUpload(photoUrl, member.accessToken, 30 * MiB);
    await expectRefused(answer as never, 413, 'UPLOAD_TOO_LARGE');
    expect(answer.bytesSent).toBeLessThan(25 * MiB);
  });

  it('refuses a 20,000 × 20,000 PNG (a decompression bomb) from its header', async () => {
    await expectRefused(
      await uploadPhoto(photoUrl, member.accessToken, pngBomb(20_000), {
        type: 'image/png',
        filename: 'bomb.png',
      }),
      422,
      'IMAGE_TOO_MANY_PIXELS',
    );
  });

  it('refuses an empty file part', async () => {
    await expectRefused(
      await uploadPhoto(photoUrl, member.accessToken, Buffer.alloc(0)),
      400,
      'UPLOAD_FILE_EMPTY',
    );
  });

  it('refuses two files', async () => {
    const photo = await phoneJpeg({ width: 320, height: 240 });
    await expectRefused(
      await postForm(photoUrl, member.accessToken, [
        { name: 'photo', file: photo },
        { name: 'photo', file: photo, filename: 'again.jpg' },
      ]),
      400,
      'UPLOAD_TOO_MANY_FILES',
    );
  });

  it('refuses a text field where the file belongs, and a form without a file', async () => {
    await expectRefused(
      await postForm(photoUrl, member.accessToken, [{ name: 'photo', value: 'chicken.jpg' }]),
      400,
      'UPLOAD_FILE_MISSING',
    );
    await expectRefused(
      await postForm(photoUrl, member.accessToken, [{ name: 'mealType', value: 'lunch' }]),
      400,
      'UPLOAD_FILE_MISSING',
    );
  });

  it('refuses a truncated JPEG', async () => {
    await expectRefused(
      await uploadPhoto(photoUrl, member.accessToken, await truncatedJpeg()),
      422,
      'IMAGE_CORRUPT',
    );
  });

  it('refuses JSON, unknown fields, a bad meal type and a meal in the future', async () => {
    await expectRefused(
      await api.post('/v1/nutrition/meals/photo', { photo: 'base64…' }, member.accessToken),
      415,
      'UPLOAD_NOT_MULTIPART',
    );
    const photo = await phoneJpeg({ width: 320, height: 240 });
    await expectRefused(
      await uploadPhoto(photoUrl, member.accessToken, photo, { fields: { caption: 'yum' } }),
      400,
      'UPLOAD_UNKNOWN_FIELD',
    );
    await expectRefused(
      await uploadPhoto(photoUrl, member.accessToken, photo, { fields: { mealType: 'brunch' } }),
      400,
      'VALIDATION_FAILED',
    );
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    await expectRefused(
      await uploadPhoto(photoUrl, member.accessToken, photo, { fields: { eatenAt: tomorrow } }),
      400,
      'MEAL_IN_FUTURE',
    );
  });

  it('refuses an upload without a token before reading it', async () => {
    const response = await postForm(photoUrl, 'not-a-token', [{ name: 'photo', file: await plainPng() }]);
    expect(response.status).toBe(401);
    expect(storedFiles()).toEqual([]);
  });

  it('stores an upload retried with the same Idempotency-Key once, and answers the retry the same', async () => {
    const other = await registerMember(api);
    const photo = await phoneJpeg({ width: 400, height: 300 });
    const send = () => {
      const form = new FormData();
      form.append('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'meal.jpg');
      return fetch(photoUrl, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${other.accessToken}`, 'idempotency-key': 'upload-7f3c2a' },
      });
    };
    const first = await send();
    const again = await send();
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const idOf = async (response: Response) => ((await response.json()) as { id: string }).id;
    expect(await idOf(again)).toBe(await idOf(first));
    expect(
      storedFiles().filter((f) => f.includes(join('data', 'nutrition', 'meals', other.user.id))),
    ).toHaveLength(1);
    expect((await api.get('/v1/nutrition/meals', other.accessToken)).body.items).toHaveLength(1);
  });

  it('takes a JPEG declared as image/png by its content, and serves it back through a signed gateway URL', async () => {
    const photo = await phoneJpeg({ width: 900, height: 600 });
    const uploaded = await uploadPhoto(photoUrl, member.accessToken, photo, {
      type: 'image/png',
      filename: 'meal.png',
    });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ source: 'photo', hasPhoto: true });
    const files = storedFiles().filter((f) =>
      f.includes(`${join('data', 'nutrition', 'meals', member.user.id)}`),
    );
    expect(files).toHaveLength(1);

    const link = await api.get(`/v1/nutrition/meals/${uploaded.body.id}/photo`, member.accessToken);
    expect(link.status).toBe(200);
    expect(link.body.url).toMatch(new RegExp('/v1/objects/nutrition/meals/.+\\?expires=\\d+&signature='));
    const served = await fetch(
      `${platform.gatewayUrl}${new URL(link.body.url).pathname}${new URL(link.body.url).search}`,
    );
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif]).toEqual(['jpeg', 600, 900, undefined]);
    // A tampered link is refused.
    const tampered = link.body.url.replace(/signature=./, 'signature=x');
    const refused = await fetch(
      `${platform.gatewayUrl}${new URL(tampered).pathname}${new URL(tampered).search}`,
    );
    expect(refused.status).toBe(403);

    // Another member cannot have it.
    const stranger = await registerMember(api);
    expect(
      (await api.get(`/v1/nutrition/meals/${uploaded.body.id}/photo`, stranger.accessToken)).status,
    ).toBe(404);
  });

  it('removes the stored photo when its meal is deleted', async () => {
    const owner = await registerMember(api);
    const uploaded = await uploadPhoto(
      photoUrl,
      owner.accessToken,
      await phoneJpeg({ width: 320, height: 240 }),
    );
    expect(uploaded.status).toBe(201);
    const mine = () =>
      storedFiles().filter((f) => f.includes(join('data', 'nutrition', 'meals', owner.user.id)));
    expect(mine()).toHaveLength(1);
    expect((await api.delete(`/v1/nutrition/meals/${uploaded.body.id}`, owner.accessToken)).status).toBe(204);
    await waitFor(async () => mine().length === 0, 15_000);
    expect((await api.get(`/v1/nutrition/meals/${uploaded.body.id}/photo`, owner.accessToken)).status).toBe(
      404,
    );
  });
});
