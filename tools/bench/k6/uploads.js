// k6: meal-photo uploads (DESIGN.md §10: "a 4 MB meal photo accepted, normalised and stored in
// p99 < 400 ms with the detection service answering at once"), for users' own environments with
// the nutrition service deployed:
//
//   k6 run -e GATEWAY_URL=https://api.example.test -e PHOTO=./meal-4mb.jpg -e RATE=20 \
//     tools/bench/k6/uploads.js
//
// PHOTO is a JPEG of the size to test (4 MB for the target; any photo, e.g.
// `convert -size 2400x1800 plasma: -quality 95 meal-4mb.jpg`). Each member (one per virtual user,
// registered on its first iteration) posts it as multipart to `POST /v1/nutrition/meals/photo`
// at RATE uploads a second overall. Point the nutrition service's detection at a stand-in that
// answers at once to measure the upload path itself. Keep RATE under the per-member and upload
// quotas you configured, or expect 429s. Load only an environment you run yourself.
import http from 'k6/http';
import { check } from 'k6';

const BASE = __ENV.GATEWAY_URL || 'http://127.0.0.1:8080';
const RATE = Number(__ENV.RATE || 10);
if (!__ENV.PHOTO) throw new Error('PHOTO: the path of a JPEG to upload');
const photo = open(__ENV.PHOTO, 'b');

export const options = {
  scenarios: {
    uploads: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: __ENV.DURATION || '2m',
      preAllocatedVUs: Math.max(10, RATE * 2),
      maxVUs: RATE * 10,
    },
  },
  thresholds: {
    'http_req_duration{name:POST /v1/nutrition/meals/photo}': ['p(99)<400'],
    'http_req_failed{name:POST /v1/nutrition/meals/photo}': ['rate<0.001'],
    checks: ['rate>0.999'],
  },
  summaryTrendStats: ['avg', 'med', 'p(90)', 'p(99)', 'max'],
};

let token;

function register() {
  const unique = `${__VU}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const response = http.post(
    `${BASE}/v1/auth/register`,
    JSON.stringify({
      email: `k6-u-${unique}@example.test`,
      username: `k6u_${unique.replaceAll('-', '_')}`,
      password: 'correct horse battery',
      name: 'k6 Member',
    }),
    { headers: { 'content-type': 'application/json' }, tags: { name: 'register' } },
  );
  return response.status === 201 ? response.json('accessToken') : undefined;
}

export default function () {
  token = token || register();
  if (!token) return;
  const response = http.post(
    `${BASE}/v1/nutrition/meals/photo`,
    { photo: http.file(photo, 'meal.jpg', 'image/jpeg') },
    { headers: { authorization: `Bearer ${token}` }, tags: { name: 'POST /v1/nutrition/meals/photo' } },
  );
  check(response, {
    'meal created': (r) => r.status === 201,
    'detected or left to the member': (r) =>
      r.status === 201 &&
      ['detected', 'needs_confirmation', 'manual_entry_needed'].includes(r.json('status')),
  });
}
